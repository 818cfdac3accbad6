package io.strata.server.coordinator.group;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.SyncGroupRequestData.SyncGroupRequestAssignment;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ClassicJoinTest {

    private static final String GROUP = "g";
    private static final Optional<String> INSTANCE = Optional.of("instance-1");

    private final GroupTestKit kit = new GroupTestKit();
    private JoinGroupResponseData original;

    /** A stable group of one static member. */
    @BeforeEach
    void stableStaticMember() {
        CompletableFuture<JoinGroupResponseData> joining = kit.join(GROUP, "", INSTANCE);
        kit.awaitParked(GROUP, 1);
        kit.advance(GroupTestKit.CONFIG.initialRebalanceDelayMs());
        original = joining.join();
        var syncing = kit.sync(GROUP, original, List.of(new SyncGroupRequestAssignment()
                .setMemberId(original.memberId()).setAssignment(new byte[] {7})));
        await().until(() -> kit.store.pendingCount() == 1);
        kit.store.commitNext();
        assertThat(syncing.join().assignment()).containsExactly(7);
    }

    @AfterEach
    void close() {
        kit.close();
    }

    private Errors heartbeat(String memberId) {
        return kit.membership.heartbeat(GROUP, memberId, INSTANCE, original.generationId());
    }

    @Test
    void aReturningStaticMemberIsAnsweredOnlyOnceItsReplacementCommits() {
        CompletableFuture<JoinGroupResponseData> rejoining = kit.join(GROUP, "", INSTANCE);
        await().until(() -> kit.store.pendingCount() == 1);
        assertThat(rejoining).isNotDone();

        kit.store.commitNext();

        JoinGroupResponseData rejoined = rejoining.join();
        assertThat(rejoined.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(rejoined.memberId()).isNotEqualTo(original.memberId());
        assertThat(rejoined.generationId()).isEqualTo(original.generationId());
        assertThat(kit.state(GROUP)).isEqualTo(GroupState.STABLE);
        assertThat(heartbeat(original.memberId())).isEqualTo(Errors.FENCED_INSTANCE_ID);
        assertThat(heartbeat(rejoined.memberId())).isEqualTo(Errors.NONE);
    }

    @Test
    void aFailedReplacementRestoresThePreviousIncarnation() {
        CompletableFuture<JoinGroupResponseData> rejoining = kit.join(GROUP, "", INSTANCE);
        await().until(() -> kit.store.pendingCount() == 1);

        kit.store.failNext(new TimeoutException("replication did not complete"));

        assertThat(rejoining.join().errorCode()).isEqualTo(Errors.COORDINATOR_NOT_AVAILABLE.code());
        assertThat(heartbeat(original.memberId())).isEqualTo(Errors.NONE);
        assertThat(kit.state(GROUP)).isEqualTo(GroupState.STABLE);
    }
}
