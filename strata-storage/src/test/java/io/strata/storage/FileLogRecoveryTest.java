package io.strata.storage;

import static io.strata.storage.TestSupport.batch;
import static io.strata.storage.TestSupport.idempotent;
import static io.strata.storage.TestSupport.newLog;
import static io.strata.storage.TestSupport.readAll;
import static io.strata.storage.TestSupport.transactional;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.apache.kafka.common.compress.Compression;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A log reopened after a clean shutdown or a crash: the leader epoch checkpoint, the recovery point and the
 * transaction state rebuilt from what is on disk.
 */
class FileLogRecoveryTest {
    @TempDir
    Path dir;

    private final TestSupport.ManualTime time = new TestSupport.ManualTime(System.currentTimeMillis());

    @Test
    void aCorruptLeaderEpochCheckpointIsRebuiltFromTheSegments() throws Exception {
        Map<String, String> small = Map.of("internal.segment.bytes", "300", "index.interval.bytes", "100");
        List<EpochEntry> epochs;
        try (FileLog log = newLog(dir, small, time)) {
            for (int epoch : new int[] {1, 2, 5}) {
                for (int i = 0; i < 8; i++) {
                    log.appendAsLeader(batch("e" + epoch + "-" + i), epoch);
                }
            }
            epochs = log.epochEntries();
            assertThat(log.segments()).hasSizeGreaterThan(3);
        }
        assertThat(epochs).containsExactly(new EpochEntry(1, 0), new EpochEntry(2, 8), new EpochEntry(5, 16));
        Files.writeString(dir.resolve("topic-0").resolve(LeaderEpochCache.FILE_NAME), "0\n3\n1 0\n"); // torn

        // Even after a clean shutdown the corrupt checkpoint is not read as "no epochs".
        try (FileLog reopened = newLog(dir, small, time)) {
            assertThat(reopened.epochEntries()).isEqualTo(epochs);
            assertThat(reopened.endOffsetForEpoch(2)).contains(new EpochEntry(2, 16));
            assertThat(readAll(reopened, 0)).hasSize(24);
        }
    }

    @Test
    void theRecoveryPointWaitsForTheFlushThatSyncsARollsProducerSnapshot() {
        List<Runnable> deferred = new ArrayList<>();
        BackgroundTasks later = (name, task, delayMs) -> deferred.add(task);
        LogConfig config = TestSupport.config(Map.of("internal.segment.bytes", "300"));
        try (FileLog log = LogLoader.load(dir.resolve("topic-0"), TestSupport.TP, TestSupport.TOPIC_ID, config,
                LogLoader.Checkpoints.NEW, time, later, 0)) {
            long now = time.milliseconds();
            int seq = 0;
            while (log.segments().size() < 2) {
                log.appendAsLeader(idempotent(Compression.NONE, now, 9, (short) 0, seq, "v" + seq), 3);
                seq++;
            }
            long rolledAt = log.segments().get(1).baseOffset;
            // The roll wrote the snapshot without fsync: until the flush has synced it, recovery must not start
            // from it, so the recovery point stays below it.
            assertThat(log.producerStateForTesting().snapshots().file(rolledAt)).exists();
            assertThat(log.recoveryPoint()).isLessThan(rolledAt);
            assertThat(deferred).isNotEmpty();
            deferred.forEach(Runnable::run);
            assertThat(log.recoveryPoint()).isEqualTo(rolledAt);
            assertThat(log.producerStateForTesting().snapshots().takeUnsyncedUpTo(log.logEndOffset())).isEmpty();
        }
    }

    @Test
    void openTransactionsAndAbortsSurviveRollRestartAndRecovery() throws Exception {
        Map<String, String> small = Map.of(LogConfig.INTERNAL_SEGMENT_BYTES, "200");
        Path partitionDir;
        try (FileLog log = newLog(dir, small, time)) {
            partitionDir = log.dir();
            log.appendAsLeader(transactional(1, (short) 0, 0, "a-first-record"), 1);     // 0
            for (int i = 0; i < 4; i++) {
                log.appendAsLeader(batch("filler-record-" + i), 1);                    // 1-4, rolls
            }
            log.appendAsLeader(transactional(2, (short) 0, 0, "b-first-record"), 1);     // 5
            log.appendTxnMarker(1, (short) 0, 0, false, 1);                              // 6: aborts 1
            log.appendAsLeader(batch("after"), 1);                                        // 7
            log.maybeIncrementHighWatermark(8);
            assertThat(log.numberOfSegments()).isGreaterThan(1);
            assertThat(log.lastStableOffset()).isEqualTo(5);
        }
        try (FileLog reloaded = load(partitionDir, small, new LogLoader.Checkpoints(true, OptionalLong.of(8),
                OptionalLong.empty(), OptionalLong.of(8)))) {
            assertThat(reloaded.lastStableOffset()).isEqualTo(5);
            assertThat(reloaded.abortedTransactions(0, 8)).containsExactly(new AbortedTxn(1, 0, 6, 5));
        }
        // A crash: no snapshot or .txnindex survives, recovery rebuilds both from the log.
        try (var files = Files.list(partitionDir)) {
            for (Path p : files.toList()) {
                String name = p.getFileName().toString();
                if (name.endsWith(".snapshot") || name.endsWith(".txnindex")) {
                    Files.delete(p);
                }
            }
        }
        try (FileLog recovered = load(partitionDir, small, new LogLoader.Checkpoints(false, OptionalLong.of(0),
                OptionalLong.empty(), OptionalLong.of(8)))) {
            assertThat(recovered.lastStableOffset()).isEqualTo(5);
            assertThat(recovered.abortedTransactions(0, 8)).containsExactly(new AbortedTxn(1, 0, 6, 5));
            assertThat(recovered.activeProducers()).filteredOn(p -> p.producerId() == 2)
                    .extracting(ActiveProducer::currentTxnStartOffset).containsExactly(5L);
        }
    }

    /** The log in {@code partitionDir} loaded as the checkpoints of a clean or unclean shutdown say. */
    private FileLog load(Path partitionDir, Map<String, String> config, LogLoader.Checkpoints checkpoints) {
        return LogLoader.load(partitionDir, TestSupport.TP, TestSupport.TOPIC_ID, TestSupport.config(config),
                checkpoints, time, TestSupport.INLINE, 0);
    }
}
