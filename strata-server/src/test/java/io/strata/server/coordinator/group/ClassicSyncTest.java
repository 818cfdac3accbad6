package io.strata.server.coordinator.group;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.errors.NotCoordinatorException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.SyncGroupRequestData.SyncGroupRequestAssignment;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ClassicSyncTest {

    private static final String GROUP = "g";

    private final GroupTestKit kit = new GroupTestKit();
    private JoinGroupResponseData leader;
    private JoinGroupResponseData follower;
    private CompletableFuture<SyncGroupResponseData> followerSync;
    private CompletableFuture<SyncGroupResponseData> leaderSync;

    /** Two members join, the follower waits in SyncGroup and the leader hands in the assignment. */
    @BeforeEach
    void twoMembersSync() {
        CompletableFuture<JoinGroupResponseData> first = kit.join(GROUP, "");
        kit.awaitParked(GROUP, 1);
        CompletableFuture<JoinGroupResponseData> second = kit.join(GROUP, "");
        kit.awaitParked(GROUP, 2);
        // The second join came during the initial delay, which therefore runs one more step.
        kit.advance(GroupTestKit.CONFIG.initialRebalanceDelayMs());
        kit.advance(GroupTestKit.CONFIG.initialRebalanceDelayMs());
        JoinGroupResponseData a = first.join();
        JoinGroupResponseData b = second.join();
        assertThat(a.errorCode()).isEqualTo(Errors.NONE.code());
        leader = a.leader().equals(a.memberId()) ? a : b;
        follower = leader == a ? b : a;

        followerSync = kit.sync(GROUP, follower, List.of());
        kit.awaitParked(GROUP, 1);
        leaderSync = kit.sync(GROUP, leader, List.of(
                new SyncGroupRequestAssignment().setMemberId(leader.memberId()).setAssignment(new byte[] {1}),
                new SyncGroupRequestAssignment().setMemberId(follower.memberId()).setAssignment(new byte[] {2})));
        await().until(() -> kit.store.pendingCount() == 1);
        kit.awaitParked(GROUP, 2);
    }

    @AfterEach
    void close() {
        kit.close();
    }

    @Test
    void nobodyGetsTheAssignmentAndTheGroupIsNotStableUntilTheRecordCommits() {
        assertThat(kit.state(GROUP)).isEqualTo(GroupState.COMPLETING_REBALANCE);
        assertThat(leaderSync).isNotDone();
        assertThat(followerSync).isNotDone();

        kit.store.commitNext();

        assertThat(leaderSync.join().errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(leaderSync.join().assignment()).containsExactly(1);
        assertThat(followerSync.join().assignment()).containsExactly(2);
        assertThat(kit.state(GROUP)).isEqualTo(GroupState.STABLE);
    }

    @Test
    void aTimedOutAssignmentWriteFailsEveryMemberRetriablyAndTheGroupRebalances() {
        kit.store.failNext(new TimeoutException("replication did not complete"));

        assertThat(leaderSync.join().errorCode()).isEqualTo(Errors.COORDINATOR_NOT_AVAILABLE.code());
        assertThat(followerSync.join().errorCode()).isEqualTo(Errors.COORDINATOR_NOT_AVAILABLE.code());
        assertThat(kit.state(GROUP)).isEqualTo(GroupState.PREPARING_REBALANCE);
        ClassicGroup group = kit.registry.group(GROUP, false).orElseThrow();
        List<byte[]> assignments = ClassicMembership.locked(group,
                g -> g.members.values().stream().map(m -> m.assignment).toList());
        assertThat(assignments).hasSize(2).allSatisfy(assignment -> assertThat(assignment).isEmpty());
        int generation = ClassicMembership.locked(group, g -> g.generation);
        assertThat(generation).isEqualTo(leader.generationId());
    }

    @Test
    void aWriteRejectedForLostLeadershipAnswersNotCoordinator() {
        kit.store.failNext(new NotCoordinatorException("moved"));

        assertThat(leaderSync.join().errorCode()).isEqualTo(Errors.NOT_COORDINATOR.code());
        assertThat(followerSync.join().errorCode()).isEqualTo(Errors.NOT_COORDINATOR.code());
        assertThat(kit.state(GROUP)).isNotEqualTo(GroupState.STABLE);
    }

    @Test
    void anAssignmentCommittedAfterTheGenerationEndedIsNotApplied() {
        // The follower leaves while the write is pending: a new rebalance starts and the old assignment is stale.
        kit.membership.leave(GROUP, List.of(new ClassicMembership.Leaving(follower.memberId(),
                java.util.Optional.empty())));
        assertThat(leaderSync.join().errorCode()).isEqualTo(Errors.REBALANCE_IN_PROGRESS.code());

        kit.store.commitNext();

        assertThat(kit.state(GROUP)).isEqualTo(GroupState.PREPARING_REBALANCE);
    }
}
