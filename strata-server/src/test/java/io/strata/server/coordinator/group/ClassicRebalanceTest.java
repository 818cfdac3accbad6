package io.strata.server.coordinator.group;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.SyncGroupRequestData.SyncGroupRequestAssignment;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ClassicRebalanceTest {

    private static final String GROUP = "g";
    private static final int DELAY_MS = GroupTestKit.CONFIG.initialRebalanceDelayMs();

    private final GroupTestKit kit = new GroupTestKit();

    @AfterEach
    void close() {
        kit.close();
    }

    @Test
    void theFirstRebalanceOfAnEmptyGroupWaitsForTheInitialDelay() {
        CompletableFuture<JoinGroupResponseData> joining = kit.join(GROUP, "");
        kit.awaitParked(GROUP, 1);

        kit.advance(DELAY_MS - 1);
        assertThat(joining).isNotDone();
        assertThat(kit.state(GROUP)).isEqualTo(GroupState.PREPARING_REBALANCE);

        kit.advance(1);
        JoinGroupResponseData joined = joining.join();
        assertThat(joined.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(joined.generationId()).isEqualTo(1);
        assertThat(joined.leader()).isEqualTo(joined.memberId());
        assertThat(kit.state(GROUP)).isEqualTo(GroupState.COMPLETING_REBALANCE);
    }

    @Test
    void aMemberThatStopsHeartbeatingExpiresAfterItsSessionTimeout() {
        JoinGroupResponseData member = stableSingleMember();

        kit.advance(GroupTestKit.SESSION_MS - 1);
        assertThat(heartbeat(member)).isEqualTo(Errors.NONE);
        kit.advance(GroupTestKit.SESSION_MS - 1);
        assertThat(kit.state(GROUP)).isEqualTo(GroupState.STABLE);

        kit.advance(1);

        assertThat(kit.state(GROUP)).isEqualTo(GroupState.EMPTY);
        assertThat(heartbeat(member)).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
    }

    @Test
    void aMemberThatDoesNotRejoinWithinTheRebalanceTimeoutIsRemoved() {
        JoinGroupResponseData first = stableSingleMember();
        CompletableFuture<JoinGroupResponseData> second = kit.join(GROUP, "");
        kit.awaitParked(GROUP, 1);
        assertThat(kit.state(GROUP)).isEqualTo(GroupState.PREPARING_REBALANCE);
        assertThat(heartbeat(first)).isEqualTo(Errors.REBALANCE_IN_PROGRESS);

        // The first member heartbeats but never rejoins; the join phase ends at the rebalance timeout.
        for (int elapsed = 0; elapsed < GroupTestKit.REBALANCE_MS - 5000; elapsed += 5000) {
            kit.advance(5000);
            heartbeat(first);
        }
        assertThat(second).isNotDone();
        kit.advance(5000);

        JoinGroupResponseData joined = second.join();
        assertThat(joined.generationId()).isEqualTo(2);
        assertThat(joined.leader()).isEqualTo(joined.memberId());
        assertThat(heartbeat(first)).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
    }

    private Errors heartbeat(JoinGroupResponseData member) {
        return kit.membership.heartbeat(GROUP, member.memberId(), Optional.empty(), member.generationId());
    }

    private JoinGroupResponseData stableSingleMember() {
        CompletableFuture<JoinGroupResponseData> joining = kit.join(GROUP, "");
        kit.awaitParked(GROUP, 1);
        kit.advance(DELAY_MS);
        JoinGroupResponseData joined = joining.join();
        var syncing = kit.sync(GROUP, joined, List.of(new SyncGroupRequestAssignment()
                .setMemberId(joined.memberId()).setAssignment(new byte[] {1})));
        org.awaitility.Awaitility.await().until(() -> kit.store.pendingCount() == 1);
        kit.store.commitNext();
        assertThat(syncing.join().errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(kit.state(GROUP)).isEqualTo(GroupState.STABLE);
        return joined;
    }
}
