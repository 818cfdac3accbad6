package io.strata.storage;

import static io.strata.storage.CompactionSupport.assertCompacted;
import static io.strata.storage.CompactionSupport.keyed;
import static io.strata.storage.CompactionSupport.readRecords;
import static io.strata.storage.TestSupport.TOPIC_ID;
import static io.strata.storage.TestSupport.TP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.strata.storage.CompactionSupport.Rec;
import io.strata.storage.CompactionSupport.Writer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The log cleaner ({@link LogCleaner}) on one compacted log: the latest record per key kept at its offset, compressed
 * batches, keyless records, tombstones and {@code delete.retention.ms}, the dirty ratio and compaction lags, the
 * checkpointed clean point, the background cleaner and the configs. Transactions are in
 * {@link CompactionTransactionsTest}; followers, concurrent appends and crashes in {@link CompactionSafetyTest}.
 */
class CompactionTest {
    @TempDir
    Path root;

    private final CompactionFixture fixture = new CompactionFixture();
    private final TestSupport.ManualTime time = fixture.time();

    @AfterEach
    void closeAll() throws Exception {
        fixture.close();
    }

    @Test
    void keepsTheLatestRecordPerKeyAtItsOriginalOffset() {
        FileLog log = fixture.open(root, CompactionFixture.compacted(), TestSupport.INLINE);
        Writer w = new Writer(() -> log, time);
        CompactionFixture.fill(w, 5, 20);
        long end = log.logEndOffset();

        Cleaner.Result result = fixture.cleaner(root, log).cleanOnce().orElseThrow();

        List<Rec> read = readRecords(log);
        assertCompacted(read, w.appended, w.latest, result.firstDirty());
        assertThat(result.firstDirty()).isEqualTo(log.segments().get(log.segments().size() - 1).baseOffset);
        assertThat(read.size()).isLessThan(30);
        assertThat(log.logEndOffset()).isEqualTo(end);
        assertThat(result.bytesAfter()).isLessThan(result.bytesBefore());
        // Offsets stay where they were: reading from inside a removed range lands on the next kept record.
        assertThat(read.get(0).offset()).isGreaterThan(0);
        assertThat(readRecordsFrom(log, 0).get(0)).isEqualTo(read.get(0));
        // Appending after cleaning continues at the old end; a second pass over a clean log does nothing.
        assertThat(w.append("k0", "new").firstOffset()).isEqualTo(end);
        assertThat(fixture.cleaner(root, log).cleanOnce()).isEmpty();
        // Time lookups still work on cleaned segments.
        assertThat(log.offsetForTimestamp(0)).isPresent();
    }

    private static List<Rec> readRecordsFrom(Log log, long offset) {
        List<Rec> out = new ArrayList<>();
        LogReadInfo info = log.read(offset, 1 << 16, Long.MAX_VALUE, true);
        for (RecordBatch b : info.records().batches()) {
            for (org.apache.kafka.common.record.internal.Record r : b) {
                if (r.offset() >= offset) {
                    out.add(new Rec(r.offset(), new String(bytes(r.key())), new String(bytes(r.value()))));
                }
            }
        }
        return out;
    }

    private static byte[] bytes(java.nio.ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }

    @Test
    void compressedBatchesAreCleanedRecordByRecord() {
        FileLog log = fixture.open(root, CompactionFixture.compacted("internal.segment.bytes", "400"), TestSupport.INLINE);
        Map<Long, Rec> appended = new HashMap<>();
        Map<String, String> latest = new HashMap<>();
        for (int v = 0; v < 10; v++) {
            String[] kv = {"a", "a" + v, "b", "b" + v, "c", v % 3 == 0 ? null : "c" + v};
            AppendResult r = log.appendAsLeader(keyed(Compression.gzip().build(), time.milliseconds(), kv), 0);
            for (int i = 0; i < kv.length; i += 2) {
                appended.put(r.firstOffset() + i / 2, new Rec(r.firstOffset() + i / 2, kv[i], kv[i + 1]));
                latest.put(kv[i], kv[i + 1]);
            }
        }
        log.updateHighWatermark(log.logEndOffset());
        Cleaner.Result result = fixture.cleaner(root, log).cleanOnce().orElseThrow();
        assertCompacted(readRecords(log), appended, latest, result.firstDirty());
    }

