package io.strata.storage;

/**
 * Where a log hands work that must not run on the caller's thread: deleting files after a delay, flushing a segment
 * after a roll. Implementations must be thread-safe; tasks must tolerate running after the log closed.
 */
@FunctionalInterface
interface BackgroundTasks {
    void schedule(String name, Runnable task, long delayMs);
}
