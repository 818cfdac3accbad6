package io.strata.storage;

import static io.strata.storage.TestSupport.batch;
import static io.strata.storage.TestSupport.idempotent;
import static io.strata.storage.TestSupport.newLog;
import static io.strata.storage.TestSupport.transactional;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.InvalidTxnStateException;
import org.apache.kafka.common.errors.TransactionCoordinatorFencedException;
import org.apache.kafka.common.record.internal.ControlRecordType;
import org.apache.kafka.common.record.internal.EndTransactionMarker;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Transactions in one log, on a leader and a follower: the last stable offset, markers, fencing, aborted
 * transactions and the verification guards of KIP-890.
 */
class FileLogTransactionsTest {
    @TempDir
    Path dir;

    private final TestSupport.ManualTime time = new TestSupport.ManualTime(System.currentTimeMillis());

    @Test
    void transactionsHoldTheLastStableOffsetUntilTheHighWatermarkPassesTheirMarker() {
        try (FileLog log = newLog(dir, Map.of(), time)) {
            log.appendAsLeader(transactional(1, (short) 0, 0, "a1", "a2"), 1);   // 0-1: 1 opens at 0
            log.appendAsLeader(batch("plain"), 1);                                 // 2
            log.appendAsLeader(transactional(2, (short) 0, 0, "b1"), 1);          // 3: 2 opens at 3
            assertThat(log.lastStableOffset()).isZero();
            log.maybeIncrementHighWatermark(4);
            assertThat(log.lastStableOffset()).isZero();
            assertThat(log.appendTxnMarker(1, (short) 0, 3, true, 1).firstOffset()).isEqualTo(4);
            assertThat(log.lastStableOffset()).as("marker not yet replicated").isZero();
            log.maybeIncrementHighWatermark(5);
            assertThat(log.lastStableOffset()).isEqualTo(3);
            assertThat(log.read(0, 4096, Long.MAX_VALUE, true).lastStableOffset()).isEqualTo(3);
            // Fencing: an older coordinator, a non-transactional write in a transaction (older epochs below).
            log.appendAsLeader(transactional(1, (short) 0, 2, "a3"), 1);          // 5
            assertThatThrownBy(() -> log.appendTxnMarker(1, (short) 0, 2, false, 1))
                    .isInstanceOf(TransactionCoordinatorFencedException.class);
            assertThatThrownBy(() -> log.appendAsLeader(idempotent(Compression.NONE, time.milliseconds(), 1,
                    (short) 0, 3, "x"), 1)).isInstanceOf(InvalidTxnStateException.class);
            log.appendTxnMarker(2, (short) 0, 3, false, 1);                        // 6: aborts 2
            log.appendTxnMarker(1, (short) 0, 3, false, 1);                        // 7: aborts 1's second
            log.maybeIncrementHighWatermark(8);
            assertThat(log.lastStableOffset()).isEqualTo(8);
            assertThat(log.abortedTransactions(0, 8)).containsExactly(new AbortedTxn(2, 3, 6, 5),
                    new AbortedTxn(1, 5, 7, 8));
            assertThat(log.abortedTransactions(7, 8)).containsExactly(new AbortedTxn(1, 5, 7, 8));
            assertThat(log.abortedTransactions(0, 3)).isEmpty();
            assertThat(log.activeProducers()).extracting(ActiveProducer::currentTxnStartOffset).containsOnly(-1L);
            assertThat(log.activeProducers()).extracting(ActiveProducer::coordinatorEpoch).containsOnly(3);
            log.appendTxnMarker(9, (short) 1, 3, false, 1);
            assertThatThrownBy(() -> log.appendTxnMarker(9, (short) 0, 3, false, 1))
                    .isInstanceOf(InvalidProducerEpochException.class);
        }
    }

    @Test
    void followersTrackTransactionsAndTruncationReopensThem() {
        try (FileLog follower = newLog(dir, Map.of(), time)) {
            MemoryRecords data = transactional(1, (short) 0, 0, "a1");
            data.batches().forEach(b -> b.setLastOffset(0));
            follower.appendAsFollower(data);
            MemoryRecords marker = MemoryRecords.withEndTransactionMarker(1L, time.milliseconds(), 1, 1L, (short) 0,
                    new EndTransactionMarker(ControlRecordType.ABORT, 0));
            follower.appendAsFollower(marker);
            follower.updateHighWatermark(1);
            assertThat(follower.lastStableOffset()).isZero();
            follower.updateHighWatermark(2);
            assertThat(follower.lastStableOffset()).isEqualTo(2);
            assertThat(follower.abortedTransactions(0, 2)).containsExactly(new AbortedTxn(1, 0, 1, 2));
            follower.truncateTo(1);
            assertThat(follower.abortedTransactions(0, 2)).isEmpty();
            assertThat(follower.lastStableOffset()).as("the transaction is open again").isZero();
        }
    }

    private static TxnVerification verified(VerificationGuard guard) {
        return TxnVerification.verified(Optional.of(guard));
    }

    @Test
    void aMarkerBetweenVerificationAndAppendRefusesTheWriteThatWouldReopenTheTransaction() {
        try (FileLog log = newLog(dir, Map.of(), time)) {
            VerificationGuard guard = log.startTransactionVerification(1, (short) 0, false).orElseThrow();
            // The coordinator answered "in the transaction", then the transaction aborted before the append.
            log.appendTxnMarker(1, (short) 0, 0, false, 1);
            assertThatThrownBy(() -> log.appendAsLeader(transactional(1, (short) 0, 0, "late"), 1, verified(guard)))
                    .isInstanceOf(InvalidTxnStateException.class);
            assertThat(log.logEndOffset()).isEqualTo(1);
            assertThat(log.activeProducers()).extracting(ActiveProducer::currentTxnStartOffset).containsOnly(-1L);

            // The producer's next attempt is verified afresh and starts its next transaction.
            VerificationGuard retry = log.startTransactionVerification(1, (short) 0, false).orElseThrow();
            assertThat(retry).isNotSameAs(guard);
            log.appendAsLeader(transactional(1, (short) 0, 0, "next"), 1, verified(retry));
            assertThat(log.activeProducers()).extracting(ActiveProducer::currentTxnStartOffset).containsOnly(1L);
        }
    }