    @Test
    void keylessRecordsAreRefusedOnCompactedTopicsOnly() {
        MemoryRecords keyless = TestSupport.batch(Compression.NONE, time.milliseconds(), "no key");
        FileLog compactedLog = fixture.open(root.resolve("c"), CompactionFixture.compacted(), TestSupport.INLINE);
        assertThatThrownBy(() -> compactedLog.appendAsLeader(keyless, 0))
                .isInstanceOf(InvalidRecordException.class)
                .hasMessageContaining("Compacted topic cannot accept message without key");
        assertThat(compactedLog.logEndOffset()).isZero();
        FileLog plain = fixture.open(root.resolve("d"), LogConfig.DEFAULT, TestSupport.INLINE);
        assertThat(plain.appendAsLeader(TestSupport.batch(Compression.NONE, time.milliseconds(), "no key"), 0).lastOffset()).isZero();
    }

    @Test
    void tombstonesStayForDeleteRetentionAfterTheirFirstCleaningThenGo() {
        FileLog log = fixture.open(root, CompactionFixture.compacted("delete.retention.ms", "10000"), TestSupport.INLINE);
        Writer w = new Writer(() -> log, time);
        CompactionFixture.fill(w, 4, 5);
        w.append("k1", null);
        CompactionFixture.fill(w, 1, 12); // rolls past the tombstone's segment; only k0 changes
        w.latest.put("k1", null);
        LogCleaner cleaner = fixture.cleaner(root, log);
        Cleaner.Result first = cleaner.cleanOnce().orElseThrow();
        assertThat(first.deleteHorizonMs()).isEqualTo(time.milliseconds() + 10_000);
        assertThat(readRecords(log)).contains(new Rec(20, "k1", null));

        time.advance(9_999);
        assertThat(cleaner.cleanOnce()).as("nothing dirty, tombstone not due").isEmpty();
        assertThat(readRecords(log)).contains(new Rec(20, "k1", null));

        time.advance(1);
        Cleaner.Result second = cleaner.cleanOnce().orElseThrow();
        assertThat(second.deleteHorizonMs()).isEqualTo(Long.MAX_VALUE);
        List<Rec> read = readRecords(log);
        assertThat(read).noneMatch(r -> r.key().equals("k1"));
        assertCompacted(read, w.appended, w.latest, second.firstDirty());
    }

    @Test
    void minCleanableDirtyRatioDecidesWhenALogIsWorthCleaning() {
        FileLog log = fixture.open(root, CompactionFixture.compacted("min.cleanable.dirty.ratio", "0.9"), TestSupport.INLINE);
        Writer w = new Writer(() -> log, time);
        CompactionFixture.fill(w, 20, 3);
        LogCleaner cleaner = fixture.cleaner(root, log);
        assertThat(cleaner.cleanOnce()).as("never cleaned: all dirty").isPresent();
        CompactionFixture.fill(w, 3, 4);
        assertThat(cleaner.cleanOnce()).as("a little dirt on a large clean part").isEmpty();
        log.updateConfig(CompactionFixture.compacted("min.cleanable.dirty.ratio", "0.01"));
        Cleaner.Result r = cleaner.cleanOnce().orElseThrow();
        assertCompacted(readRecords(log), w.appended, w.latest, r.firstDirty());
    }

    @Test
    void minCompactionLagKeepsRecentRecordsDirty() {
        FileLog log = fixture.open(root, CompactionFixture.compacted("min.compaction.lag.ms", "60000"), TestSupport.INLINE);
        Writer w = new Writer(() -> log, time);
        CompactionFixture.fill(w, 5, 6);
        LogCleaner cleaner = fixture.cleaner(root, log);
        assertThat(cleaner.cleanOnce()).isEmpty();
        time.advance(60_001);
        w.append("k0", "late");
        Cleaner.Result r = cleaner.cleanOnce().orElseThrow();
        assertCompacted(readRecords(log), w.appended, w.latest, r.firstDirty());
    }

