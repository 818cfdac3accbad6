package io.strata.storage;

import static io.strata.storage.TestSupport.batch;
import static io.strata.storage.TestSupport.readAll;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.common.errors.OffsetOutOfRangeException;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.Records;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One log under concurrent appends, reads, rolls, retention and high watermark moves.
 */
class FileLogConcurrencyTest {
    @TempDir
    Path dir;

    private final TestSupport.ManualTime time = new TestSupport.ManualTime(System.currentTimeMillis());

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
}