    @Test
    void aGuardIsUsedOnceAndAnOpenTransactionNeedsNone() {
        try (FileLog log = newLog(dir, Map.of(), time)) {
            VerificationGuard guard = log.startTransactionVerification(1, (short) 0, false).orElseThrow();
            log.appendAsLeader(transactional(1, (short) 0, 0, "a"), 1, verified(guard));
            assertThat(log.startTransactionVerification(1, (short) 0, false)).as("open: nothing to verify").isEmpty();
            log.appendAsLeader(transactional(1, (short) 0, 1, "b"), 1, TxnVerification.verified(Optional.empty()));
            assertThat(log.startTransactionVerification(1, (short) 1, false)).as("another epoch's is not open")
                    .isPresent();
            log.appendTxnMarker(1, (short) 0, 0, true, 1);

            assertThatThrownBy(() -> log.appendAsLeader(transactional(1, (short) 0, 2, "c"), 1, verified(guard)))
                    .as("the used guard").isInstanceOf(InvalidTxnStateException.class);
            assertThatThrownBy(() -> log.appendAsLeader(transactional(1, (short) 0, 2, "c"), 1,
                    TxnVerification.verified(Optional.empty())))
                    .as("a write that found the transaction open before its marker")
                    .isInstanceOf(InvalidTxnStateException.class);
            assertThat(log.logEndOffset()).isEqualTo(3);
            log.appendAsLeader(transactional(1, (short) 0, 2, "c"), 1);
            assertThat(log.logEndOffset()).as("a write the leader did not verify is not checked").isEqualTo(4);
        }
    }

    @Test
    void aNewerEpochTruncationANewLeadershipAndReplicationDropGuards() {
        try (FileLog log = newLog(dir, Map.of(), time)) {
            log.appendAsLeader(batch("plain"), 1);
            VerificationGuard older = log.startTransactionVerification(1, (short) 0, false).orElseThrow();
            log.startTransactionVerification(1, (short) 1, false);
            assertThatThrownBy(() -> log.appendAsLeader(transactional(1, (short) 0, 0, "a"), 1, verified(older)))
                    .isInstanceOf(InvalidTxnStateException.class);

            VerificationGuard truncated = log.startTransactionVerification(2, (short) 0, false).orElseThrow();
            log.truncateTo(0);
            assertThatThrownBy(() -> log.appendAsLeader(transactional(2, (short) 0, 0, "a"), 1, verified(truncated)))
                    .isInstanceOf(InvalidTxnStateException.class);

            VerificationGuard led = log.startTransactionVerification(3, (short) 0, false).orElseThrow();
            log.clearVerificationGuards();
            assertThatThrownBy(() -> log.appendAsLeader(transactional(3, (short) 0, 0, "a"), 1, verified(led)))
                    .isInstanceOf(InvalidTxnStateException.class);

            VerificationGuard replicated = log.startTransactionVerification(4, (short) 0, false).orElseThrow();
            log.appendAsFollower(MemoryRecords.withEndTransactionMarker(0L, time.milliseconds(), 1, 4L, (short) 0,
                    new EndTransactionMarker(ControlRecordType.ABORT, 0)));
            assertThatThrownBy(() -> log.appendAsLeader(transactional(4, (short) 0, 0, "a"), 1,
                    verified(replicated))).isInstanceOf(InvalidTxnStateException.class);
            assertThat(log.logEndOffset()).isEqualTo(1);
        }
    }

    @Test
    void aVersion2MarkerCarryingTheNextEpochLeavesTheNextTransactionsGuard() {
        try (FileLog log = newLog(dir, Map.of(), time)) {
            VerificationGuard first = log.startTransactionVerification(1, (short) 0, true).orElseThrow();
            log.appendAsLeader(transactional(1, (short) 0, 0, "a"), 1, verified(first));
            // The next transaction's first write arrives before the marker that ends the first one with epoch 1.
            VerificationGuard next = log.startTransactionVerification(1, (short) 1, true).orElseThrow();
            log.appendTxnMarker(1, (short) 1, 0, true, 1);
            log.appendAsLeader(transactional(1, (short) 1, 0, "b"), 1, verified(next));
            assertThat(log.activeProducers()).extracting(ActiveProducer::currentTxnStartOffset).containsOnly(2L);
        }
    }

    @Test
    void guardsLiveInMemoryOnlyAndExpire() {
        VerificationGuard beforeRestart;
        try (FileLog log = newLog(dir, Map.of(), time)) {
            beforeRestart = log.startTransactionVerification(1, (short) 0, false).orElseThrow();
        }
        try (FileLog log = newLog(dir, Map.of(), time)) {
            assertThatThrownBy(() -> log.appendAsLeader(transactional(1, (short) 0, 0, "a"), 1,
                    verified(beforeRestart))).isInstanceOf(InvalidTxnStateException.class);

            VerificationGuard idle = log.startTransactionVerification(2, (short) 0, false).orElseThrow();
            time.advance(1_000);
            log.maintenance().removeExpiredProducers(1_000);
            assertThatThrownBy(() -> log.appendAsLeader(transactional(2, (short) 0, 0, "a"), 1, verified(idle)))
                    .isInstanceOf(InvalidTxnStateException.class);
        }
    }
}
