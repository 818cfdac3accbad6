package io.strata.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads the logs of every log directory at start-up, as Kafka's log manager does: per directory it reads the three
 * offset checkpoints and the clean-shutdown marker, deletes the marker before loading anything (a crash while
 * loading must not be trusted by the next start), and loads every partition directory with {@link LogLoader} on
 * {@code num.recovery.threads.per.data.dir} threads. A corrupt checkpoint makes the directory's logs recover from
 * their segments, never read as empty. Directories renamed for deletion ({@code -delete}) are handed back to be
 * deleted; other directories that are not a partition's are left alone.
 *
 * <p>Thread-safety: stateless; {@link #loadAll} may run concurrently with itself only on disjoint directories. The
 * logs it loads are put into the caller's concurrent map from the recovery threads.
 */
final class LogDirsLoader {
    private static final Logger log = LoggerFactory.getLogger(LogDirsLoader.class);

    private LogDirsLoader() {
    }

    /**
     * Loads every log of {@code config.logDirs()} into {@code logs}, waiting for all of them.
     *
     * @param configs      the log config of each partition
     * @param env          what the loaded logs run with
     * @param logs         where each loaded log is put, keyed by partition
     * @param deleteLater  called with each directory renamed for deletion by an earlier run
     * @throws IOException           when a log directory cannot be created, listed or its marker deleted
     * @throws KafkaStorageException when a log fails to load, a partition has a directory in two log directories,
     *                               or the caller is interrupted
     */
    static void loadAll(LogManagerConfig config, LogManager.LogConfigSource configs, LogLoader.Env env,
                        ConcurrentMap<TopicPartition, FileLog> logs, Consumer<Path> deleteLater) throws IOException {
        List<Future<?>> loads = new ArrayList<>();
        List<ExecutorService> pools = new ArrayList<>();
        for (Path logDir : config.logDirs()) {
            Files.createDirectories(logDir);
            Path marker = logDir.resolve(FileLogManager.CLEAN_SHUTDOWN_FILE);
            boolean clean = Files.exists(marker);
            Map<TopicPartition, Long> recoveryPoints = Map.of();
            Map<TopicPartition, Long> logStarts = Map.of();
            Map<TopicPartition, Long> hws = Map.of();
            try {
                recoveryPoints = new OffsetCheckpoints(logDir, OffsetCheckpoints.RECOVERY_POINT).read();
                logStarts = new OffsetCheckpoints(logDir, OffsetCheckpoints.LOG_START_OFFSET).read();
                hws = new OffsetCheckpoints(logDir, OffsetCheckpoints.HIGH_WATERMARK).read();
            } catch (CheckpointFile.CorruptCheckpointException e) {
                // Never read as empty: without trustworthy checkpoints every log is recovered from its segments.
                log.error("{}: recovering every log of {} from its segments", e.getMessage(), logDir);
                clean = false;
                recoveryPoints = Map.of();
            }
            // Deleted before loading: if we crash while loading, the next start must not trust anything.
            Files.deleteIfExists(marker);
            ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, config.recoveryThreadsPerDataDir()),
                    r -> new Thread(r, "strata-log-recovery-" + logDir.getFileName()));
            pools.add(pool);
            for (Path dir : listDirs(logDir)) {
                String name = dir.getFileName().toString();
                if (name.endsWith("-delete")) {
                    deleteLater.accept(dir);
                    continue;
                }
                Optional<TopicPartition> parsed = LogLoader.parseDirName(name);
                if (parsed.isEmpty()) {
                    continue;
                }
                TopicPartition tp = parsed.get();
                LogLoader.Checkpoints cp = new LogLoader.Checkpoints(clean, optional(recoveryPoints.get(tp)),
                        optional(logStarts.get(tp)), optional(hws.get(tp)));
                loads.add(pool.submit(() -> {
                    FileLog loaded = LogLoader.load(dir, tp, null, configs.configFor(tp), cp, env);
                    if (logs.putIfAbsent(tp, loaded) != null) {
                        loaded.close();
                        throw new KafkaStorageException("Duplicate log directories for " + tp);
                    }
                }));
            }
        }
        try {
            for (Future<?> f : loads) {
                f.get();
            }
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw cause instanceof RuntimeException re ? re : new KafkaStorageException("Log loading failed", cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaStorageException("Interrupted while loading logs", e);
        } finally {
            pools.forEach(ExecutorService::shutdownNow);
        }
    }

    private static OptionalLong optional(Long value) {
        return value == null ? OptionalLong.empty() : OptionalLong.of(value);
    }

    private static List<Path> listDirs(Path logDir) throws IOException {
        try (Stream<Path> list = Files.list(logDir)) {
            return list.filter(Files::isDirectory).toList();
        }
    }
}
