package io.strata.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SegmentIndexesTest {

    private static final long BASE = 100;
    private static final int ACTIVE = 4096;
    private static final int INTERVAL = 100;

    @TempDir
    Path dir;
    private File offsetFile;
    private File timeFile;
    private TransactionIndex txnIndex;

    @BeforeEach
    void files() throws Exception {
        offsetFile = SegmentFiles.file(dir, BASE, SegmentFiles.Kind.INDEX, "").toFile();
        timeFile = SegmentFiles.file(dir, BASE, SegmentFiles.Kind.TIME_INDEX, "").toFile();
        txnIndex = new TransactionIndex(SegmentFiles.file(dir, BASE, SegmentFiles.Kind.TXN_INDEX, "").toFile());
    }

    /** Indexes of a new active segment fed three batches of 150 bytes; their max timestamp is the second one's. */
    private SegmentIndexes threeBatches() throws Exception {
        SegmentIndexes indexes = SegmentIndexes.open(offsetFile, timeFile, BASE, 0, txnIndex, ACTIVE);
        indexes.onBatch(109, 50, 0, 150, INTERVAL);
        indexes.onBatch(119, 70, 150, 150, INTERVAL);
        indexes.onBatch(129, 60, 300, 150, INTERVAL);
        return indexes;
    }

    @Test
    void anEmptySegmentGetsLazyIndexesAndLosesStaleFiles() throws Exception {
        Files.write(offsetFile.toPath(), new byte[64]);
        Files.write(timeFile.toPath(), new byte[64]);
        txnIndex.append(new AbortedTxn(1, BASE, BASE + 1, BASE));
        SegmentIndexes indexes = SegmentIndexes.open(offsetFile, timeFile, BASE, 0, txnIndex, ACTIVE);
        assertThat(indexes.needRebuild()).isFalse();
        assertThat(offsetFile).doesNotExist();
        assertThat(timeFile).doesNotExist();
        assertThat(txnIndex.entries()).isEmpty();
        assertThat(indexes.maxTimestamp()).isEqualTo(-1);
        assertThat(indexes.offsetIndex().isOpen()).isFalse();
    }

    @Test
    void anEntryIsAddedOnceMoreThanTheIntervalWasWrittenAndCarriesTheMaxTimestamp() throws Exception {
        SegmentIndexes indexes = threeBatches();
        // The first batch only counts its bytes; each later one follows more than INTERVAL bytes.
        assertThat(indexes.offsetIndex().entries()).isEqualTo(2);
        assertThat(indexes.offsetIndex().lookup(125)).isEqualTo(150);
        assertThat(indexes.offsetIndex().lookup(135)).isEqualTo(300);
        assertThat(indexes.timeIndex().lastEntry()).isEqualTo(new TimeIndex.Entry(70, 119));
        assertThat(indexes.maxTimestamp()).isEqualTo(70);
        assertThat(indexes.offsetOfMaxTimestamp()).isEqualTo(119);
    }

    @Test
    void aRollBackUndoesTheEntriesAndTheMaxTimestampOfAFailedAppend() throws Exception {
        SegmentIndexes indexes = SegmentIndexes.open(offsetFile, timeFile, BASE, 0, txnIndex, ACTIVE);
        indexes.onBatch(109, 50, 0, 150, INTERVAL);
        SegmentIndexes.Mark mark = indexes.mark();
        indexes.onBatch(119, 70, 150, 150, INTERVAL);
        indexes.onBatch(129, 80, 300, 150, INTERVAL);
        indexes.rollBack(mark);
        assertThat(indexes.offsetIndex().entries()).isZero();
        assertThat(indexes.timeIndex().entries()).isZero();
        assertThat(indexes.maxTimestamp()).isEqualTo(50);
        assertThat(indexes.offsetOfMaxTimestamp()).isEqualTo(109);
        // The byte count is back too: the next batch gets the entry the undone one got.
        indexes.onBatch(119, 70, 150, 150, INTERVAL);
        assertThat(indexes.mark()).isEqualTo(new SegmentIndexes.Mark(1, 1, 70, 119, 150));
    }

    @Test
    void completedIndexesAreTrustedAtTheNextOpenAndInsaneOnesRebuilt() throws Exception {
        threeBatches().complete(true);
        assertThat(offsetFile).exists();
        SegmentIndexes reopened = SegmentIndexes.open(offsetFile, timeFile, BASE, 450, txnIndex, 0);
        assertThat(reopened.needRebuild()).isFalse();
        assertThat(reopened.maxTimestamp()).isEqualTo(70);
        assertThat(reopened.offsetOfMaxTimestamp()).isEqualTo(119);

        // An entry pointing past the end of a log cut short is insane: the indexes are emptied for a rebuild.
        SegmentIndexes insane = SegmentIndexes.open(offsetFile, timeFile, BASE, 200, txnIndex, 0);
        assertThat(insane.needRebuild()).isTrue();
        assertThat(insane.offsetIndex().entries()).isZero();
        assertThat(insane.maxTimestamp()).isEqualTo(-1);

        Files.delete(timeFile.toPath());
        assertThat(SegmentIndexes.open(offsetFile, timeFile, BASE, 450, txnIndex, 0).needRebuild()).isTrue();
    }

    @Test
    void aSegmentWithoutEntriesGetsIndexFilesOnlyIfItHasBatches() throws Exception {
        SegmentIndexes empty = SegmentIndexes.open(offsetFile, timeFile, BASE, 0, txnIndex, ACTIVE);
        empty.complete(false);
        assertThat(offsetFile).doesNotExist();
        SegmentIndexes one = SegmentIndexes.open(offsetFile, timeFile, BASE, 0, txnIndex, ACTIVE);
        one.onBatch(109, 50, 0, 150, INTERVAL);
        one.complete(true);
        assertThat(offsetFile).exists();
        // The final time entry records the max timestamp the interval had not indexed yet.
        assertThat(one.timeIndex().lastEntry()).isEqualTo(new TimeIndex.Entry(50, 109));
    }

    @Test
    void afterATruncationTheMaxTimestampComesFromTheLastTimeEntryAndTheBatchesAfterIt() throws Exception {
        SegmentIndexes indexes = threeBatches();
        indexes.onBatch(139, 90, 450, 150, INTERVAL);
        indexes.truncateTo(130);
        assertThat(indexes.offsetIndex().entries()).isEqualTo(2);
        assertThat(indexes.timeIndex().lastEntry()).isEqualTo(new TimeIndex.Entry(70, 119));
        // Batches from the one at the last time entry's offset are seen again.
        assertThat(indexes.restartAfterTruncation()).isEqualTo(150);
        assertThat(indexes.maxTimestamp()).isEqualTo(70);
        MemoryRecords later = TestSupport.batch(Compression.NONE, 75, "kept");
        indexes.onTruncatedBatch(new BatchHeader().wrap(later.buffer(), 0, 300));
        assertThat(indexes.maxTimestamp()).isEqualTo(75);
        assertThat(indexes.offsetOfMaxTimestamp()).isZero();

        indexes.truncateTo(BASE);
        assertThat(indexes.restartAfterTruncation()).isZero();
        assertThat(indexes.maxTimestamp()).isEqualTo(-1);
        assertThat(indexes.offsetOfMaxTimestamp()).isEqualTo(-1);
    }
}
