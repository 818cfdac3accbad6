package io.strata.storage;

import static io.strata.storage.CompactionSupport.assertCompacted;
import static io.strata.storage.CompactionSupport.keyedIdempotent;
import static io.strata.storage.CompactionSupport.readRecords;
import static io.strata.storage.TestSupport.TOPIC_ID;
import static io.strata.storage.TestSupport.TP;
import static org.assertj.core.api.Assertions.assertThat;

import io.strata.storage.CompactionSupport.Rec;
import io.strata.storage.CompactionSupport.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.stream.Stream;
import org.apache.kafka.common.compress.Compression;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cleaning a compacted log written by idempotent and transactional producers: producer state survives cleaning and
 * recovery, aborted records go and open transactions stay, markers go {@code delete.retention.ms} after the last
 * batch of their transaction, and a marker that bumped its producer's epoch stays emptied as its last word.
 */
class CompactionTransactionsTest {
    @TempDir
    Path root;

    private final CompactionFixture fixture = new CompactionFixture();
    private final TestSupport.ManualTime time = fixture.time();

    @AfterEach
    void closeAll() throws Exception {
        fixture.close();
    }

    @Test
    void idempotentProducerStateSurvivesCleaningAndRecovery() throws Exception {
        FileLog log = fixture.open(root, CompactionFixture.compacted(), TestSupport.INLINE);
        long pid = 42;
        short epoch = 0;
        AppendResult last = null;
        for (int seq = 0; seq < 5; seq++) {
            last = log.appendAsLeader(keyedIdempotent(Compression.NONE, time.milliseconds(), pid, epoch, seq, "p",
                    "idem" + seq), 0);
        }
        Writer w = new Writer(() -> log, time);
        w.append("p", "overwrites every idempotent record");
        CompactionFixture.fill(w, 3, 10);
        fixture.cleaner(root, log).cleanOnce().orElseThrow();
        assertThat(readRecords(log)).noneMatch(r -> r.value() != null && r.value().startsWith("idem"));
        log.closeForDeletion();

        // Crash: producer snapshots gone, the state must come back from the log, including the emptied batch.
        try (Stream<Path> files = Files.list(root.resolve("topic-0"))) {
            files.filter(p -> p.toString().endsWith(ProducerSnapshotFiles.SUFFIX)).forEach(p -> p.toFile().delete());
        }
        FileLog reopened = LogLoader.load(root.resolve("topic-0"), TP, TOPIC_ID, CompactionFixture.compacted(),
                new LogLoader.Checkpoints(false, OptionalLong.of(0), OptionalLong.empty(), OptionalLong.empty()),
                time, TestSupport.INLINE, 0);
        fixture.track(reopened);
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
        FileLog log = fixture.open(root, CompactionFixture.compacted(), TestSupport.INLINE);
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

        LogCleaner cleaner = fixture.cleaner(root, log);
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
        FileLog reopened = LogLoader.load(dir, TP, TOPIC_ID, CompactionFixture.compacted(), new LogLoader.Checkpoints(true,
                OptionalLong.of(end), OptionalLong.empty(), OptionalLong.of(end)), time, TestSupport.INLINE, 0);
        fixture.track(reopened);
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
            files.filter(p -> p.toString().endsWith(ProducerSnapshotFiles.SUFFIX)).forEach(p -> p.toFile().delete());
        }
        FileLog reopened = LogLoader.load(dir, TP, TOPIC_ID, CompactionFixture.compacted("delete.retention.ms", "10000"),
                new LogLoader.Checkpoints(false, OptionalLong.of(0), OptionalLong.empty(), OptionalLong.empty()),
                time, TestSupport.INLINE, 0);
        fixture.track(reopened);
        reopened.updateHighWatermark(reopened.logEndOffset());
        return reopened;
    }

    @Test
    void transactionMarkersGoDeleteRetentionAfterTheLastBatchOfTheirTransaction() throws Exception {
        FileLog log = fixture.open(root, CompactionFixture.compacted("delete.retention.ms", "10000"), TestSupport.INLINE);
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
        LogCleaner cleaner = fixture.cleaner(root, log);

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
        FileLog log = fixture.open(root, CompactionFixture.compacted("delete.retention.ms", "10000"), TestSupport.INLINE);
        log.appendAsLeader(CompactionSupport.keyedTransactional(time.milliseconds(), 9, (short) 0, 0, "k9", "x"), 0);
        // The coordinator aborts a timed-out transaction with the next epoch, which fences the old producer.
        long marker = log.appendTxnMarker(9, (short) 1, 0, false, 0).firstOffset();
        Writer w = new Writer(() -> log, time);
        for (int v = 0; v < 10; v++) {
            for (int k = 0; k < 3; k++) {
                w.append("f" + k, "v" + v);
            }
        }
        LogCleaner cleaner = fixture.cleaner(root, log);
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
}
