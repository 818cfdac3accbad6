package io.strata.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.strata.testkit.Tmpfs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.InvalidTxnStateException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.record.internal.ControlRecordType;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Unit tests of the log's building blocks, one nested class per main class. */
class ComponentsTest {
    @TempDir
    Path dir;

    @Nested
    class OffsetIndexTest {
        @Test
        void looksUpTruncatesTrimsAndReloads() throws Exception {
            OffsetIndex index = new OffsetIndex(dir.resolve("0.index").toFile(), 100, 80);
            assertThat(index.maxEntries()).isEqualTo(10);
            assertThat(index.lookup(150)).isZero();
            index.append(105, 1000);
            index.append(110, 2000);
            index.append(110, 3000); // not increasing: ignored
            index.append(120, 3000);
            assertThat(index.entries()).isEqualTo(3);
            assertThat(index.lookup(104)).isZero();
            assertThat(index.lookup(105)).isEqualTo(1000);
            assertThat(index.lookup(119)).isEqualTo(2000);
            assertThat(index.lookup(500)).isEqualTo(3000);
            assertThat(index.floorPosition(2500)).isEqualTo(2000);
            index.truncateTo(110);
            assertThat(index.entries()).isEqualTo(1);
            index.trimToValidSize();
            assertThat(Files.size(dir.resolve("0.index"))).isEqualTo(8);
            OffsetIndex reloaded = new OffsetIndex(dir.resolve("0.index").toFile(), 100, 0);
            assertThat(reloaded.entries()).isEqualTo(1);
            assertThat(reloaded.isSane(5000)).isTrue();
            assertThat(reloaded.isSane(500)).isFalse();
        }

        @Test
        void preallocatedTailAfterACrashIsInsane() throws Exception {
            OffsetIndex index = new OffsetIndex(dir.resolve("1.index").toFile(), 0, 80);
            index.append(5, 100);
            index.append(9, 200);
            OffsetIndex reloaded = new OffsetIndex(dir.resolve("1.index").toFile(), 0, 0);
            assertThat(reloaded.entries()).isEqualTo(10);
            assertThat(reloaded.isSane(10_000)).isFalse();
        }

        @Test
        void onAFullFileSystemAnAppendToANewPageFailsWithAnIoErrorAndChangesNothing() throws Exception {
            try (Tmpfs fs = Tmpfs.mount(dir.resolve("fs"), "64k")) {
                int perPage = AbstractIndex.PAGE_SIZE / OffsetIndex.ENTRY_SIZE;
                OffsetIndex index = new OffsetIndex(fs.dir().resolve("0.index").toFile(), 0, 4 * 4096);
                for (int i = 1; i <= perPage; i++) {
                    index.append(i, i * 10);
                }
                Path filler = fillUp(fs.dir());
                // Without the page allocated ahead, this write through the mapping would die of SIGBUS.
                assertThatThrownBy(() -> index.append(perPage + 1, 99_999)).isInstanceOf(UncheckedIOException.class)
                        .hasRootCauseMessage("No space left on device");
                assertThat(index.entries()).isEqualTo(perPage);
                index.append(perPage, 1); // not larger than the last: ignored, touching nothing
                Files.delete(filler);
                index.append(perPage + 1, 99_999);
                assertThat(index.lookup(perPage + 1)).isEqualTo(99_999);
                assertThat(index.lookup(perPage)).isEqualTo(perPage * 10);
            }
        }
    }

