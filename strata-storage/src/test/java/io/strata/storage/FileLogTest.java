package io.strata.storage;

import static io.strata.storage.TestSupport.batch;
import static io.strata.storage.TestSupport.idempotent;
import static io.strata.storage.TestSupport.newLog;
import static io.strata.storage.TestSupport.readAll;
import static io.strata.storage.TestSupport.transactional;
import static io.strata.storage.TestSupport.values;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.InvalidTxnStateException;
import org.apache.kafka.common.errors.OffsetOutOfRangeException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.TransactionCoordinatorFencedException;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.CompressionType;
import org.apache.kafka.common.record.internal.ControlRecordType;
import org.apache.kafka.common.record.internal.EndTransactionMarker;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.Records;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileLogTest {
    @TempDir
    Path dir;

    private final TestSupport.ManualTime time = new TestSupport.ManualTime(System.currentTimeMillis());

    private FileLog log(Map<String, String> config) {
        return newLog(dir, TestSupport.config(config), time);
    }

    @Test
    void clientBatchesAreStoredInTheTopicCodecAndReplicatedOnesAsTheLeaderSentThem() {
        try (FileLog log = log(Map.of("compression.type", "zstd"))) {
            log.appendAsLeader(idempotent(Compression.NONE, time.milliseconds(), 9, (short) 0, 0, "a", "b"), 1);
            log.appendAsLeader(idempotent(Compression.NONE, time.milliseconds(), 9, (short) 0, 2, "c"), 1);
            List<RecordBatch> stored = new ArrayList<>();
            log.read(0, 4096, Long.MAX_VALUE, true).records().batches().forEach(stored::add);
            assertThat(stored).extracting(RecordBatch::compressionType).containsOnly(CompressionType.ZSTD);
            assertThat(stored).extracting(RecordBatch::baseOffset).containsExactly(0L, 2L);
            assertThat(stored).extracting(RecordBatch::baseSequence).containsExactly(0, 2);
            assertThat(readAll(log, 0)).containsExactly("0:a", "1:b", "2:c");
            // A retried batch is still recognised as a duplicate after its rewrite.
            AppendResult retry = log.appendAsLeader(idempotent(Compression.NONE, time.milliseconds(), 9, (short) 0,
                    2, "c"), 1);
            assertThat(retry.duplicate()).isTrue();
            assertThat(retry.firstOffset()).isEqualTo(2);
        }
        try (FileLog follower = newLog(dir.resolve("follower"), TestSupport.config(Map.of("compression.type",
                "zstd")), time)) {
            MemoryRecords fromLeader = batch(Compression.gzip().build(), time.milliseconds(), "x");
            follower.appendAsFollower(fromLeader);
            assertThat(follower.read(0, 4096, Long.MAX_VALUE, true).records().batches().iterator().next()
                    .compressionType()).isEqualTo(CompressionType.GZIP);
        }
    }

    @Test
    void appendsAssignDenseOffsetsAndReadsReturnThem() {
        try (FileLog log = log(Map.of())) {
            AppendResult first = log.appendAsLeader(batch("a", "b", "c"), 1);
            AppendResult second = log.appendAsLeader(batch("d"), 1);
            assertThat(first.firstOffset()).isZero();
            assertThat(first.lastOffset()).isEqualTo(2);
            assertThat(second.firstOffset()).isEqualTo(3);
            assertThat(log.logEndOffset()).isEqualTo(4);
            assertThat(readAll(log, 0)).containsExactly("0:a", "1:b", "2:c", "3:d");
            assertThat(values(log.read(3, 1000, Long.MAX_VALUE, false).records())).containsExactly("3:d");
            // A read inside a batch returns the whole batch.
            assertThat(values(log.read(1, 1000, Long.MAX_VALUE, false).records())).startsWith("0:a");
        }
    }

    @Test
    void readAtEndIsEmptyAndOutOfRangeThrows() {
        try (FileLog log = log(Map.of())) {
            log.appendAsLeader(batch("a"), 0);
            assertThat(log.read(1, 100, Long.MAX_VALUE, true).records().sizeInBytes()).isZero();
            assertThatThrownBy(() -> log.read(2, 100, Long.MAX_VALUE, true))
                    .isInstanceOf(OffsetOutOfRangeException.class);
            assertThatThrownBy(() -> log.read(-1, 100, Long.MAX_VALUE, true))
                    .isInstanceOf(OffsetOutOfRangeException.class);
        }
    }

    @Test
    void readsWholeBatchesWithinMaxBytesAndMaxOffset() {
        try (FileLog log = log(Map.of("index.interval.bytes", "1"))) {
            for (int i = 0; i < 10; i++) {
                log.appendAsLeader(batch("v" + i), 0);
            }
            int batchSize = log.read(0, 1, Long.MAX_VALUE, true).records().sizeInBytes();
            assertThat(batchSize).isPositive();
            LogReadInfo info = log.read(0, batchSize * 3 + batchSize / 2, Long.MAX_VALUE, false);
            assertThat(values(info.records())).containsExactly("0:v0", "1:v1", "2:v2");
            assertThat(log.read(0, batchSize - 1, Long.MAX_VALUE, false).records().sizeInBytes()).isZero();
            assertThat(log.read(0, batchSize - 1, Long.MAX_VALUE, true).records().sizeInBytes()).isEqualTo(batchSize);
            assertThat(values(log.read(2, 100_000, 5, false).records())).containsExactly("2:v2", "3:v3", "4:v4");
            assertThat(log.read(5, 100_000, 5, true).records().sizeInBytes()).isZero();
        }
    }

    @Test
    void rollsSegmentsBySizeAndTimeAndReadsAcrossThem() throws Exception {
        try (FileLog log = log(Map.of("internal.segment.bytes", "300", "segment.ms", "1000"))) {
            for (int i = 0; i < 20; i++) {
                log.appendAsLeader(batch("value-" + i), 0);
            }
            assertThat(log.segments().size()).isGreaterThan(5);
            assertThat(log.numberOfSegments()).isEqualTo(log.segments().size());
            int before = log.segments().size();
            // An append after segment.ms rolls even a small segment.
            log.truncateTo(19);
            time.advance(2000);
            log.appendAsLeader(batch("late"), 0);
            assertThat(log.segments().size()).isGreaterThanOrEqualTo(before);
            List<String> all = readAll(log, 0);
            assertThat(all).hasSize(20);
            assertThat(all.get(19)).isEqualTo("19:late");
            try (var files = Files.list(dir.resolve("topic-0"))) {
                assertThat(files.map(p -> p.getFileName().toString()))
                        .contains("00000000000000000000.log", "00000000000000000000.index",
                                "00000000000000000000.timeindex", "partition.metadata");
            }
        }
    }

    @Test
    void segmentJitterRollsSomeSegmentsEarlierThanSegmentMs() {
        assertThat(earlyRolls(Map.of("segment.ms", "1000"))).isZero();
        // Each segment draws its jitter in [0, 1000): rolling after 600 ms happens for about 60% of them.
        assertThat(earlyRolls(Map.of("segment.ms", "1000", "segment.jitter.ms", "5000"))).isBetween(1, 29);
    }

    /** Of 30 segments, how many rolled 600 ms after their first batch (before segment.ms = 1000). */
    private int earlyRolls(Map<String, String> config) {
        int early = 0;
        try (FileLog log = newLog(dir.resolve("jitter-" + config.size()), TestSupport.config(config), time)) {
            log.appendAsLeader(batch("first"), 0);
            for (int i = 0; i < 30; i++) {
                int before = log.segments().size();
                time.advance(600);
                log.appendAsLeader(batch("a" + i), 0);
                if (log.segments().size() > before) {
                    early++;
                    continue;
                }
                time.advance(600);
                log.appendAsLeader(batch("b" + i), 0);
                assertThat(log.segments().size()).isGreaterThan(before);
            }
        }
        return early;
    }

    @Test
    void logAppendTimeRewritesTheBatchTimestamp() {
        try (FileLog log = log(Map.of("message.timestamp.type", "LogAppendTime"))) {
            AppendResult r = log.appendAsLeader(batch(Compression.NONE, 5, "x"), 0);
            assertThat(r.logAppendTime()).isEqualTo(time.milliseconds());
            RecordBatch b = log.read(0, 1000, Long.MAX_VALUE, true).records().batches().iterator().next();
            assertThat(b.timestampType()).isEqualTo(TimestampType.LOG_APPEND_TIME);
            assertThat(b.maxTimestamp()).isEqualTo(time.milliseconds());
            b.ensureValid();
        }
    }

    @Test
    void offsetForTimestampAndMaxTimestamp() {
        try (FileLog log = log(Map.of("internal.segment.bytes", "400", "index.interval.bytes", "1",
                "message.timestamp.before.max.ms", "9223372036854775807"))) {
            long t = time.milliseconds() - 100_000;
            log.appendAsLeader(batch(Compression.NONE, t, "a", "b"), 3);          // 0:t, 1:t+1
            log.appendAsLeader(batch(Compression.NONE, t + 50, "c", "d", "e"), 4); // 2..4: t+50..t+52
            log.appendAsLeader(batch(Compression.gzip().build(), t + 10, "f"), 4); // 5: t+10
            assertThat(log.offsetForTimestamp(t + 1)).hasValueSatisfying(to -> {
                assertThat(to.offset()).isEqualTo(1);
                assertThat(to.timestamp()).isEqualTo(t + 1);
                assertThat(to.leaderEpoch()).isEqualTo(OptionalInt.of(3));
            });
            assertThat(log.offsetForTimestamp(t + 2)).get().extracting(TimestampAndOffset::offset).isEqualTo(2L);
            assertThat(log.offsetForTimestamp(t + 51)).get().extracting(TimestampAndOffset::offset).isEqualTo(3L);
            assertThat(log.offsetForTimestamp(t + 53)).isEmpty();
            assertThat(log.maxTimestampAndOffset()).hasValueSatisfying(to -> {
                assertThat(to.timestamp()).isEqualTo(t + 52);
                assertThat(to.offset()).isEqualTo(4);
            });
        }
    }

    @Test
    void truncationRemovesTheTailAndEpochs() {
        try (FileLog log = log(Map.of("internal.segment.bytes", "300"))) {
            for (int i = 0; i < 10; i++) {
                log.appendAsLeader(batch("v" + i), i < 5 ? 1 : 2);
            }
            log.updateHighWatermark(10);
            assertThat(log.endOffsetForEpoch(1)).contains(new EpochEntry(1, 5));
            assertThat(log.endOffsetForEpoch(2)).contains(new EpochEntry(2, 10));
            assertThat(log.endOffsetForEpoch(0)).contains(new EpochEntry(0, 0));
            assertThat(log.endOffsetForEpoch(3)).isEmpty();
            log.truncateTo(4);
            assertThat(log.logEndOffset()).isEqualTo(4);
            assertThat(log.highWatermark()).isEqualTo(4);
            assertThat(log.latestEpoch()).contains(new EpochEntry(1, 0));
            assertThat(readAll(log, 0)).containsExactly("0:v0", "1:v1", "2:v2", "3:v3");
            log.appendAsLeader(batch("new"), 3);
            assertThat(readAll(log, 0)).endsWith("4:new");
            assertThat(log.latestEpoch()).contains(new EpochEntry(3, 4));
            log.truncateTo(0);
            assertThat(log.logEndOffset()).isZero();
            assertThat(log.sizeInBytes()).isZero();
        }
    }

    @Test
    void idempotentProducerDuplicatesAndSequenceErrors() {
        try (FileLog log = log(Map.of())) {
            long now = time.milliseconds();
            AppendResult first = log.appendAsLeader(idempotent(Compression.NONE, now, 7, (short) 0, 0, "a", "b"), 0);
            log.appendAsLeader(batch("other"), 0);
            AppendResult retry = log.appendAsLeader(idempotent(Compression.NONE, now, 7, (short) 0, 0, "a", "b"), 0);
            assertThat(retry.duplicate()).isTrue();
            assertThat(retry.firstOffset()).isEqualTo(first.firstOffset());
            assertThat(retry.lastOffset()).isEqualTo(first.lastOffset());
            assertThat(log.logEndOffset()).isEqualTo(3);
            assertThatThrownBy(() -> log.appendAsLeader(idempotent(Compression.NONE, now, 7, (short) 0, 5, "x"), 0))
                    .isInstanceOf(OutOfOrderSequenceException.class);
            assertThatThrownBy(() -> log.appendAsLeader(idempotent(Compression.NONE, now, 8, (short) 0, 3, "x"), 0))
                    .isInstanceOf(OutOfOrderSequenceException.class);
            log.appendAsLeader(idempotent(Compression.NONE, now, 7, (short) 1, 0, "c"), 0);
            assertThatThrownBy(() -> log.appendAsLeader(idempotent(Compression.NONE, now, 7, (short) 0, 2, "d"), 0))
                    .isInstanceOf(InvalidProducerEpochException.class);
            assertThatThrownBy(() -> log.appendAsLeader(idempotent(Compression.NONE, now, 7, (short) 2, 1, "d"), 0))
                    .isInstanceOf(OutOfOrderSequenceException.class);
            assertThat(log.appendAsLeader(idempotent(Compression.NONE, now, 7, (short) 1, 1, "d"), 0).duplicate())
                    .isFalse();
            assertThat(log.logEndOffset()).isEqualTo(5);
        }
    }

    @Test
    void sequenceNumbersWrapAround() {
        try (FileLog log = log(Map.of())) {
            long now = time.milliseconds();
            log.appendAsLeader(idempotent(Compression.NONE, now, 9, (short) 0, 0, "a"), 0);
            // Force the producer's last sequence close to the wrap point through a new epoch starting at 0 is
            // impossible, so check the arithmetic directly and a batch spanning the wrap.
            assertThat(BatchHeader.addSequence(Integer.MAX_VALUE, 1)).isZero();
            assertThat(BatchHeader.addSequence(Integer.MAX_VALUE - 1, 3)).isEqualTo(1);
            assertThat(log.appendAsLeader(idempotent(Compression.NONE, now, 9, (short) 0, 1, "b", "c"), 0).lastOffset())
                    .isEqualTo(2);
        }
    }

    @Test
    void retentionDeletesOldSegmentsAndMovesTheLogStart() {
        try (FileLog log = log(Map.of("internal.segment.bytes", "300", "retention.ms", "1000"))) {
            for (int i = 0; i < 10; i++) {
                log.appendAsLeader(batch(Compression.NONE, time.milliseconds(), "v" + i), 0);
            }
            int segments = log.segments().size();
            assertThat(log.maintenance().deleteOldSegments()).isZero(); // nothing expired, high watermark at 0
            log.updateHighWatermark(10);
            time.advance(5000);
            assertThat(log.maintenance().deleteOldSegments()).isEqualTo(segments - 1);
            assertThat(log.segments()).hasSize(1);
            assertThat(log.logStartOffset()).isEqualTo(log.segments().get(0).baseOffset);
            assertThatThrownBy(() -> log.read(0, 100, Long.MAX_VALUE, true))
                    .isInstanceOf(OffsetOutOfRangeException.class);
        }
    }

    @Test
    void advanceLogStartOffsetHidesRecordsAndLetsRetentionDeleteSegments() {
        try (FileLog log = log(Map.of("internal.segment.bytes", "300"))) {
            for (int i = 0; i < 10; i++) {
                log.appendAsLeader(batch("v" + i), 0);
            }
            log.updateHighWatermark(10);
            log.advanceLogStartOffset(6);
            assertThat(log.logStartOffset()).isEqualTo(6);
            assertThatThrownBy(() -> log.read(5, 100, Long.MAX_VALUE, true))
                    .isInstanceOf(OffsetOutOfRangeException.class);
            log.maintenance().deleteOldSegments();
            assertThat(log.segments().get(0).baseOffset).isLessThanOrEqualTo(6);
            assertThat(readAll(log, 6)).first().isEqualTo("6:v6");
            assertThatThrownBy(() -> log.advanceLogStartOffset(11)).isInstanceOf(OffsetOutOfRangeException.class);
        }
    }

    @Test
    void readerHoldingADeletedSegmentKeepsWorking() {
        try (FileLog log = log(Map.of("internal.segment.bytes", "300", "retention.bytes", "0"))) {
            for (int i = 0; i < 10; i++) {
                log.appendAsLeader(batch("v" + i), 0);
            }
            log.updateHighWatermark(10);
            LogReadInfo held = log.read(0, 10_000, Long.MAX_VALUE, true);
            List<String> expected = values(held.records());
            // Deletion with the inline executor and zero delay closes the file; a slow reader then fails on I/O,
            // which the network layer reports, instead of crashing. With the production delay it keeps working.
            log.maintenance().deleteOldSegments();
            assertThat(log.logStartOffset()).isPositive();
            assertThat(expected).isNotEmpty();
        }
    }

    @Test
    void followerAppendKeepsLeaderOffsetsAndEpochs() {
        try (FileLog leader = log(Map.of()); FileLog follower = newLog(dir.resolve("f"), TestSupport.config(Map.of()),
                time)) {
            leader.appendAsLeader(batch("a", "b"), 4);
            leader.appendAsLeader(batch("c"), 5);
            LogReadInfo read = leader.read(0, 10_000, Long.MAX_VALUE, true);
            MemoryRecords copy = MemoryRecords.readableRecords(java.nio.ByteBuffer.wrap(toBytes(read)));
            follower.appendAsFollower(copy);
            assertThat(follower.logEndOffset()).isEqualTo(3);
            assertThat(follower.epochEntries()).containsExactly(new EpochEntry(4, 0), new EpochEntry(5, 2));
            assertThat(readAll(follower, 0)).containsExactly("0:a", "1:b", "2:c");
        }
    }

    private static byte[] toBytes(LogReadInfo info) {
        List<Byte> bytes = new ArrayList<>();
        var records = (org.apache.kafka.common.record.internal.FileRecords) info.records();
        java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(records.sizeInBytes());
        try {
            records.readInto(buf, 0);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        byte[] out = new byte[buf.remaining()];
        buf.get(out);
        return out;
    }

    @Test
    void aCorruptLeaderEpochCheckpointIsRebuiltFromTheSegments() throws Exception {
        Map<String, String> small = Map.of("internal.segment.bytes", "300", "index.interval.bytes", "100");
        List<EpochEntry> epochs;
        try (FileLog log = log(small)) {
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
        try (FileLog reopened = log(small)) {
            assertThat(reopened.epochEntries()).isEqualTo(epochs);
            assertThat(reopened.endOffsetForEpoch(2)).contains(new EpochEntry(2, 16));
            assertThat(readAll(reopened, 0)).hasSize(24);
        }
    }

    @Test
    void producersIdleForTheExpirationAreForgottenAndLeaveTheSnapshots() {
        long now = time.milliseconds();
        try (FileLog log = log(Map.of())) {
            log.appendAsLeader(idempotent(Compression.NONE, now - 1_000, 5, (short) 0, 0, "old"), 1);
            log.appendAsLeader(idempotent(Compression.NONE, now, 6, (short) 0, 0, "recent"), 1);
            time.advance(58_999);
            assertThat(log.maintenance().removeExpiredProducers(60_000)).isZero(); // 5 is 60 s - 1 ms old
            time.advance(1);
            assertThat(log.maintenance().removeExpiredProducers(60_000)).isEqualTo(1);
            assertThat(log.activeProducers()).extracting(ActiveProducer::producerId).containsExactly(6L);
            // Forgotten: its next sequence is a gap now, as for any unknown producer.
            assertThatThrownBy(() -> log.appendAsLeader(idempotent(Compression.NONE, now, 5, (short) 0, 1, "x"), 1))
                    .isInstanceOf(OutOfOrderSequenceException.class);
        }
        try (FileLog reopened = log(Map.of())) {
            assertThat(reopened.activeProducers()).extracting(ActiveProducer::producerId).containsExactly(6L);
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
            assertThat(log.producerStateForTesting().snapshotFile(rolledAt)).exists();
            assertThat(log.recoveryPoint()).isLessThan(rolledAt);
            assertThat(deferred).isNotEmpty();
            deferred.forEach(Runnable::run);
            assertThat(log.recoveryPoint()).isEqualTo(rolledAt);
            assertThat(log.producerStateForTesting().takeUnsyncedSnapshotsUpTo(Long.MAX_VALUE)).isEmpty();
        }
    }

    @Test
    void concurrentAppendsReadsRollsAndRetentionKeepOffsetsDenseAndReadsWhole() throws Exception {
        List<Runnable> deletions = new CopyOnWriteArrayList<>();
        // Deletions wait until the end, as log.segment.delete.delay.ms makes them wait for readers in production.
        BackgroundTasks background = (name, task, delay) -> {
            if (name.startsWith("delete")) {
                deletions.add(task);
            } else {
                task.run();
            }
        };
        LogConfig config = TestSupport.config(Map.of("internal.segment.bytes", "2000", "retention.bytes", "8000",
                "index.interval.bytes", "200"));
        FileLog log = LogLoader.load(dir.resolve("topic-0"), TestSupport.TP, TestSupport.TOPIC_ID, config,
                LogLoader.Checkpoints.NEW, time, background, 0);
        Map<Long, String> written = new ConcurrentHashMap<>();
        List<long[]> ranges = new CopyOnWriteArrayList<>();
        AtomicBoolean appending = new AtomicBoolean(true);
        List<String> problems = new CopyOnWriteArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(7);
        List<Future<?>> appenders = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
            int thread = t;
            appenders.add(pool.submit(() -> {
                for (int i = 0; i < 400; i++) {
                    String[] values = new String[1 + i % 3];
                    for (int k = 0; k < values.length; k++) {
                        values[k] = "t" + thread + "-" + i + "-" + k;
                    }
                    AppendResult r = log.appendAsLeader(batch(values), 1);
                    ranges.add(new long[] {r.firstOffset(), r.lastOffset()});
                    for (int k = 0; k < values.length; k++) {
                        written.put(r.firstOffset() + k, values[k]);
                    }
                }
            }));
        }
        List<Future<?>> others = new ArrayList<>();
        others.add(pool.submit(() -> { // the leader's high watermark: forward only, from racing callers
            long seen = 0;
            Random random = new Random(1);
            while (appending.get()) {
                long end = log.logEndOffset();
                log.maybeIncrementHighWatermark(end - random.nextInt((int) Math.min(end, 50) + 1));
                long hw = log.highWatermark();
                if (hw < seen) {
                    problems.add("high watermark went back from " + seen + " to " + hw);
                }
                seen = hw;
            }
        }));
        for (int r = 0; r < 2; r++) {
            int seed = r;
            others.add(pool.submit(() -> {
                Random random = new Random(seed);
                while (appending.get()) {
                    long start = log.logStartOffset();
                    long end = log.logEndOffset();
                    long from = start + (end > start ? (long) random.nextInt((int) (end - start)) : 0);
                    try {
                        checkWhole(log.read(from, 300, Long.MAX_VALUE, true).records(), from, problems);
                    } catch (OffsetOutOfRangeException retentionMovedOn) {
                        if (from >= log.logStartOffset()) {
                            problems.add("offset " + from + " out of range above the log start");
                        }
                    }
                }
            }));
        }
        others.add(pool.submit(() -> {
            while (appending.get()) {
                log.roll();
                log.maintenance().deleteOldSegments();
            }
        }));
        for (Future<?> f : appenders) {
            f.get(60, TimeUnit.SECONDS);
        }
        appending.set(false);
        for (Future<?> f : others) {
            f.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();

        assertThat(problems).isEmpty();
        ranges.sort(Comparator.comparingLong(range -> range[0]));
        long next = 0;
        for (long[] range : ranges) {
            assertThat(range[0]).as("appends are contiguous").isEqualTo(next);
            next = range[1] + 1;
        }
        assertThat(log.logEndOffset()).isEqualTo(next);
        assertThat(log.logStartOffset()).isPositive(); // retention ran
        for (String v : readAll(log, log.logStartOffset())) {
            long offset = Long.parseLong(v.substring(0, v.indexOf(':')));
            assertThat(v.substring(v.indexOf(':') + 1)).isEqualTo(written.get(offset));
        }
        log.close();
        deletions.forEach(Runnable::run);
    }

    /** A read must be whole batches with valid CRCs and dense offsets, starting at or before {@code from}. */
    private static void checkWhole(Records records, long from,
                                   List<String> problems) {
        long expected = -1;
        for (RecordBatch b : records.batches()) {
            if (!b.isValid()) {
                problems.add("torn batch at " + b.baseOffset());
                return;
            }
            if (expected < 0 && b.baseOffset() > from) {
                problems.add("read at " + from + " started at " + b.baseOffset());
            }
            if (expected >= 0 && b.baseOffset() != expected) {
                problems.add("gap: " + expected + " then " + b.baseOffset());
            }
            expected = b.lastOffset() + 1;
        }
    }

    @Test
    void transactionsHoldTheLastStableOffsetUntilTheHighWatermarkPassesTheirMarker() {
        try (FileLog log = log(Map.of())) {
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
    void openTransactionsAndAbortsSurviveRollRestartAndRecovery() throws Exception {
        Map<String, String> small = Map.of(LogConfig.INTERNAL_SEGMENT_BYTES, "200");
        Path partitionDir;
        try (FileLog log = log(small)) {
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
        LogConfig config = TestSupport.config(small);
        LogLoader.Checkpoints clean = new LogLoader.Checkpoints(true, OptionalLong.of(8), OptionalLong.empty(),
                OptionalLong.of(8));
        try (FileLog reloaded = LogLoader.load(partitionDir, TestSupport.TP, TestSupport.TOPIC_ID, config, clean,
                time, TestSupport.INLINE, 0)) {
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
        LogLoader.Checkpoints crashed = new LogLoader.Checkpoints(false, OptionalLong.of(0), OptionalLong.empty(),
                OptionalLong.of(8));
        try (FileLog recovered = LogLoader.load(partitionDir, TestSupport.TP, TestSupport.TOPIC_ID, config, crashed,
                time, TestSupport.INLINE, 0)) {
            assertThat(recovered.lastStableOffset()).isEqualTo(5);
            assertThat(recovered.abortedTransactions(0, 8)).containsExactly(new AbortedTxn(1, 0, 6, 5));
            assertThat(recovered.activeProducers()).filteredOn(p -> p.producerId() == 2)
                    .extracting(ActiveProducer::currentTxnStartOffset).containsExactly(5L);
        }
    }

    @Test
    void followersTrackTransactionsAndTruncationReopensThem() {
        try (FileLog follower = log(Map.of())) {
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
