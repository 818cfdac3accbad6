package io.strata.server.coordinator.group;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.NotCoordinatorException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class GroupOffsetsTest {

    private static final String GROUP = "simple";
    private static final TopicPartition TP = new TopicPartition("orders", 0);

    private final GroupTestKit kit = new GroupTestKit();

    @AfterEach
    void close() {
        kit.close();
    }

    private CompletableFuture<List<Errors>> commit(long offset) {
        // Generation -1 and no member: a "simple" group, as consumers using assign() and admin tools commit.
        return kit.async(() -> kit.offsets.commit(GROUP, "", Optional.empty(), -1,
                List.of(new GroupOffsets.Commit(TP, offset, 3, Optional.of("m"))), Errors.ILLEGAL_GENERATION));
    }

    private Map<TopicPartition, GroupRecords.OffsetValue> fetch() {
        return kit.offsets.fetch(GROUP, Optional.empty());
    }

    private void awaitPendingWrites(int n) {
        await().until(() -> kit.store.pendingCount() == n);
    }

    @Test
    void anOffsetIsInvisibleToFetchUntilItsRecordCommits() {
        CompletableFuture<List<Errors>> committing = commit(42);
        awaitPendingWrites(1);

        assertThat(fetch()).isEmpty();
        assertThat(committing).isNotDone();

        kit.store.commitNext();

        assertThat(committing.join()).containsExactly(Errors.NONE);
        assertThat(fetch()).containsOnlyKeys(TP);
        assertThat(fetch().get(TP).offset()).isEqualTo(42);
        assertThat(fetch().get(TP).commitTimestamp()).isEqualTo(kit.time.milliseconds());
    }

    @Test
    void aTimedOutCommitIsNeverShownAndTheClientIsToldToRetry() {
        CompletableFuture<List<Errors>> committing = commit(42);
        awaitPendingWrites(1);

        kit.store.failNext(new TimeoutException("replication did not complete"));

        assertThat(committing.join()).containsExactly(Errors.COORDINATOR_NOT_AVAILABLE);
        assertThat(fetch()).isEmpty();
    }

    @Test
    void aCommitToANodeThatLostLeadershipAnswersNotCoordinator() {
        CompletableFuture<List<Errors>> committing = commit(42);
        awaitPendingWrites(1);

        kit.store.failNext(new NotCoordinatorException("moved"));

        assertThat(committing.join()).containsExactly(Errors.NOT_COORDINATOR);
        assertThat(fetch()).isEmpty();
    }

    @Test
    void commitsApplyInLogOrderWhenOnlyTheLaterCommitIsReported() {
        CompletableFuture<List<Errors>> first = commit(1);
        awaitPendingWrites(1);
        CompletableFuture<List<Errors>> second = commit(2);
        awaitPendingWrites(2);

        kit.store.commitLatestOnly();

        assertThat(first.join()).containsExactly(Errors.NONE);
        assertThat(second.join()).containsExactly(Errors.NONE);
        assertThat(fetch().get(TP).offset()).isEqualTo(2);

        kit.store.commitNext(); // The first write's own, late notification changes nothing.
        assertThat(fetch().get(TP).offset()).isEqualTo(2);
    }

    @Test
    void offsetDeleteAlsoTombstonesAnOffsetStillBeingWritten() {
        CompletableFuture<List<Errors>> committing = commit(7);
        awaitPendingWrites(1);

        CompletableFuture<GroupOffsets.DeleteOutcome> deleting = kit.async(() -> kit.offsets.delete(GROUP,
                List.of(TP)));
        awaitPendingWrites(2);
        assertThat(kit.store.appended().get(1)).hasSize(1);
        assertThat(kit.store.appended().get(1).get(0).value()).isNull();

        kit.store.commitNext();
        assertThat(committing.join()).containsExactly(Errors.NONE);
        assertThat(fetch()).containsOnlyKeys(TP);
        assertThat(deleting).isNotDone();

        kit.store.commitNext();
        assertThat(deleting.join().partitions()).containsEntry(TP, Errors.NONE);
        assertThat(fetch()).isEmpty();
    }

    @Test
    void expiredOffsetsStayVisibleUntilTheirTombstonesCommit() {
        CompletableFuture<List<Errors>> committing = commit(42);
        awaitPendingWrites(1);
        kit.store.commitNext();
        assertThat(committing.join()).containsExactly(Errors.NONE);

        kit.time.sleep(GroupTestKit.CONFIG.offsetsRetentionMs() - 1);
        kit.offsets.expire();
        assertThat(kit.store.pendingCount()).isZero();

        kit.time.sleep(1);
        kit.offsets.expire();
        assertThat(kit.store.pendingCount()).isEqualTo(1);
        assertThat(fetch()).containsOnlyKeys(TP);

        kit.store.commitNext();
        assertThat(fetch()).isEmpty();
        assertThat(kit.registry.group(GROUP, false)).isEmpty();
    }

    private List<Errors> commitTransactional(long producerId, long offset) {
        CompletableFuture<List<Errors>> committing = kit.async(() -> kit.offsets.commitTransactional(GROUP,
                producerId, (short) 0, "", Optional.empty(), -1,
                List.of(new GroupOffsets.Commit(TP, offset, 3, Optional.empty()))));
        awaitPendingWrites(1);
        kit.store.commitNext();
        return committing.join();
    }

    @Test
    void transactionalOffsetsShowOnlyOnceTheirCommitMarkerIsWritten() {
        assertThat(commitTransactional(77, 10)).containsExactly(Errors.NONE);
        assertThat(fetch()).isEmpty();
        assertThat(kit.offsets.unstable(GROUP)).containsExactly(TP);

        kit.offsets.completeTransaction(0, 77, true);
        assertThat(fetch().get(TP).offset()).isEqualTo(10);
        assertThat(kit.offsets.unstable(GROUP)).isEmpty();
    }

    @Test
    void transactionalOffsetsAreDroppedByAnAbortMarker() {
        commit(5);
        awaitPendingWrites(1);
        kit.store.commitNext();
        assertThat(commitTransactional(78, 20)).containsExactly(Errors.NONE);
        // A marker of another producer changes nothing.
        kit.offsets.completeTransaction(0, 79, true);
        assertThat(kit.offsets.unstable(GROUP)).containsExactly(TP);

        kit.offsets.completeTransaction(0, 78, false);
        assertThat(fetch().get(TP).offset()).isEqualTo(5);
        assertThat(kit.offsets.unstable(GROUP)).isEmpty();
    }

    @Test
    void aTransactionalCommitOfAnUnknownMemberIsRefusedWithAnErrorTheProducerHandles() {
        List<Errors> errors = kit.async(() -> kit.offsets.commitTransactional(GROUP, 77, (short) 0, "ghost",
                Optional.empty(), 3, List.of(new GroupOffsets.Commit(TP, 1, -1, Optional.empty())))).join();
        assertThat(errors).containsExactly(Errors.UNKNOWN_MEMBER_ID);
        assertThat(kit.store.pendingCount()).isZero();
    }
}