    @Test
    void maxCompactionLagForcesCleaningBelowTheDirtyRatio() {
        FileLog log = fixture.open(root, CompactionFixture.compacted("min.cleanable.dirty.ratio", "1.0", "max.compaction.lag.ms", "5000"),
                TestSupport.INLINE);
        Writer w = new Writer(() -> log, time);
        CompactionFixture.fill(w, 20, 3);
        LogCleaner cleaner = fixture.cleaner(root, log);
        assertThat(cleaner.cleanOnce()).isPresent();
        CompactionFixture.fill(w, 3, 4);
        assertThat(cleaner.cleanOnce()).isEmpty();
        time.advance(5_001);
        w.append("k0", "rolls the active segment");
        Cleaner.Result r = cleaner.cleanOnce().orElseThrow();
        assertCompacted(readRecords(log), w.appended, w.latest, r.firstDirty());
    }

    @Test
    void theCleanPointIsCheckpointedAndSurvivesARestart() {
        Path logDir = root.resolve("logs");
        FileLogManager manager = new FileLogManager(CompactionSupport.managerConfig(logDir), time);
        manager.startup(tp -> CompactionFixture.compacted());
        Log log = manager.getOrCreate(TP, TOPIC_ID, CompactionFixture.compacted());
        Writer w = new Writer(() -> log, time);
        CompactionFixture.fill(w, 5, 10);
        long point = manager.cleaner().cleanOnce().orElseThrow().firstDirty();
        manager.close();
        assertThat(logDir.resolve(LogCleaner.CHECKPOINT)).exists();

        FileLogManager again = new FileLogManager(CompactionSupport.managerConfig(logDir), time);
        fixture.track(again);
        again.startup(tp -> CompactionFixture.compacted());
        assertThat(again.cleaner().cleanPoint(TP)).contains(point);
        assertThat(again.cleaner().cleanOnce()).isEmpty();
        assertCompacted(readRecords(again.get(TP).orElseThrow()), w.appended, w.latest, point);
        again.delete(TP);
        assertThat(again.cleaner().cleanPoint(TP)).isEmpty();
    }

    @Test
    void theBackgroundCleanerCompactsOnItsOwn() {
        Path logDir = root.resolve("logs");
        FileLogManager manager = new FileLogManager(CompactionSupport.managerConfig(logDir).withCleaner(true, 2, 20));
        fixture.track(manager);
        manager.startup(tp -> CompactionFixture.compacted());
        Log log = manager.getOrCreate(TP, TOPIC_ID, CompactionFixture.compacted());
        Writer w = new Writer(() -> log, org.apache.kafka.common.utils.Time.SYSTEM);
        CompactionFixture.fill(w, 5, 20);
        org.awaitility.Awaitility.await().atMost(20, TimeUnit.SECONDS)
                .until(() -> manager.cleaner().cleanPoint(TP).isPresent());
        assertCompacted(readRecords(log), w.appended, w.latest, manager.cleaner().cleanPoint(TP).orElseThrow());
    }

    @Test
    void compactionConfigsHaveKafkasNamesDefaultsAndRanges() {
        LogConfig d = LogConfig.DEFAULT;
        assertThat(d.minCleanableDirtyRatio()).isEqualTo(0.5);
        assertThat(d.minCompactionLagMs()).isZero();
        assertThat(d.maxCompactionLagMs()).isEqualTo(Long.MAX_VALUE);
        assertThat(d.deleteRetentionMs()).isEqualTo(86_400_000L);
        assertThat(LogConfig.KEYS).extracting(k -> k.name() + "|" + k.brokerSynonym().orElse("") + "|"
                + k.defaultValue()).contains(
                "min.cleanable.dirty.ratio|log.cleaner.min.cleanable.ratio|0.5",
                "min.compaction.lag.ms|log.cleaner.min.compaction.lag.ms|0",
                "max.compaction.lag.ms|log.cleaner.max.compaction.lag.ms|9223372036854775807",
                "delete.retention.ms|log.cleaner.delete.retention.ms|86400000");
        assertThatThrownBy(() -> LogConfig.fromTopicConfigs(Map.of("min.cleanable.dirty.ratio", "1.5")))
                .isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("min.cleanable.dirty.ratio");
        assertThatThrownBy(() -> LogConfig.fromTopicConfigs(Map.of("min.compaction.lag.ms", "10",
                "max.compaction.lag.ms", "5"))).isInstanceOf(InvalidConfigurationException.class);
        assertThat(LogConfig.fromTopicConfigs(Map.of("cleanup.policy", "compact,delete")).compact()).isTrue();
    }
}
