package io.strata.server.cluster;

import java.util.concurrent.locks.LockSupport;

/**
 * Parks one request's thread until something it watches changes: the partitions it registered with
 * ({@link Partition#watch}) call {@link #wake} when their log end, high watermark, log start or role moves.
 *
 * <p>Created by the waiting thread and awaited only by it; {@link #wake} may be called from any thread. A wake
 * that arrives before {@link #await} is not lost: the next {@code await} returns at once. This replaces a
 * node-wide notifier, so an append wakes only the requests that watch its partition (Kafka's purgatory keys
 * delayed operations by partition the same way).
 */
public final class Wakeup {

    private final Thread owner = Thread.currentThread();
    private volatile boolean woken;

    /** Marks this wake-up as fired and unparks its owner. */
    public void wake() {
        woken = true;
        LockSupport.unpark(owner);
    }

    /**
     * Waits until {@link #wake} has been called since the last successful await, or until {@code deadlineNanos}
     * ({@link System#nanoTime}) passes. Must be called by the thread that created this wake-up.
     *
     * @return true if woken, false if the deadline passed first
     * @throws InterruptedException if the owner is interrupted while waiting
     */
    public boolean await(long deadlineNanos) throws InterruptedException {
        while (!woken) {
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
            long remaining = deadlineNanos - System.nanoTime();
            if (remaining <= 0) {
                return false;
            }
            LockSupport.parkNanos(this, remaining);
        }
        woken = false;
        return true;
    }
}
