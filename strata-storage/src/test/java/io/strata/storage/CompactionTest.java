package io.strata.storage;

import static io.strata.storage.CompactionSupport.assertCompacted;
import static io.strata.storage.CompactionSupport.keyed;
import static io.strata.storage.CompactionSupport.keyedIdempotent;
import static io.strata.storage.CompactionSupport.readRecords;
import static io.strata.storage.TestSupport.TOPIC_ID;
import static io.strata.storage.TestSupport.TP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.strata.storage.CompactionSupport.Rec;
import io.strata.storage.CompactionSupport.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.Records;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompactionTest {
    @TempDir
    Path root;

    private final TestSupport.ManualTime time = new TestSupport.ManualTime(1_700_000_000_000L);
    private final List<AutoCloseable> closeables = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : closeables) {
            c.close();
        }
    }

    private static LogConfig compacted(String... overrides) {
        Map<String, String> cfg = new HashMap<>(Map.of("cleanup.policy", "compact", "internal.segment.bytes", "600",
                "index.interval.bytes", "100", "segment.index.bytes", "4096"));
        for (int i = 0; i < overrides.length; i += 2) {
            cfg.put(overrides[i], overrides[i + 1]);
        }
        return LogConfig.fromTopicConfigs(cfg);
    }

    private FileLog open(Path logDir, LogConfig config, BackgroundTasks background) {
        FileLog log = LogLoader.load(logDir.resolve("topic-0"), TP, TOPIC_ID, config, LogLoader.Checkpoints.NEW,
                time, background, 0);
        closeables.add(log);
        return log;
    }

    private LogCleaner cleaner(Path logDir, FileLog log) {
        LogCleaner cleaner = new LogCleaner(CompactionSupport.managerConfig(logDir), () -> List.of(log), time);
        cleaner.startup();
        closeables.add(cleaner);
        return cleaner;
    }

    /** Appends {@code versions} rounds of one record per key, one batch each. */
    private static void fill(Writer w, int keys, int versions) {
        for (int v = 0; v < versions; v++) {
            for (int k = 0; k < keys; k++) {
                w.append("k" + k, "v" + v);
            }
        }
    }

    @Test
    void keepsTheLatestRecordPerKeyAtItsOriginalOffset() {
        FileLog log = open(root, compacted(), TestSupport.INLINE);
        Writer w = new Writer(() -> log, time);
        fill(w, 5, 20);
        long end = log.logEndOffset();

        Cleaner.Result result = cleaner(root, log).cleanOnce().orElseThrow();

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
        assertThat(cleaner(root, log).cleanOnce()).isEmpty();
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
        FileLog log = open(root, compacted("internal.segment.bytes", "400"), TestSupport.INLINE);
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
        Cleaner.Result result = cleaner(root, log).cleanOnce().orElseThrow();
        assertCompacted(readRecords(log), appended, latest, result.firstDirty());
    }

    @Test
    void keylessRecordsAreRefusedOnCompactedTopicsOnly() {
        MemoryRecords keyless = TestSupport.batch(Compression.NONE, time.milliseconds(), "no key");
        FileLog compactedLog = open(root.resolve("c"), compacted(), TestSupport.INLINE);
        assertThatThrownBy(() -> compactedLog.appendAsLeader(keyless, 0))
                .isInstanceOf(InvalidRecordException.class)
                .hasMessageContaining("Compacted topic cannot accept message without key");
        assertThat(compactedLog.logEndOffset()).isZero();
        FileLog plain = open(root.resolve("d"), LogConfig.DEFAULT, TestSupport.INLINE);
        assertThat(plain.appendAsLeader(TestSupport.batch(Compression.NONE, time.milliseconds(), "no key"), 0).lastOffset()).isZero();
    }

    @Test
    void tombstonesStayForDeleteRetentionAfterTheirFirstCleaningThenGo() {
        FileLog log = open(root, compacted("delete.retention.ms", "10000"), TestSupport.INLINE);
        Writer w = new Writer(() -> log, time);
        fill(w, 4, 5);
        w.append("k1", null);
        fill(w, 1, 12); // rolls past the tombstone's segment; only k0 changes
        w.latest.put("k1", null);
        LogCleaner cleaner = cleaner(root, log);
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
        FileLog log = open(root, compacted("min.cleanable.dirty.ratio", "0.9"), TestSupport.INLINE);
        Writer w = new Writer(() -> log, time);
        fill(w, 20, 3);
        LogCleaner cleaner = cleaner(root, log);
        assertThat(cleaner.cleanOnce()).as("never cleaned: all dirty").isPresent();
        fill(w, 3, 4);
        assertThat(cleaner.cleanOnce()).as("a little dirt on a large clean part").isEmpty();
        log.updateConfig(compacted("min.cleanable.dirty.ratio", "0.01"));
        Cleaner.Result r = cleaner.cleanOnce().orElseThrow();
        assertCompacted(readRecords(log), w.appended, w.latest, r.firstDirty());
    }

    @Test
    void minCompactionLagKeepsRecentRecordsDirty() {
        FileLog log = open(root, compacted("min.compaction.lag.ms", "60000"), TestSupport.INLINE);
        Writer w = new Writer(() -> log, time);
        fill(w, 5, 6);
        LogCleaner cleaner = cleaner(root, log);
        assertThat(cleaner.cleanOnce()).isEmpty();
        time.advance(60_001);
        w.append("k0", "late");
        Cleaner.Result r = cleaner.cleanOnce().orElseThrow();
        assertCompacted(readRecords(log), w.appended, w.latest, r.firstDirty());
    }

    @Test
    void maxCompactionLagForcesCleaningBelowTheDirtyRatio() {
        FileLog log = open(root, compacted("min.cleanable.dirty.ratio", "1.0", "max.compaction.lag.ms", "5000"),
                TestSupport.INLINE);
        Writer w = new Writer(() -> log, time);
        fill(w, 20, 3);
        LogCleaner cleaner = cleaner(root, log);
        assertThat(cleaner.cleanOnce()).isPresent();
        fill(w, 3, 4);
        assertThat(cleaner.cleanOnce()).isEmpty();
        time.advance(5_001);
        w.append("k0", "rolls the active segment");
        Cleaner.Result r = cleaner.cleanOnce().orElseThrow();
        assertCompacted(readRecords(log), w.appended, w.latest, r.firstDirty());
    }

    @Test
    void idempotentProducerStateSurvivesCleaningAndRecovery() throws Exception {
        FileLog log = open(root, compacted(), TestSupport.INLINE);
        long pid = 42;
        short epoch = 0;
        AppendResult last = null;
        for (int seq = 0; seq < 5; seq++) {
            last = log.appendAsLeader(keyedIdempotent(Compression.NONE, time.milliseconds(), pid, epoch, seq, "p",
                    "idem" + seq), 0);
        }
        Writer w = new Writer(() -> log, time);
        w.append("p", "overwrites every idempotent record");
        fill(w, 3, 10);
        cleaner(root, log).cleanOnce().orElseThrow();
        assertThat(readRecords(log)).noneMatch(r -> r.value() != null && r.value().startsWith("idem"));
        log.closeForDeletion();

        // Crash: producer snapshots gone, the state must come back from the log, including the emptied batch.
        try (Stream<Path> files = Files.list(root.resolve("topic-0"))) {
            files.filter(p -> p.toString().endsWith(ProducerStateManager.SUFFIX)).forEach(p -> p.toFile().delete());
        }
        FileLog reopened = LogLoader.load(root.resolve("topic-0"), TP, TOPIC_ID, compacted(),
                new LogLoader.Checkpoints(false, OptionalLong.of(0), OptionalLong.empty(), OptionalLong.empty()),
                time, TestSupport.INLINE, 0);
        closeables.add(reopened);
        AppendResult retry = reopened.appendAsLeader(keyedIdempotent(Compression.NONE, time.milliseconds(), pid,
                epoch, 4, "p", "idem4"), 0);
        assertThat(retry.duplicate()).isTrue();
        assertThat(retry.firstOffset()).isEqualTo(last.firstOffset());
        AppendResult next = reopened.appendAsLeader(keyedIdempotent(Compression.NONE, time.milliseconds(), pid,
                epoch, 5, "p", "idem5"), 0);
        assertThat(next.duplicate()).isFalse();
    }

    @Test
    void abortedRecordsAreRemovedAndOpenTransactionsAreNotCleaned() throws Exception {
        FileLog log = open(root, compacted(), TestSupport.INLINE);
        Writer w = new Writer(() -> log, time);
        w.append("k1", "v1");
        // An aborted value for k1 must neither survive nor make the committed v1 look superseded.
        log.appendAsLeader(CompactionSupport.keyedTransactional(time.milliseconds(), 7, (short) 0, 0, "k1",
                "aborted"), 0);
        log.appendTxnMarker(7, (short) 0, 0, false, 0);
        log.appendAsLeader(CompactionSupport.keyedTransactional(time.milliseconds(), 8, (short) 0, 0, "k2",
                "committed"), 0);
        log.appendTxnMarker(8, (short) 0, 0, true, 0);
        for (int v = 0; v < 10; v++) {
            for (int k = 0; k < 3; k++) {
                w.append("f" + k, "v" + v);
            }
        }
        long open = log.appendAsLeader(CompactionSupport.keyedTransactional(time.milliseconds(), 9, (short) 0, 0,
                "k3", "open"), 0).firstOffset();
        for (int v = 0; v < 10; v++) {
            w.append("g" + v, "after the open transaction");
        }
        assertThat(log.lastStableOffset()).isEqualTo(open);

        LogCleaner cleaner = cleaner(root, log);
        Cleaner.Result result = cleaner.cleanOnce().orElseThrow();
        cleaner.close();

        assertThat(result.firstDirty()).isLessThanOrEqualTo(open);
        List<Rec> read = readRecords(log);
        assertThat(read).extracting(Rec::value).doesNotContain("aborted").contains("v1", "committed", "open");
        assertThat(read).filteredOn(r -> "k1".equals(r.key())).extracting(Rec::value).containsExactly("v1");
        assertThat(log.abortedTransactions(0, log.logEndOffset())).extracting(AbortedTxn::producerId)
                .containsExactly(7L);
        assertThat(log.lastStableOffset()).isEqualTo(open);

        // A crash between the last two renames of the swap: the cleaned log has its final name, its .txnindex
        // not yet. Loading completes the rename instead of dropping the index as a leftover of the swap.
        Path dir = log.dir();
        long end = log.logEndOffset();
        log.close();
        Path index;
        try (Stream<Path> files = Files.list(dir)) {
            index = files.filter(p -> p.toString().endsWith(".txnindex")).findFirst().orElseThrow();
        }
        Files.move(index, Path.of(index + SegmentFiles.SWAP_SUFFIX));
        FileLog reopened = LogLoader.load(dir, TP, TOPIC_ID, compacted(), new LogLoader.Checkpoints(true,
                OptionalLong.of(end), OptionalLong.empty(), OptionalLong.of(end)), time, TestSupport.INLINE, 0);
        closeables.add(reopened);
        assertThat(reopened.abortedTransactions(0, reopened.logEndOffset())).extracting(AbortedTxn::producerId)
                .containsExactly(7L);
    }

    /** Appends a one-record transaction of producer {@code pid} and its marker; returns the marker's offset. */
    private long transaction(FileLog log, long pid, int seq, boolean commit, String key, String value) {
        log.appendAsLeader(CompactionSupport.keyedTransactional(time.milliseconds(), pid, (short) 0, seq, key, value),
                0);
        long marker = log.appendTxnMarker(pid, (short) 0, 0, commit, 0).firstOffset();
        log.updateHighWatermark(log.logEndOffset());
        return marker;
    }

    /** Every record of the log but the markers. */
    private static List<Rec> dataRecords(FileLog log) {
        List<Long> markers = CompactionSupport.controlBatches(log).stream().map(CompactionSupport.Control::offset)
                .toList();
        return readRecords(log).stream().filter(r -> !markers.contains(r.offset())).toList();
    }

    /** Restarts {@code log} after a crash that lost its producer snapshots: the state comes back from the log. */
    private FileLog crashAndRecover(FileLog log) throws Exception {
        Path dir = log.dir();
        log.closeForDeletion();
        try (Stream<Path> files = Files.list(dir)) {
            files.filter(p -> p.toString().endsWith(ProducerStateManager.SUFFIX)).forEach(p -> p.toFile().delete());
        }
        FileLog reopened = LogLoader.load(dir, TP, TOPIC_ID, compacted("delete.retention.ms", "10000"),
                new LogLoader.Checkpoints(false, OptionalLong.of(0), OptionalLong.empty(), OptionalLong.empty()),
                time, TestSupport.INLINE, 0);
        closeables.add(reopened);
        reopened.updateHighWatermark(reopened.logEndOffset());
        return reopened;
    }

    @Test
    void transactionMarkersGoDeleteRetentionAfterTheLastBatchOfTheirTransaction() throws Exception {
        FileLog log = open(root, compacted("delete.retention.ms", "10000"), TestSupport.INLINE);
        long abort7 = transaction(log, 7, 0, false, "k1", "aborted");
        long commit8 = transaction(log, 8, 0, true, "k2", "c1");
        long lastCommit8 = transaction(log, 8, 1, true, "k2", "c2");
        // Producer 7's last data batch: it stays (for its sequence), so its transaction's marker stays too.
        long lastCommit7 = transaction(log, 7, 1, true, "k7", "c7");
        Writer w = new Writer(() -> log, time);
        for (int v = 0; v < 10; v++) {
            for (int k = 0; k < 3; k++) {
                w.append("f" + k, "v" + v);
            }
        }
        List<Rec> committed = CompactionSupport.readCommitted(log);
        assertThat(committed).extracting(Rec::value).contains("c1", "c2", "c7").doesNotContain("aborted");
        Map<Long, Rec> appended = new HashMap<>();
        Map<String, String> latest = new HashMap<>();
        committed.forEach(r -> {
            appended.put(r.offset(), r);
            latest.put(r.key(), r.value());
        });
        LogCleaner cleaner = cleaner(root, log);

        // First cleaning: the aborted record and the superseded c1 go; their markers are stamped, not yet dropped.
        Cleaner.Result first = cleaner.cleanOnce().orElseThrow();
        assertThat(first.deleteHorizonMs()).isEqualTo(time.milliseconds() + 10_000);
        assertThat(CompactionSupport.controlBatches(log)).extracting(CompactionSupport.Control::offset)
                .containsExactly(abort7, commit8, lastCommit8, lastCommit7);
        assertThat(log.abortedTransactions(0, log.logEndOffset())).extracting(AbortedTxn::lastOffset)
                .containsExactly(abort7);
        List<Rec> expected = CompactionSupport.readCommitted(log);
        assertThat(expected).as("nothing aborted is left").isEqualTo(dataRecords(log));
        assertCompacted(expected, appended, latest, first.firstDirty());
        assertThat(expected).extracting(Rec::value).contains("c2", "c7").doesNotContain("c1");

        time.advance(9_999);
        assertThat(cleaner.cleanOnce()).as("nothing dirty, no marker due").isEmpty();
        time.advance(1);
        Cleaner.Result second = cleaner.cleanOnce().orElseThrow();
        assertThat(second.deleteHorizonMs()).isEqualTo(Long.MAX_VALUE);
        assertThat(CompactionSupport.controlBatches(log)).extracting(CompactionSupport.Control::offset)
                .containsExactly(lastCommit8, lastCommit7);
        assertThat(log.abortedTransactions(0, log.logEndOffset())).as("the index entry went with its marker")
                .isEmpty();
        assertThat(CompactionSupport.readCommitted(log)).isEqualTo(expected);

        // Rebuilt from the cleaned log, the producer state holds no open transaction: the LSO is not stuck.
        FileLog recovered = crashAndRecover(log);
        assertThat(recovered.lastStableOffset()).isEqualTo(recovered.logEndOffset());
        assertThat(recovered.abortedTransactions(0, recovered.logEndOffset())).isEmpty();
        assertThat(CompactionSupport.readCommitted(recovered)).isEqualTo(expected);
    }

    @Test
    void aMarkerThatBumpedItsProducersEpochStaysEmptiedAsItsLastWord() throws Exception {
        FileLog log = open(root, compacted("delete.retention.ms", "10000"), TestSupport.INLINE);
        log.appendAsLeader(CompactionSupport.keyedTransactional(time.milliseconds(), 9, (short) 0, 0, "k9", "x"), 0);
        // The coordinator aborts a timed-out transaction with the next epoch, which fences the old producer.
        long marker = log.appendTxnMarker(9, (short) 1, 0, false, 0).firstOffset();
        Writer w = new Writer(() -> log, time);
        for (int v = 0; v < 10; v++) {
            for (int k = 0; k < 3; k++) {
                w.append("f" + k, "v" + v);
            }
        }
        LogCleaner cleaner = cleaner(root, log);
        cleaner.cleanOnce().orElseThrow();
        time.advance(10_000);
        cleaner.cleanOnce().orElseThrow();
        assertThat(CompactionSupport.controlBatches(log)).containsExactly(new CompactionSupport.Control(marker, 9,
                (short) 1, org.apache.kafka.common.record.internal.ControlRecordType.UNKNOWN));
        assertThat(readRecords(log)).noneMatch(r -> "k9".equals(r.key()));
        assertThat(log.abortedTransactions(0, log.logEndOffset())).isEmpty();

        FileLog recovered = crashAndRecover(log);
        assertThat(recovered.lastStableOffset()).isEqualTo(recovered.logEndOffset());
        assertThat(CompactionSupport.readCommitted(recovered)).isEqualTo(dataRecords(recovered));
    }

    @Test
    void followersReplicateCleanedBatchesWithGapsAndEmptyBatches() throws Exception {
        FileLog leader = open(root.resolve("leader"), compacted(), TestSupport.INLINE);
        for (int seq = 0; seq < 3; seq++) {
            leader.appendAsLeader(keyedIdempotent(Compression.NONE, time.milliseconds(), 7, (short) 0, seq, "p",
                    "v" + seq), 0);
        }
        Writer w = new Writer(() -> leader, time);
        w.append("p", "latest");
        fill(w, 4, 10);
        cleaner(root.resolve("leader"), leader).cleanOnce().orElseThrow();

        FileLog follower = open(root.resolve("follower"), compacted(), TestSupport.INLINE);
        long next = 0;
        while (next < leader.logEndOffset()) {
            Records records = leader.read(next, 1 << 16, Long.MAX_VALUE, true).records();
            MemoryRecords copy = MemoryRecords.readableRecords(java.nio.ByteBuffer.wrap(bytesOf(records)));
            follower.appendAsFollower(copy);
            next = follower.logEndOffset();
        }
        assertThat(follower.logEndOffset()).isEqualTo(leader.logEndOffset());
        follower.updateHighWatermark(follower.logEndOffset());
        assertThat(readRecords(follower)).isEqualTo(readRecords(leader));
        assertThat(follower.producerStateForTesting().entry(7).orElseThrow().lastBatch().lastSeq()).isEqualTo(2);
    }

    private static byte[] bytesOf(Records records) throws java.io.IOException {
        java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(records.sizeInBytes());
        for (RecordBatch b : records.batches()) {
            ((org.apache.kafka.common.record.internal.FileLogInputStream.FileChannelRecordBatch) b).writeTo(buf);
        }
        return buf.array();
    }

    @Test
    void appendsProceedWhileACleaningIsUnderWayAndOldReadersKeepTheirFiles() throws Exception {
        List<Runnable> deferred = new ArrayList<>();
        FileLog log = open(root, compacted(), (name, task, delay) -> deferred.add(task));
        Writer w = new Writer(() -> log, time);
        fill(w, 5, 20);
        Records before = log.read(0, 1 << 20, Long.MAX_VALUE, true).records();
        List<String> beforeValues = TestSupport.values(before);
        LogCleaner cleaner = cleaner(root, log);
        AtomicInteger steps = new AtomicInteger();
        cleaner.setAfterStepForTesting(() -> {
            if (steps.getAndIncrement() == 0) {
                // The cleaned segment is written and the swap not started: an append must not wait for us.
                CompletableFuture<AppendResult> append = CompletableFuture.supplyAsync(() -> w.append("k9", "during"));
                assertThat(append.orTimeout(10, TimeUnit.SECONDS).join().duplicate()).isFalse();
            }
        });
        Cleaner.Result r = cleaner.cleanOnce().orElseThrow();
        assertThat(steps.get()).isGreaterThan(1);
        assertCompacted(readRecords(log), w.appended, w.latest, r.firstDirty());
        // The slice read before the swap still reads the old bytes until the delayed deletion runs.
        assertThat(TestSupport.values(before)).isEqualTo(beforeValues);
        assertThat(deferred).isNotEmpty();
        deferred.forEach(Runnable::run);
        try (Stream<Path> files = Files.list(root.resolve("topic-0"))) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .noneMatch(n -> n.endsWith(".deleted") || n.endsWith(".cleaned") || n.endsWith(".swap")
                            || n.endsWith(SegmentSwap.SUFFIX));
        }
    }

    @Test
    void aCrashAtAnyStepOfTheSwapRecoversToTheOldOrTheNewSegments() throws Exception {
        FileLog log = open(root.resolve("live"), compacted("internal.segment.bytes", "300"), TestSupport.INLINE);
        Writer w = new Writer(() -> log, time);
        fill(w, 3, 6);
        w.append("k2", null);
        w.append("k0", "last");
        List<Rec> old = readRecords(log);
        LogCleaner cleaner = cleaner(root.resolve("live"), log);
        List<Path> crashes = new ArrayList<>();
        cleaner.setAfterStepForTesting(() -> {
            Path copy = root.resolve("crash-" + crashes.size());
            try {
                TestSupport.copyDir(root.resolve("live"), copy);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            crashes.add(copy);
        });
        Cleaner.Result r = cleaner.cleanOnce().orElseThrow();
        List<Rec> cleaned = readRecords(log);
        assertCompacted(cleaned, w.appended, w.latest, r.firstDirty());
        assertThat(crashes).hasSizeGreaterThan(8);

        boolean sawOld = false;
        boolean sawNewGroup = false;
        for (Path crash : crashes) {
            FileLog recovered = LogLoader.load(crash.resolve("topic-0"), TP, TOPIC_ID, compacted("internal.segment.bytes",
                    "300"), new LogLoader.Checkpoints(false, OptionalLong.of(log.logEndOffset()), OptionalLong.empty(),
                    OptionalLong.of(log.logEndOffset())), time, TestSupport.INLINE, 0);
            closeables.add(recovered);
            List<Rec> read = readRecords(recovered);
            // Each group is either still old or wholly cleaned: the read lies between the two.
            assertThat(old).as(crash.toString()).containsSubsequence(read);
            assertThat(read).as(crash.toString()).containsSubsequence(cleaned);
            assertCompacted(read, w.appended, w.latest, 0);
            sawOld |= read.equals(old);
            sawNewGroup |= !read.equals(old);
            try (Stream<Path> files = Files.list(crash.resolve("topic-0"))) {
                assertThat(files.map(p -> p.getFileName().toString()))
                        .noneMatch(n -> n.endsWith(".cleaned") || n.endsWith(".swap")
                                || n.endsWith(SegmentSwap.SUFFIX) || n.endsWith(".deleted"));
            }
        }
        assertThat(sawOld).isTrue();
        assertThat(sawNewGroup).isTrue();
    }

    @Test
    void aCrashAfterTheSwapCommitsNeverBringsBackAWhollyCleanedSegment() throws Exception {
        LogConfig config = compacted("internal.segment.bytes", "1000", "segment.ms", "100");
        FileLog log = open(root.resolve("live"), config, TestSupport.INLINE);
        Writer w = new Writer(() -> log, time);
        w.append("a", "1");
        time.advance(101);
        w.append("b", "1"); // a segment of its own, wholly superseded by the next one
        time.advance(101);
        String pad = "x".repeat(110); // large enough to be a cleaning group of its own
        w.append("b", "2", "p0", pad, "p1", pad, "p2", pad, "p3", pad, "p4", pad, "p5", pad, "p6", pad, "p7", pad);
        time.advance(101);
        w.append("z", "active");
        assertThat(log.segments()).hasSize(4);
        LogCleaner cleaner = cleaner(root.resolve("live"), log);
        List<Path> crashes = new ArrayList<>();
        cleaner.setAfterStepForTesting(() -> {
            Path copy = root.resolve("crash-" + crashes.size());
            try {
                TestSupport.copyDir(root.resolve("live"), copy);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            crashes.add(copy);
        });
        cleaner.cleanOnce().orElseThrow();
        assertThat(readRecords(log)).doesNotContain(new Rec(1, "b", "1"));
        // Steps of the first group: cleaned written (0), indexes to .swap (1, 2), log to .swap (3): committed.
        for (int i = 3; i < crashes.size(); i++) {
            FileLog recovered = LogLoader.load(crashes.get(i).resolve("topic-0"), TP, TOPIC_ID, config,
                    new LogLoader.Checkpoints(false, OptionalLong.of(log.logEndOffset()), OptionalLong.empty(),
                            OptionalLong.of(log.logEndOffset())), time, TestSupport.INLINE, 0);
            closeables.add(recovered);
            assertThat(readRecords(recovered)).as("crash after step %d", i).doesNotContain(new Rec(1, "b", "1"));
        }
    }

    @Test
    void theCleanPointIsCheckpointedAndSurvivesARestart() {
        Path logDir = root.resolve("logs");
        FileLogManager manager = new FileLogManager(CompactionSupport.managerConfig(logDir), time);
        manager.startup(tp -> compacted());
        Log log = manager.getOrCreate(TP, TOPIC_ID, compacted());
        Writer w = new Writer(() -> log, time);
        fill(w, 5, 10);
        long point = manager.cleaner().cleanOnce().orElseThrow().firstDirty();
        manager.close();
        assertThat(logDir.resolve(LogCleaner.CHECKPOINT)).exists();

        FileLogManager again = new FileLogManager(CompactionSupport.managerConfig(logDir), time);
        closeables.add(again);
        again.startup(tp -> compacted());
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
        closeables.add(manager);
        manager.startup(tp -> compacted());
        Log log = manager.getOrCreate(TP, TOPIC_ID, compacted());
        Writer w = new Writer(() -> log, org.apache.kafka.common.utils.Time.SYSTEM);
        fill(w, 5, 20);
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
