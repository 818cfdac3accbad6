package io.strata.storage;

import static io.strata.storage.TestSupport.TOPIC_ID;
import static io.strata.storage.TestSupport.TP;

import io.strata.storage.CompactionSupport.Writer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a compaction test opens: compacted logs (small segments, so that a few records make several) on a manual
 * clock, and cleaners over them, all closed by {@link #close()} after the test. Not thread-safe: one per test.
 */
final class CompactionFixture implements AutoCloseable {

    private final TestSupport.ManualTime time = new TestSupport.ManualTime(1_700_000_000_000L);
    private final List<AutoCloseable> closeables = new ArrayList<>();

    TestSupport.ManualTime time() {
        return time;
    }

    /** A compacted topic's config with 600-byte segments; arguments are further key, value pairs. */
    static LogConfig compacted(String... overrides) {
        Map<String, String> cfg = new HashMap<>(Map.of("cleanup.policy", "compact", "internal.segment.bytes", "600",
                "index.interval.bytes", "100", "segment.index.bytes", "4096"));
        for (int i = 0; i < overrides.length; i += 2) {
            cfg.put(overrides[i], overrides[i + 1]);
        }
        return LogConfig.fromTopicConfigs(cfg);
    }

    /** Opens (or recovers) the log of {@code topic-0} under {@code logDir}. */
    FileLog open(Path logDir, LogConfig config, BackgroundTasks background) {
        FileLog log = LogLoader.load(logDir.resolve("topic-0"), TP, TOPIC_ID, config, LogLoader.Checkpoints.NEW,
                time, background, 0);
        closeables.add(log);
        return log;
    }

    /** A started cleaner of {@code log}. */
    LogCleaner cleaner(Path logDir, FileLog log) {
        LogCleaner cleaner = new LogCleaner(CompactionSupport.managerConfig(logDir), () -> List.of(log), time);
        cleaner.startup();
        closeables.add(cleaner);
        return cleaner;
    }

    /** Closes {@code closeable} with the others after the test; returns it. */
    <T extends AutoCloseable> T track(T closeable) {
        closeables.add(closeable);
        return closeable;
    }

    /** Appends {@code versions} rounds of one record per key, one batch each. */
    static void fill(Writer w, int keys, int versions) {
        for (int v = 0; v < versions; v++) {
            for (int k = 0; k < keys; k++) {
                w.append("k" + k, "v" + v);
            }
        }
    }

    @Override
    public void close() throws Exception {
        for (AutoCloseable c : closeables) {
            c.close();
        }
    }
}
