package io.strata.storage;

import static io.strata.storage.TestSupport.INLINE;
import static io.strata.storage.TestSupport.TOPIC_ID;
import static io.strata.storage.TestSupport.TP;
import static io.strata.storage.TestSupport.batch;
import static io.strata.storage.TestSupport.readAll;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Indexes of new segments are lazy: no file and no mapping until the first entry. These tests pin down that nothing
 * is created eagerly and that every path that meets an unopened index (reads, truncation, roll, clean close, crash
 * recovery, renames) behaves as if the index were an empty, mapped one.
 */
class LazyIndexTest {
    @TempDir
    Path dir;

    private final TestSupport.ManualTime time = new TestSupport.ManualTime(System.currentTimeMillis());

    private static final LogLoader.Checkpoints CRASHED = new LogLoader.Checkpoints(false, OptionalLong.empty(),
            OptionalLong.empty(), OptionalLong.empty());
    private static final LogLoader.Checkpoints CLEAN = new LogLoader.Checkpoints(true, OptionalLong.empty(),
            OptionalLong.empty(), OptionalLong.empty());

    private Path partitionDir() {
        return dir.resolve("topic-0");
    }

    private FileLog load(Map<String, String> config, LogLoader.Checkpoints checkpoints) {
        return LogLoader.load(partitionDir(), TP, TOPIC_ID, TestSupport.config(config), checkpoints, time, INLINE, 0);
    }