    /** Fills the file system of {@code dir} with a file until it is full; returns the file. */
    private static Path fillUp(Path dir) throws IOException {
        Path filler = dir.resolve("filler");
        try (FileChannel f = FileChannel.open(filler, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer chunk = ByteBuffer.allocate(1024);
            while (true) {
                f.write(chunk.clear());
            }
        } catch (IOException e) {
            assertThat(e).hasMessage("No space left on device");
        }
        return filler;
    }

    @Nested
    class TimeIndexTest {
        @Test
        void keepsIncreasingTimestampsAndFindsEntriesBelowATarget() throws Exception {
            TimeIndex index = new TimeIndex(dir.resolve("0.timeindex").toFile(), 50, 120);
            index.maybeAppend(1000, 55);
            index.maybeAppend(1000, 60); // same timestamp: ignored
            index.maybeAppend(2000, 70);
            assertThat(index.entries()).isEqualTo(2);
            assertThat(index.lastEntryBelow(1000)).isNull();
            assertThat(index.lastEntryBelow(1001)).isEqualTo(new TimeIndex.Entry(1000, 55));
            assertThat(index.lastEntryBelow(9999)).isEqualTo(new TimeIndex.Entry(2000, 70));
            index.truncateTo(70);
            assertThat(index.lastEntry()).isEqualTo(new TimeIndex.Entry(1000, 55));
            assertThat(index.isSane()).isTrue();
        }
    }

    @Nested
    class LeaderEpochCacheTest {
        @Test
        void assignsTruncatesAndPersists() throws Exception {
            LeaderEpochCache cache = new LeaderEpochCache(dir);
            cache.assign(1, 0);
            cache.assign(1, 10); // same epoch: ignored
            cache.assign(3, 20);
            cache.assign(5, 40);
            assertThat(cache.endOffsetFor(5, 99)).contains(new EpochEntry(5, 99));
            assertThat(cache.endOffsetFor(3, 99)).contains(new EpochEntry(3, 40));
            assertThat(cache.endOffsetFor(2, 99)).contains(new EpochEntry(1, 20));
            assertThat(cache.endOffsetFor(0, 99)).contains(new EpochEntry(0, 0));
            assertThat(cache.endOffsetFor(6, 99)).isEmpty();
            cache.truncateFromEnd(30);
            cache.truncateFromStart(5);
            LeaderEpochCache reloaded = new LeaderEpochCache(dir);
            assertThat(reloaded.load()).isTrue();
            assertThat(reloaded.entries()).containsExactly(new EpochEntry(1, 5), new EpochEntry(3, 20));
        }

        @Test
        void aNewEpochWhoseCheckpointCannotBeWrittenIsNotKept() throws Exception {
            try (Tmpfs fs = Tmpfs.mount(dir.resolve("fs"), "64k")) {
                LeaderEpochCache cache = new LeaderEpochCache(fs.dir());
                cache.assign(1, 0);
                Path filler = fillUp(fs.dir());
                assertThatThrownBy(() -> cache.assign(2, 10)).isInstanceOf(IOException.class);
                assertThat(cache.entries()).containsExactly(new EpochEntry(1, 0));
                Files.delete(filler);
                cache.assign(2, 10);
                LeaderEpochCache reloaded = new LeaderEpochCache(fs.dir());
                assertThat(reloaded.load()).isTrue();
                assertThat(reloaded.entries()).containsExactly(new EpochEntry(1, 0), new EpochEntry(2, 10));
            }
        }

        @Test
        void aCorruptCheckpointIsReportedNotReadAsEmpty() throws Exception {
            LeaderEpochCache cache = new LeaderEpochCache(dir);
            cache.assign(1, 0);
            cache.flush();
            Files.writeString(dir.resolve(LeaderEpochCache.FILE_NAME), "0\n1\n1"); // torn mid-line
            LeaderEpochCache reloaded = new LeaderEpochCache(dir);
            assertThat(reloaded.load()).isFalse();
            assertThat(reloaded.entries()).isEmpty();
            Files.delete(dir.resolve(LeaderEpochCache.FILE_NAME));
            assertThat(reloaded.load()).isTrue(); // missing: a log that never had a leader epoch
        }
    }

    @Nested
    class CheckpointsTest {
        @Test
        void roundTripsAndReportsGarbageAsCorrupt() throws Exception {
            OffsetCheckpoints cp = new OffsetCheckpoints(dir, OffsetCheckpoints.RECOVERY_POINT);
            assertThat(cp.read()).isEmpty();
            cp.write(Map.of(new TopicPartition("a.b-c", 3), 42L, new TopicPartition("x", 0), 7L));
            assertThat(Files.readAllLines(dir.resolve(OffsetCheckpoints.RECOVERY_POINT)))
                    .containsExactly("0", "2", "a.b-c 3 42", "x 0 7");
            assertThat(cp.read()).containsEntry(new TopicPartition("a.b-c", 3), 42L).hasSize(2);
            Files.writeString(dir.resolve(OffsetCheckpoints.RECOVERY_POINT), "0\n5\nnonsense\n");
            assertThatThrownBy(cp::read).isInstanceOf(CheckpointFile.CorruptCheckpointException.class);
            Files.writeString(dir.resolve(OffsetCheckpoints.RECOVERY_POINT), ""); // a write torn by a crash
            assertThatThrownBy(cp::read).isInstanceOf(CheckpointFile.CorruptCheckpointException.class);
        }

        @Test
        void partitionMetadataRoundTrips() {
            PartitionMetadataFile.write(dir, TestSupport.TOPIC_ID);
            assertThat(PartitionMetadataFile.read(dir)).contains(TestSupport.TOPIC_ID);
        }

        @Test
        void parsesPartitionDirectoryNames() {
            assertThat(LogLoader.parseDirName("my.topic-name-12")).contains(new TopicPartition("my.topic-name", 12));
            assertThat(LogLoader.parseDirName("t-0.abcdef-delete")).isEmpty();
            assertThat(LogLoader.parseDirName("lost+found")).isEmpty();
        }
    }

    @Nested
    class ProducerStateManagerTest {
        @Test
        void checksSequencesAndSurvivesASnapshot() throws Exception {
            ProducerStateManager psm = new ProducerStateManager(dir);
            ProducerStateManager.AppendSession s = psm.beginAppend();
            assertThat(s.check(1, (short) 0, 0, 4, false)).isEmpty();
            s.record(1, (short) 0, new ProducerBatch(0, 4, 0, 4, 10), false);
            assertThat(s.check(1, (short) 0, 5, 5, false)).isEmpty(); // sees the pending batch
            psm.commit(s, 5);
            for (int i = 1; i <= 5; i++) {
                ProducerStateManager.AppendSession next = psm.beginAppend();
                next.record(1, (short) 0, new ProducerBatch(i * 5, i * 5 + 4, i * 5, i * 5 + 4, 10), false);
                psm.commit(next, i * 5 + 5);
            }
            // Seq 0-4 was evicted (only the last five batches are kept): no longer a duplicate, and a gap.
            assertThatThrownBy(() -> psm.beginAppend().check(1, (short) 0, 0, 4, false))
                    .isInstanceOf(OutOfOrderSequenceException.class);
            assertThat(psm.beginAppend().check(1, (short) 0, 25, 29, false))
                    .contains(new ProducerBatch(25, 29, 25, 29, 10));
            assertThatThrownBy(() -> psm.beginAppend().check(1, (short) -1, 30, 30, false))
                    .isInstanceOf(InvalidProducerEpochException.class);
            psm.takeSnapshot();
            ProducerStateManager loaded = new ProducerStateManager(dir);
            assertThat(loaded.loadLatestSnapshotAtOrBelow(Long.MAX_VALUE)).contains(30L);
            assertThat(loaded.producers()).isEqualTo(psm.producers());
            assertThat(loaded.loadLatestSnapshotAtOrBelow(29)).isEmpty();
        }

        @Test
        void openTransactionsAndCoordinatorEpochsSurviveASnapshot() throws Exception {
            ProducerStateManager psm = new ProducerStateManager(dir);
            ProducerStateManager.AppendSession s = psm.beginAppend();
            s.record(1, (short) 0, new ProducerBatch(0, 0, 3, 3, 10), true);
            s.recordControl(2, (short) 0, new TxnMarker(ControlRecordType.COMMIT, 4), 4);
            psm.commit(s, 5);
            assertThat(psm.firstUnstableOffset()).as("the commit is not below the high watermark yet").isEqualTo(3);
            psm.onHighWatermarkUpdated(5);
            assertThat(psm.firstUnstableOffset()).isEqualTo(3);
            psm.takeSnapshot();
            ProducerStateManager loaded = new ProducerStateManager(dir);
            assertThat(loaded.loadLatestSnapshotAtOrBelow(Long.MAX_VALUE)).contains(5L);
            assertThat(loaded.firstUnstableOffset()).isEqualTo(3);
            assertThat(loaded.entry(2).orElseThrow().coordinatorEpoch()).isEqualTo(4);
            assertThatThrownBy(() -> loaded.beginAppend().check(1, (short) 0, 1, 1, false))
                    .isInstanceOf(InvalidTxnStateException.class);
        }

        @Test
        void corruptSnapshotsAreDeleted() throws Exception {
            ProducerStateManager psm = new ProducerStateManager(dir);
            psm.reset(10);
            psm.takeSnapshot();
            Path file = psm.snapshots().file(10);
            byte[] bytes = Files.readAllBytes(file);
            bytes[bytes.length - 1] ^= 1;
            Files.write(file, bytes);
            assertThat(psm.loadLatestSnapshotAtOrBelow(100)).isEmpty();
            assertThat(file).doesNotExist();
        }
    }

    @Nested
    class RetentionPolicyTest {
        private final List<RetentionPolicy.SegmentStats> segments = List.of(
                new RetentionPolicy.SegmentStats(0, 100, 1000), new RetentionPolicy.SegmentStats(10, 100, 2000),
                new RetentionPolicy.SegmentStats(20, 100, 3000), new RetentionPolicy.SegmentStats(30, 100, 4000));

        @Test
        void deletesByStartTimeAndSizeButNeverTheActiveOrUnreplicatedSegments() {
            LogConfig keepAll = LogConfig.fromTopicConfigs(Map.of("retention.ms", "-1"));
            assertThat(RetentionPolicy.deletableCount(segments, 0, 40, keepAll, 5000)).isZero();
            assertThat(RetentionPolicy.deletableCount(segments, 15, 40, keepAll, 5000)).isEqualTo(1);
            LogConfig byTime = LogConfig.fromTopicConfigs(Map.of("retention.ms", "2500"));
            assertThat(RetentionPolicy.deletableCount(segments, 0, 40, byTime, 5000)).isEqualTo(2);
            assertThat(RetentionPolicy.deletableCount(segments, 0, 15, byTime, 5000)).isEqualTo(1);
            LogConfig bySize = LogConfig.fromTopicConfigs(Map.of("retention.ms", "-1", "retention.bytes", "150"));
            assertThat(RetentionPolicy.deletableCount(segments, 0, 40, bySize, 5000)).isEqualTo(2);
            LogConfig compact = LogConfig.fromTopicConfigs(Map.of("retention.ms", "0", "cleanup.policy", "compact"));
            assertThat(RetentionPolicy.deletableCount(segments, 0, 40, compact, 5000)).isZero();
            LogConfig everything = LogConfig.fromTopicConfigs(Map.of("retention.ms", "0"));
            assertThat(RetentionPolicy.deletableCount(segments, 0, 40, everything, 5000)).isEqualTo(3);
        }
    }
}
