package io.strata.storage;

import static io.strata.storage.TestSupport.batch;
import static io.strata.storage.TestSupport.idempotent;
import static io.strata.storage.TestSupport.newLog;
import static io.strata.storage.TestSupport.transactional;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
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
 * Transactions in one log, on a leader and a follower: the last stable offset, markers, fencing and aborted
 * transactions.
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
}
