package io.strata.storage;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The log manager's background threads: periodic tasks ({@link #every}) and one-off ones ({@link #schedule}, the
 * {@link BackgroundTasks} of its logs) on two daemon threads; a task that fails is logged, never propagated. File
 * deletions, the tasks named {@code delete ...}, are never dropped, so that no file outlives its manager: those
 * still waiting run at {@link #close}, and those scheduled after it run at once on the caller's thread.
 *
 * <p>Thread-safe.
 */
final class LogScheduler implements BackgroundTasks {
    private static final Logger log = LoggerFactory.getLogger(LogScheduler.class);

    private final ScheduledThreadPoolExecutor executor;
    /** File deletions not yet run; run at close so that no handle outlives the manager. */
    private final Set<Runnable> pendingDeletions = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    LogScheduler() {
        AtomicInteger threads = new AtomicInteger();
        this.executor = new ScheduledThreadPoolExecutor(2, r -> {
            Thread t = new Thread(r, "strata-log-scheduler-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        executor.setRemoveOnCancelPolicy(true);
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    }

    @Override
    public void schedule(String name, Runnable task, long delayMs) {
        boolean deletion = name.startsWith("delete");
        Runnable[] self = new Runnable[1];
        self[0] = () -> {
            if (pendingDeletions.remove(self[0]) || !deletion) {
                runQuietly(name, task);
            }
        };
        if (deletion) {
            pendingDeletions.add(self[0]);
        }
        if (closed) {
            if (deletion) {
                self[0].run();
            }
            return;
        }
        try {
            executor.schedule(self[0], Math.max(0, delayMs), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            if (deletion) {
                self[0].run();
            }
        }
    }

    /** Runs {@code task} every {@code intervalMs} after the previous run ended; never for a disabled interval. */
    void every(long intervalMs, String name, Runnable task) {
        if (intervalMs > 0 && intervalMs < Long.MAX_VALUE / 2) {
            executor.scheduleWithFixedDelay(() -> runQuietly(name, task), intervalMs, intervalMs,
                    TimeUnit.MILLISECONDS);
        }
    }

    /**
     * Drops delayed and periodic tasks, waits for the running ones to finish, then runs the file deletions still
     * waiting. Later deletions run at once.
     */
    void close() {
        stop();
        for (Runnable deletion : Set.copyOf(pendingDeletions)) {
            deletion.run();
        }
    }

    /** {@link #close} without the waiting deletions, as a crash leaves them (tests). */
    void crashForTesting() {
        stop();
    }

    private void stop() {
        closed = true;
        // Not shutdownNow: an interrupt would close the file channel of a segment being flushed, and the failed
        // fsync would take its directory offline.
        executor.shutdown();
        try {
            executor.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void runQuietly(String name, Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            log.warn("Background task '{}' failed", name, e);
        }
    }
}
