package io.strata.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The file-based {@link LogManager}: partition directories {@code <topic>-<partition>} spread over
 * {@code log.dirs}, Kafka's per-directory checkpoints and clean-shutdown marker, and the background work (flush by
 * {@code flush.ms}, checkpointing, retention, delayed file deletion) on a small scheduler of its own, plus the
 * {@link LogCleaner} threads that compact {@code cleanup.policy=compact} logs.
 *
 * <p>Start-up loading is {@link LogDirsLoader}'s, each log's own background work its {@link LogMaintenance}, the
 * threads that run background work the {@link LogScheduler}'s, closing every log on shutdown {@link LogCloser}'s.
 *
 * <p>Construct with {@code new FileLogManager(config)} (or with a {@link Time} in tests), which locks every log
 * directory ({@link LogDirLock}) or fails; call {@link #startup} once, then use {@link #getOrCreate}; {@link #close}
 * flushes everything and writes the marker that lets the next start trust the checkpoints.
 *
 * <p>Disk errors: any I/O error of a log takes its whole log directory offline ({@link LogDirFailureChannel}): its
 * logs refuse reads and writes, get no more checkpoints and no clean-shutdown marker, and the listeners registered
 * with {@link #onLogDirFailure} are told. A corrupt offset checkpoint makes the directory's logs recover from their
 * segments. A full file system is not a failure: appends are refused while it is full ({@link LogDirSpace}) and
 * rolled back if they run out of space, and checkpoints are tried again later.
 *
 * <p>Thread-safety: all methods are thread-safe. Log creation and deletion are serialized by the manager's lock;
 * lookups are lock-free. Background tasks never hold a log's lock while doing I/O except where the log itself
 * must (roll, retention renames).
 */
public final class FileLogManager implements LogManager {
    /** Present in a log directory only after a clean shutdown. */
    public static final String CLEAN_SHUTDOWN_FILE = ".kafka_cleanshutdown";
    private static final Logger log = LoggerFactory.getLogger(FileLogManager.class);

    private final LogManagerConfig config;
    private final Time time;
    private final ConcurrentHashMap<TopicPartition, FileLog> logs = new ConcurrentHashMap<>();
    private final ReentrantLock lock = new ReentrantLock();
    /**
     * Logs per {@code log.dirs} entry, guarded by {@link #lock}: kept up to date on every create and delete so that
     * placing a new log is O(dirs), not O(logs) (counting on each creation made 10,000 creations quadratic).
     */
    private final Map<Path, Integer> logsPerDir = new HashMap<>();
    private final LogScheduler scheduler;
    private final LogCleaner cleaner;
    private final DiskFaults faults;
    private final LogDirFailureChannel failures;
    private final LogDirSpace space;
    private final LogLoader.Env env;
    /** One per {@code log.dirs} entry, taken before anything in the directory is read and held until close. */
    private final List<LogDirLock> dirLocks;
    private volatile boolean started;
    private volatile boolean closed;

    public FileLogManager(LogManagerConfig config) {
        this(config, Time.SYSTEM);
    }

    public FileLogManager(LogManagerConfig config, Time time) {
        this(config, time, DiskFaults.NONE);
    }

    /** A manager whose disk writes go through {@code faults} (tests). */
    FileLogManager(LogManagerConfig config, Time time, DiskFaults faults) {
        this(config, time, faults, LogDirSpace.fileStores());
    }

    /** A manager whose disk writes go through {@code faults} and that reads free space from {@code usable} (tests). */
    FileLogManager(LogManagerConfig config, Time time, DiskFaults faults, LogDirSpace.UsableSpace usable) {
        if (config.logDirs().isEmpty()) {
            throw new IllegalArgumentException("log.dirs is empty");
        }
        this.config = config;
        this.time = time;
        this.dirLocks = LogDirLock.acquireAll(config.logDirs());
        this.faults = faults;
        this.failures = new LogDirFailureChannel(config.logDirs(), dir -> logsIn(dir).forEach(FileLog::markOffline),
                dir -> logsIn(dir).forEach(FileLog::closeForDeletion));
        this.space = new LogDirSpace(config.minFreeBytes(), usable, time::nanoseconds);
        this.scheduler = new LogScheduler();
        this.env = new LogLoader.Env(time, scheduler, config.fileDeleteDelayMs(), config.producerIdExpirationMs(),
                failures, faults, space);
        this.cleaner = new LogCleaner(config, () -> List.copyOf(logs.values()), time);
    }

    @Override
    public void startup(LogConfigSource configs) {
        lock.lock();
        try {
            if (started) {
                throw new IllegalStateException("Already started");
            }
            long startNs = System.nanoTime();
            LogDirsLoader.loadAll(config, configs, env, logs,
                    dir -> scheduler.schedule("delete " + dir.getFileName(), () -> deleteRecursively(dir), 0));
            config.logDirs().forEach(d -> logsPerDir.put(d, 0));
            logs.values().forEach(l -> logsPerDir.merge(l.dir().getParent(), 1, Integer::sum));
            writeCheckpoints();
            scheduleBackgroundTasks();
            cleaner.startup();
            started = true;
            log.info("Loaded {} logs from {} in {} ms", logs.size(), config.logDirs(),
                    (System.nanoTime() - startNs) / 1_000_000);
        } catch (IOException e) {
            throw new KafkaStorageException("Cannot open log directories " + config.logDirs(), e);
        } finally {
            lock.unlock();
        }
    }

    private void scheduleBackgroundTasks() {
        scheduler.every(config.flushSchedulerIntervalMs(), "flush", this::flushDueLogs);
        scheduler.every(config.flushOffsetCheckpointIntervalMs(), "checkpoint", this::writeCheckpoints);
        scheduler.every(config.retentionCheckIntervalMs(), "retention", this::runRetention);
        scheduler.every(config.producerIdExpirationCheckIntervalMs(), "producer id expiration",
                this::expireProducers);
    }

    /** Forgets the producers idle for {@code producer.id.expiration.ms} in every online log. */
    void expireProducers() {
        for (FileLog l : logs.values()) {
            if (!l.isOffline()) {
                l.maintenance().removeExpiredProducers(config.producerIdExpirationMs());
            }
        }
    }

    /** Flushes the logs whose {@code flush.ms} has elapsed since their last flush. */
    void flushDueLogs() {
        long now = time.milliseconds();
        for (FileLog l : logs.values()) {
            long flushMs = l.config().flushMs();
            if (!l.isOffline() && flushMs < Long.MAX_VALUE && now - l.lastFlushTimeMs() >= flushMs) {
                try {
                    l.flush();
                } catch (RuntimeException e) {
                    log.warn("Flush of {} failed", l.topicPartition(), e);
                }
            }
        }
    }

    /** One retention pass over every log. */
    void runRetention() {
        for (FileLog l : logs.values()) {
            try {
                l.maintenance().deleteOldSegments();
            } catch (RuntimeException e) {
                log.warn("Retention of {} failed", l.topicPartition(), e);
            }
        }
    }

    /** Writes the recovery point, log start offset and high watermark checkpoints of every log directory. */
    void writeCheckpoints() {
        Map<Path, List<FileLog>> byDir = new HashMap<>();
        for (Path d : config.logDirs()) {
            byDir.put(d, new ArrayList<>());
        }
        for (FileLog l : logs.values()) {
            byDir.computeIfAbsent(l.dir().getParent(), k -> new ArrayList<>()).add(l);
        }
        byDir.forEach((dir, dirLogs) -> {
            if (failures.isOffline(dir)) {
                return; // its logs' offsets cannot be trusted: the next start recovers them
            }
            Map<TopicPartition, Long> recovery = new HashMap<>();
            Map<TopicPartition, Long> starts = new HashMap<>();
            Map<TopicPartition, Long> hws = new HashMap<>();
            for (FileLog l : dirLogs) {
                recovery.put(l.topicPartition(), l.recoveryPoint());
                starts.put(l.topicPartition(), l.logStartOffset());
                hws.put(l.topicPartition(), l.highWatermark());
            }
            try {
                faults.check(DiskFaults.Op.CHECKPOINT, dir);
                new OffsetCheckpoints(dir, OffsetCheckpoints.RECOVERY_POINT).write(recovery);
                new OffsetCheckpoints(dir, OffsetCheckpoints.LOG_START_OFFSET).write(starts);
                new OffsetCheckpoints(dir, OffsetCheckpoints.HIGH_WATERMARK).write(hws);
            } catch (IOException e) {
                if (space.isOutOfSpace(dir, e)) {
                    // Each file is replaced whole or not at all: the older checkpoints stay valid, only staler.
                    log.warn("Cannot write the offset checkpoints of {}, its file system is full; next try in {} ms",
                            dir, config.flushOffsetCheckpointIntervalMs());
                } else {
                    failures.report(dir, "Writing the offset checkpoints of " + dir + " failed", e);
                }
            }
        });
    }

    private List<FileLog> logsIn(Path logDir) {
        return logs.values().stream().filter(l -> l.dir().getParent().equals(logDir)).toList();
    }

    @Override
    public void onLogDirFailure(Consumer<LogDirFailure> listener) {
        failures.addListener(listener);
    }

    @Override
    public Set<Path> offlineLogDirs() {
        return failures.offlineDirs();
    }

    @Override
    public boolean isOnline(Path dir) {
        return config.logDirs().contains(dir) && !failures.isOffline(dir);
    }

    @Override
    public Log getOrCreate(TopicPartition tp, Uuid topicId, LogConfig logConfig) {
        FileLog existing = logs.get(tp);
        if (existing != null) {
            return existing;
        }
        lock.lock();
        try {
            if (closed) {
                throw new KafkaStorageException("Log manager is closed");
            }
            existing = logs.get(tp);
            if (existing != null) {
                return existing;
            }
            Path dir = leastLoadedDir().resolve(LogLoader.dirName(tp));
            FileLog created = LogLoader.load(dir, tp, topicId, logConfig, LogLoader.Checkpoints.NEW, env);
            logs.put(tp, created);
            logsPerDir.merge(dir.getParent(), 1, Integer::sum);
            log.info("Created log {} in {}", tp, dir);
            return created;
        } finally {
            lock.unlock();
        }
    }

    /** The online log directory holding the fewest logs, as Kafka places new logs; called with the lock held. */
    private Path leastLoadedDir() {
        return config.logDirs().stream().filter(d -> !failures.isOffline(d))
                .min(Comparator.comparingInt(d -> logsPerDir.getOrDefault(d, 0)))
                .orElseThrow(() -> new KafkaStorageException("No log directory is online: " + config.logDirs()));
    }

    @Override
    public Optional<Log> get(TopicPartition tp) {
        return Optional.ofNullable(logs.get(tp));
    }

    @Override
    public Collection<Log> all() {
        return List.copyOf(logs.values());
    }

    @Override
    public void delete(TopicPartition tp) {
        lock.lock();
        try {
            FileLog removed = logs.remove(tp);
            if (removed == null) {
                return;
            }
            cleaner.abortAndWait(tp);
            removed.closeForDeletion();
            cleaner.forget(tp, removed.dir().getParent());
            logsPerDir.computeIfPresent(removed.dir().getParent(), (d, n) -> n - 1);
            Path dir = removed.dir();
            Path target = dir.resolveSibling(dir.getFileName() + "." + Uuid.randomUuid().toString().replace("-", "")
                    + "-delete");
            try {
                Files.move(dir, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                throw new KafkaStorageException("Cannot rename " + dir + " for deletion", e);
            }
            scheduler.schedule("delete " + target.getFileName(), () -> deleteRecursively(target), 0);
            log.info("Deleted log {}", tp);
        } finally {
            lock.unlock();
        }
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            log.warn("Cannot delete {}: {}", dir, e.toString());
        }
    }

    /** The log cleaner, for tests that drive it directly. */
    LogCleaner cleaner() {
        return cleaner;
    }

    /**
     * Simulates a crash for tests: stops background work and drops file handles without flushing, writing
     * checkpoints or the clean-shutdown marker; the directory locks go, as they would with the process.
     */
    void crashForTesting() {
        lock.lock();
        try {
            closed = true;
            cleaner.close();
            scheduler.crashForTesting();
            failures.close();
            logs.values().forEach(FileLog::closeForDeletion);
            dirLocks.forEach(LogDirLock::close);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        // The durable writes of a clean shutdown (fsyncs, checkpoints, the marker) fail on an interrupted thread,
        // whose file channels close themselves: close with the flag cleared and restore it afterwards.
        boolean interrupted = Thread.interrupted();
        try {
            closeUninterrupted();
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void closeUninterrupted() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            cleaner.close();
            scheduler.close();
            Optional<RuntimeException> failure = LogCloser.closeAll(logs.values(),
                    config.recoveryThreadsPerDataDir());
            writeCheckpoints();
            // A directory that failed, even while closing, gets no marker: the next start must recover its logs.
            for (Path d : config.logDirs()) {
                if (failures.isOffline(d)) {
                    continue;
                }
                try {
                    faults.check(DiskFaults.Op.CHECKPOINT, d);
                    AtomicFile.write(d.resolve(CLEAN_SHUTDOWN_FILE), new byte[0]);
                } catch (IOException e) {
                    failures.report(d, "Writing the clean shutdown marker in " + d + " failed", e);
                }
            }
            failures.close();
            if (failure.isPresent()) {
                throw failure.get();
            }
            Set<Path> offline = failures.offlineDirs();
            if (offline.isEmpty()) {
                log.info("Closed {} logs cleanly", logs.size());
            } else {
                log.warn("Closed {} logs; offline log directories {} were not marked clean", logs.size(), offline);
            }
        } finally {
            dirLocks.forEach(LogDirLock::close);
            lock.unlock();
        }
    }
}
