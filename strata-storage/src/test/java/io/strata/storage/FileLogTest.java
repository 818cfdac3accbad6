package io.strata.storage;

import static io.strata.storage.TestSupport.batch;
import static io.strata.storage.TestSupport.idempotent;
import static io.strata.storage.TestSupport.newLog;
import static io.strata.storage.TestSupport.readAll;
import static io.strata.storage.TestSupport.values;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.errors.OffsetOutOfRangeException;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.CompressionType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Appends and reads of one log: offsets, whole batches within the read's limits, the topic's codec, segment rolls,
 * timestamps, truncation and a follower's appends.
 */
class FileLogTest {
    @TempDir
    Path dir;

    private final TestSupport.ManualTime time = new TestSupport.ManualTime(System.currentTimeMillis());

    @Test
    void clientBatchesAreStoredInTheTopicCodecAndReplicatedOnesAsTheLeaderSentThem() {
        try (FileLog log = newLog(dir, Map.of("compression.type", "zstd"), time)) {
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
        try (FileLog follower = newLog(dir.resolve("follower"), Map.of("compression.type", "zstd"), time)) {
            MemoryRecords fromLeader = batch(Compression.gzip().build(), time.milliseconds(), "x");
            follower.appendAsFollower(fromLeader);
            assertThat(follower.read(0, 4096, Long.MAX_VALUE, true).records().batches().iterator().next()
                    .compressionType()).isEqualTo(CompressionType.GZIP);
        }
    }

    @Test
    void appendsAssignDenseOffsetsAndReadsReturnThem() {
        try (FileLog log = newLog(dir, Map.of(), time)) {
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
        try (FileLog log = newLog(dir, Map.of(), time)) {
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
        try (FileLog log = newLog(dir, Map.of("index.interval.bytes", "1"), time)) {
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
        try (FileLog log = newLog(dir, Map.of("internal.segment.bytes", "300", "segment.ms", "1000"), time)) {
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
        try (FileLog log = newLog(dir.resolve("jitter-" + config.size()), config, time)) {
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
        try (FileLog log = newLog(dir, Map.of("message.timestamp.type", "LogAppendTime"), time)) {
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
        try (FileLog log = newLog(dir, Map.of("internal.segment.bytes", "400", "index.interval.bytes", "1",
                "message.timestamp.before.max.ms", "9223372036854775807"), time)) {
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
        try (FileLog log = newLog(dir, Map.of("internal.segment.bytes", "300"), time)) {
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
    void followerAppendKeepsLeaderOffsetsAndEpochs() {
        try (FileLog leader = newLog(dir, Map.of(), time);
             FileLog follower = newLog(dir.resolve("f"), Map.of(), time)) {
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
}