    private List<String> indexFiles() throws Exception {
        try (Stream<Path> files = Files.list(partitionDir())) {
            return files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(SegmentFiles.INDEX_SUFFIX) || n.endsWith(SegmentFiles.TIME_INDEX_SUFFIX))
                    .sorted().toList();
        }
    }

    private static LogSegment active(FileLog log) {
        return log.segments().get(log.segments().size() - 1);
    }

    @Nested
    class Unit {
        @Test
        void anUnopenedIndexAnswersAsAnEmptyOneWithoutCreatingItsFile() throws Exception {
            Path file = dir.resolve("00.index");
            OffsetIndex index = OffsetIndex.fresh(file.toFile(), 100, 80);
            assertThat(index.isOpen()).isFalse();
            assertThat(index.maxEntries()).isEqualTo(10);
            assertThat(index.isFull()).isFalse();
            assertThat(index.lookup(150)).isZero();
            assertThat(index.floorPosition(1000)).isZero();
            assertThat(index.lastOffset()).isEqualTo(100);
            assertThat(index.lastPosition()).isZero();
            assertThat(index.isSane(0)).isTrue();
            index.truncateTo(100);
            index.resize(160);
            index.flush();
            assertThat(index.maxEntries()).isEqualTo(20);
            assertThat(file).doesNotExist();

            index.append(105, 1000);
            assertThat(index.isOpen()).isTrue();
            assertThat(file).exists();
            assertThat(Files.size(file)).isEqualTo(160);
            assertThat(index.lookup(150)).isEqualTo(1000);
            assertThat(index.lastOffset()).isEqualTo(105);
        }

        @Test
        void anUnopenedTimeIndexIsEmptyUntilItsFirstEntry() throws Exception {
            Path file = dir.resolve("00.timeindex");
            TimeIndex index = TimeIndex.fresh(file.toFile(), 50, 120);
            assertThat(index.lastEntry()).isNull();
            assertThat(index.lastEntryBelow(Long.MAX_VALUE)).isNull();
            assertThat(index.isSane()).isTrue();
            index.truncateTo(0);
            assertThat(file).doesNotExist();
            index.maybeAppend(1000, 55);
            assertThat(file).exists();
            assertThat(index.lastEntry()).isEqualTo(new TimeIndex.Entry(1000, 55));
        }

        @Test
        void anUnopenedIndexIsTrimmedWithoutAFileCreatedOnDemandAndRenamedByName() throws Exception {
            Path file = dir.resolve("00.index.cleaned");
            OffsetIndex index = OffsetIndex.fresh(file.toFile(), 0, 80);
            index.trimToValidSize();
            assertThat(index.isFull()).isTrue(); // trimmed to its (zero) entries, as a mapped index would be
            assertThat(file).doesNotExist();
            Path swap = dir.resolve("00.index.swap");
            index.renameTo(swap.toFile()); // no file yet: only the name changes
            assertThat(file).doesNotExist();
            assertThat(swap).doesNotExist();
            index.createIfAbsent();
            assertThat(swap).exists();
            assertThat(Files.size(swap)).isZero();
            Path done = dir.resolve("00.index");
            index.renameTo(done.toFile());
            assertThat(done).exists();
            assertThat(swap).doesNotExist();
            index.resize(80); // made active again: the first entry maps the existing file at full size
            index.append(3, 10);
            assertThat(Files.size(done)).isEqualTo(80);
            assertThat(index.lookup(5)).isEqualTo(10);
        }
    }

    @Test
    void aNewLogCreatesAndMapsNoIndexUntilIndexIntervalBytesIsReached() throws Exception {
        try (FileLog log = load(Map.of("index.interval.bytes", "200"), LogLoader.Checkpoints.NEW)) {
            assertThat(indexFiles()).isEmpty();
            assertThat(active(log).offsetIndex().isOpen()).isFalse();
            assertThat(active(log).timeIndex().isOpen()).isFalse();
            log.appendAsLeader(batch("first"), 0);
            assertThat(indexFiles()).isEmpty();
            assertThat(readAll(log, 0)).containsExactly("0:first");
            assertThat(log.offsetForTimestamp(0)).map(TimestampAndOffset::offset).contains(0L);

            for (int i = 1; i < 20; i++) {
                log.appendAsLeader(batch("v" + i), 0);
            }
            assertThat(active(log).offsetIndex().isOpen()).isTrue();
            assertThat(active(log).offsetIndex().entries()).isPositive();
            assertThat(indexFiles()).containsExactly("00000000000000000000.index", "00000000000000000000.timeindex");
            // Lookups through the now open index find every record.
            List<String> expected = new ArrayList<>(List.of("0:first"));
            for (int i = 1; i < 20; i++) {
                expected.add(i + ":v" + i);
            }
            assertThat(readAll(log, 0)).containsExactlyElementsOf(expected);
            assertThat(readAll(log, 13)).first().isEqualTo("13:v13");
        }
    }

    @Test
    void aSegmentWhoseIndexWasNeverOpenedReloadsCleanlyWithoutARebuild() throws Exception {
        try (FileLog log = load(Map.of(), LogLoader.Checkpoints.NEW)) {
            log.appendAsLeader(batch("a", "b"), 0);
        }
        assertThat(indexFiles()).containsExactly("00000000000000000000.index", "00000000000000000000.timeindex");
        try (FileLog reloaded = load(Map.of(), CLEAN)) {
            assertThat(active(reloaded).indexesNeedRebuild()).isFalse();
            assertThat(reloaded.logEndOffset()).isEqualTo(2);
            assertThat(readAll(reloaded, 0)).containsExactly("0:a", "1:b");
            reloaded.appendAsLeader(batch("c"), 0);
            assertThat(readAll(reloaded, 1)).containsExactly("1:b", "2:c");
        }
    }

    @Test
    void aNeverWrittenLogKeepsNoIndexFilesAcrossACleanRestart() throws Exception {
        try (FileLog log = load(Map.of(), LogLoader.Checkpoints.NEW)) {
            assertThat(log.logEndOffset()).isZero();
        }
        assertThat(indexFiles()).isEmpty();
        try (FileLog reloaded = load(Map.of(), CLEAN)) {
            assertThat(active(reloaded).offsetIndex().isOpen()).isFalse();
            assertThat(active(reloaded).timeIndex().isOpen()).isFalse();
            reloaded.appendAsLeader(batch("x"), 0);
            assertThat(readAll(reloaded, 0)).containsExactly("0:x");
        }
    }

    @Test
    void staleIndexFilesOfAnEmptySegmentAreDroppedNotTrusted() throws Exception {
        FileLog log = load(Map.of(), LogLoader.Checkpoints.NEW);
        log.closeForDeletion();
        // A preallocated index with plausible-looking entries, as an older incarnation of the segment could leave.
        byte[] stale = new byte[80];
        java.nio.ByteBuffer.wrap(stale).putInt(0).putInt(0).putInt(5).putInt(100);
        Files.write(partitionDir().resolve("00000000000000000000.index"), stale);
        Files.write(partitionDir().resolve("00000000000000000000.timeindex"), new byte[120]);
        try (FileLog recovered = load(Map.of(), CRASHED)) {
            assertThat(indexFiles()).isEmpty();
            assertThat(active(recovered).offsetIndex().entries()).isZero();
            recovered.appendAsLeader(batch("a", "b"), 0);
            assertThat(readAll(recovered, 0)).containsExactly("0:a", "1:b");
        }
    }

    @Test
    void aCrashBeforeTheIndexWasOpenedLosesNoRecord() throws Exception {
        FileLog log = load(Map.of(), LogLoader.Checkpoints.NEW);
        for (int i = 0; i < 5; i++) {
            log.appendAsLeader(batch("v" + i), 0);
        }
        log.closeForDeletion(); // kill -9: no flush, no trim, no close
        assertThat(indexFiles()).isEmpty();
        try (FileLog recovered = load(Map.of(), CRASHED)) {
            assertThat(recovered.logEndOffset()).isEqualTo(5);
            assertThat(readAll(recovered, 0)).containsExactly("0:v0", "1:v1", "2:v2", "3:v3", "4:v4");
        }
    }

    @Test
    void aCrashOfAnEmptyLogKeepsItsIndexesLazy() throws Exception {
        FileLog log = load(Map.of(), LogLoader.Checkpoints.NEW);
        log.closeForDeletion();
        try (FileLog recovered = load(Map.of(), CRASHED)) {
            assertThat(recovered.logEndOffset()).isZero();
            assertThat(active(recovered).offsetIndex().isOpen()).isFalse();
            recovered.appendAsLeader(batch("x"), 0);
            assertThat(readAll(recovered, 0)).containsExactly("0:x");
        }
    }

    @Test
    void rollAndTruncationOfSegmentsWhoseIndexesWereNeverOpened() throws Exception {
        // Segments of ~300 bytes never reach the default index.interval.bytes (4096): no index is ever opened.
        try (FileLog log = load(Map.of("internal.segment.bytes", "300"), LogLoader.Checkpoints.NEW)) {
            for (int i = 0; i < 10; i++) {
                log.appendAsLeader(batch("v" + i), 0);
            }
            assertThat(log.segments()).hasSizeGreaterThan(2);
            for (LogSegment seg : log.segments()) {
                assertThat(seg.offsetIndex().isOpen()).isFalse();
            }
            log.updateHighWatermark(10);
            log.truncateTo(4);
            assertThat(readAll(log, 0)).containsExactly("0:v0", "1:v1", "2:v2", "3:v3");
            log.appendAsLeader(batch("new"), 1);
            assertThat(readAll(log, 2)).containsExactly("2:v2", "3:v3", "4:new");
        }
        try (FileLog reloaded = load(Map.of("internal.segment.bytes", "300"), CLEAN)) {
            assertThat(reloaded.segments()).noneMatch(LogSegment::indexesNeedRebuild);
            assertThat(readAll(reloaded, 0)).containsExactly("0:v0", "1:v1", "2:v2", "3:v3", "4:new");
        }
    }
}
