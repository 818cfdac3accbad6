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
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.Records;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cleaning while the log is in use and across crashes: followers replicate cleaned batches with their gaps and empty
 * batches, appends proceed during a cleaning and old readers keep their files, and a crash at any step of the
 * segment swap (or after it commits) recovers to the old or the new segments, never a wholly cleaned one back.
 */
class CompactionSafetyTest {
    @TempDir
    Path root;

    private final CompactionFixture fixture = new CompactionFixture();
    private final TestSupport.ManualTime time = fixture.time();

    @AfterEach
    void closeAll() throws Exception {
        fixture.close();
    }

    @Test
    void followersReplicateCleanedBatchesWithGapsAndEmptyBatches() throws Exception {
        FileLog leader = fixture.open(root.resolve("leader"), CompactionFixture.compacted(), TestSupport.INLINE);
        for (int seq = 0; seq < 3; seq++) {
            leader.appendAsLeader(keyedIdempotent(Compression.NONE, time.milliseconds(), 7, (short) 0, seq, "p",
                    "v" + seq), 0);
        }
        Writer w = new Writer(() -> leader, time);
        w.append("p", "latest");
        CompactionFixture.fill(w, 4, 10);
        fixture.cleaner(root.resolve("leader"), leader).cleanOnce().orElseThrow();

        FileLog follower = fixture.open(root.resolve("follower"), CompactionFixture.compacted(), TestSupport.INLINE);
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
        FileLog log = fixture.open(root, CompactionFixture.compacted(), (name, task, delay) -> deferred.add(task));
        Writer w = new Writer(() -> log, time);
        CompactionFixture.fill(w, 5, 20);
        Records before = log.read(0, 1 << 20, Long.MAX_VALUE, true).records();
        List<String> beforeValues = TestSupport.values(before);
        LogCleaner cleaner = fixture.cleaner(root, log);
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
        FileLog log = fixture.open(root.resolve("live"), CompactionFixture.compacted("internal.segment.bytes", "300"), TestSupport.INLINE);
        Writer w = new Writer(() -> log, time);
        CompactionFixture.fill(w, 3, 6);
        w.append("k2", null);
        w.append("k0", "last");
        List<Rec> old = readRecords(log);
        LogCleaner cleaner = fixture.cleaner(root.resolve("live"), log);
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
            FileLog recovered = LogLoader.load(crash.resolve("topic-0"), TP, TOPIC_ID, CompactionFixture.compacted("internal.segment.bytes",
                    "300"), new LogLoader.Checkpoints(false, OptionalLong.of(log.logEndOffset()), OptionalLong.empty(),
                    OptionalLong.of(log.logEndOffset())), time, TestSupport.INLINE, 0);
            fixture.track(recovered);
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
        LogConfig config = CompactionFixture.compacted("internal.segment.bytes", "1000", "segment.ms", "100");
        FileLog log = fixture.open(root.resolve("live"), config, TestSupport.INLINE);
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
        LogCleaner cleaner = fixture.cleaner(root.resolve("live"), log);
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
            fixture.track(recovered);
            assertThat(readRecords(recovered)).as("crash after step %d", i).doesNotContain(new Rec(1, "b", "1"));
        }
    }
}
