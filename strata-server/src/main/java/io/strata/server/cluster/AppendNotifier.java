package io.strata.server.cluster;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Wakes fetches that are long-polling for data: every append (or high-watermark move) bumps a sequence number,
 * and waiters sleep until it changes or their deadline passes.
 *
 * <p>Thread-safe. The lock is held only to read or bump the sequence, never across I/O.
 */
public final class AppendNotifier {

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private long sequence;

    /** The current sequence, to pass to {@link #awaitChange} after reading. */
    public long sequence() {
        lock.lock();
        try {
            return sequence;
        } finally {
            lock.unlock();
        }
    }

    public void notifyAppend() {
        lock.lock();
        try {
            sequence++;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Waits until the sequence differs from {@code seen} or {@code deadlineNanos} (System.nanoTime) passes. */
    public void awaitChange(long seen, long deadlineNanos) throws InterruptedException {
        lock.lock();
        try {
            while (sequence == seen) {
                long remaining = deadlineNanos - System.nanoTime();
                if (remaining <= 0) {
                    return;
                }
                changed.awaitNanos(remaining);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Convenience for tests and callers holding a timeout in milliseconds. */
    public void awaitChange(long seen, long timeout, TimeUnit unit) throws InterruptedException {
        awaitChange(seen, System.nanoTime() + unit.toNanos(timeout));
    }
}
