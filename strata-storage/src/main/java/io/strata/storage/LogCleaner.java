package io.strata.storage;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The background log cleaner: {@code log.cleaner.threads} threads that repeatedly pick the compacted log most in
 * need of cleaning and clean it ({@link Cleaner}), waiting {@code log.cleaner.backoff.ms} when none needs it.
 *
 * <p>A log needs cleaning when its dirty ratio reaches {@code min.cleanable.dirty.ratio}, when its oldest dirty
 * record is older than {@code max.compaction.lag.ms}, or when a tombstone it keeps has passed its delete horizon.
 * The clean point of each log (where its dirty part starts) is kept in {@code cleaner-offset-checkpoint} in its
 * log directory, so a restart does not clean everything again; a truncation below it moves it down.
 *
 * <p>Cleaning never holds a log's lock except to swap segments in. Deleting a log first aborts its cleaning
 * ({@link #abortAndWait}); closing the cleaner aborts all cleanings and joins the threads. An aborted cleaning
 * changes nothing on disk but {@code .cleaned} files, which it deletes.
 *
 * <p>Thread-safety: all methods are thread-safe; the set of logs being cleaned is guarded by {@link #lock}.
 */
final class LogCleaner implements AutoCloseable {
    static final String CHECKPOINT = "cleaner-offset-checkpoint";
    /** Memory for one cleaning's key map; Kafka's {@code log.cleaner.dedupe.buffer.size} default. */
    static final long OFFSET_MAP_BYTES = 128L * 1024 * 1024;
    private static final Logger log = LoggerFactory.getLogger(LogCleaner.class);

    private final LogManagerConfig config;
    private final Supplier<Collection<FileLog>> logs;
    private final Time time;
    private final ConcurrentHashMap<TopicPartition, Long> cleanPoints = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<TopicPartition, Long> deleteHorizons = new ConcurrentHashMap<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Set<TopicPartition> inProgress = new HashSet<>();
    private final Set<TopicPartition> aborting = new HashSet<>();
    private final ReentrantLock checkpointLock = new ReentrantLock();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean stopping;
    private volatile Runnable afterStep = () -> { };

    LogCleaner(LogManagerConfig config, Supplier<Collection<FileLog>> logs, Time time) {
        this.config = config;
        this.logs = logs;
        this.time = time;
    }

    /** Loads the clean points and starts the threads when {@code log.cleaner.enable} is true. */
    void startup() {
        for (Path dir : config.logDirs()) {
            try {
                cleanPoints.putAll(new OffsetCheckpoints(dir, CHECKPOINT).read());
            } catch (IOException e) {
                // Only how far cleaning got is lost: the logs of this directory are cleaned again from their start.
                log.warn("Cannot read the cleaner checkpoint of {}: {}", dir, e.toString());
            }
        }
        if (!config.cleanerEnable()) {
            return;
        }
        for (int i = 0; i < Math.max(1, config.cleanerThreads()); i++) {
            Thread t = new Thread(this::run, "strata-log-cleaner-" + i);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
    }

    private void run() {
        while (!stopping) {
            boolean cleaned = false;
            try {
                cleaned = cleanOnce().isPresent();
            } catch (RuntimeException e) {
                log.warn("Log cleaning failed", e);
            }
            if (!cleaned) {
                lock.lock();
                try {
                    if (!stopping) {
                        changed.await(config.cleanerBackoffMs(), TimeUnit.MILLISECONDS);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                } finally {
                    lock.unlock();
                }
            }
        }
    }

    /** A log chosen for cleaning. */
    private record Candidate(FileLog log, CleaningView view, CleaningPlan plan) {
        double priority() {
            return plan.overdue() ? 2 : plan.dirtyRatio();
        }
    }

    /**
     * Picks the compacted log most in need of cleaning and cleans it in the calling thread.
     *
     * @return the result, or empty when no log needed cleaning or the cleaning was given up or aborted
     */
    Optional<Cleaner.Result> cleanOnce() {
        long now = time.milliseconds();
        Candidate best = null;
        for (FileLog l : logs.get()) {
            Optional<Candidate> c = candidate(l, now);
            if (c.isPresent() && (best == null || c.get().priority() > best.priority())) {
                best = c.get();
            }
        }
        if (best == null) {
            return Optional.empty();
        }
        return clean(best);
    }

    private Optional<Cleaner.Result> clean(Candidate best) {
        long now = time.milliseconds();
        TopicPartition tp = best.log().topicPartition();
        lock.lock();
        try {
            if (stopping || inProgress.contains(tp) || aborting.contains(tp)) {
                return Optional.empty();
            }
            inProgress.add(tp);
        } finally {
            lock.unlock();
        }
        try {
            Cleaner cleaner = new Cleaner(OFFSET_MAP_BYTES, () -> stopping || isAborting(tp), afterStep);
            Optional<Cleaner.Result> result = cleaner.clean(best.log(), best.view(), best.plan(), now);
            result.ifPresent(r -> {
                cleanPoints.put(tp, r.firstDirty());
                deleteHorizons.put(tp, r.deleteHorizonMs());
                writeCheckpoint(best.log().dir().getParent());
            });
            return result;
        } catch (Cleaner.AbortedException e) {
            log.info("Cleaning of {} aborted", tp);
            return Optional.empty();
        } catch (IOException e) {
            throw new org.apache.kafka.common.errors.KafkaStorageException("Cleaning of " + tp + " failed", e);
        } finally {
            lock.lock();
            try {
                inProgress.remove(tp);
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    private Optional<Candidate> candidate(FileLog l, long now) {
        TopicPartition tp = l.topicPartition();
        long truncatedTo = l.maintenance().takeTruncationPoint();
        if (truncatedTo < Long.MAX_VALUE) {
            // Data at or above the truncation point is new: it must be treated as dirty again.
            cleanPoints.computeIfPresent(tp, (k, v) -> Math.min(v, truncatedTo));
        }
        if (!l.config().compact()) {
            return Optional.empty();
        }
        Optional<CleaningView> view = l.maintenance().cleaningView();
        if (view.isEmpty()) {
            return Optional.empty();
        }
        try {
            CleaningPlan plan = CleaningPlan.of(view.get(), cleanPoints.getOrDefault(tp, 0L), now);
            boolean tombstonesDue = deleteHorizons.getOrDefault(tp, Long.MAX_VALUE) <= now
                    && plan.cleanableEnd() > view.get().segments().get(0).baseOffset;
            if (plan.worthCleaning(view.get().config()) || tombstonesDue) {
                return Optional.of(new Candidate(l, view.get(), plan));
            }
        } catch (IOException e) {
            log.warn("Cannot assess {} for cleaning: {}", tp, e.toString());
        }
        return Optional.empty();
    }

    private boolean isAborting(TopicPartition tp) {
        lock.lock();
        try {
            return aborting.contains(tp);
        } finally {
            lock.unlock();
        }
    }

    /** Stops any cleaning of {@code tp} and waits until it has stopped (before the log is deleted). */
    void abortAndWait(TopicPartition tp) {
        lock.lock();
        try {
            aborting.add(tp);
            while (inProgress.contains(tp)) {
                changed.awaitUninterruptibly();
            }
            aborting.remove(tp);
        } finally {
            lock.unlock();
        }
    }

    /** Forgets a deleted log's clean point. */
    void forget(TopicPartition tp, Path logDir) {
        cleanPoints.remove(tp);
        deleteHorizons.remove(tp);
        writeCheckpoint(logDir);
    }

    /** The clean point of {@code tp}, if it was ever cleaned. */
    Optional<Long> cleanPoint(TopicPartition tp) {
        return Optional.ofNullable(cleanPoints.get(tp));
    }

    /** Runs {@code hook} after every file operation of a swap: crash tests copy the directory there. */
    void setAfterStepForTesting(Runnable hook) {
        this.afterStep = hook;
    }

    private void writeCheckpoint(Path logDir) {
        checkpointLock.lock();
        try {
            Map<TopicPartition, Long> entries = new HashMap<>();
            for (FileLog l : logs.get()) {
                Long point = cleanPoints.get(l.topicPartition());
                if (point != null && l.dir().getParent().equals(logDir)) {
                    entries.put(l.topicPartition(), point);
                }
            }
            new OffsetCheckpoints(logDir, CHECKPOINT).write(entries);
        } catch (IOException e) {
            throw new KafkaStorageException("Cannot write the cleaner checkpoint of " + logDir, e);
        } finally {
            checkpointLock.unlock();
        }
    }

    /** Aborts running cleanings and joins the threads. */
    @Override
    public void close() {
        lock.lock();
        try {
            stopping = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        for (Thread t : threads) {
            try {
                t.join(TimeUnit.SECONDS.toMillis(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
