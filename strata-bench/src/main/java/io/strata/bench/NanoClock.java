package io.strata.bench;

import java.util.concurrent.locks.LockSupport;

/**
 * The monotonic clock a load generator paces itself by, injectable so that the pacing logic can be tested
 * without sleeping. Implementations are thread-safe.
 */
interface NanoClock {

    /** The system clock: {@link System#nanoTime()}, waiting by parking the calling (possibly virtual) thread. */
    NanoClock SYSTEM = new NanoClock() {
        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public void sleepUntil(long deadlineNanos) throws InterruptedException {
            long wait;
            while ((wait = deadlineNanos - System.nanoTime()) > 0) {
                LockSupport.parkNanos(wait);
                if (Thread.interrupted()) {
                    throw new InterruptedException();
                }
            }
        }
    };

    /** The current time in nanoseconds, comparable only with other values of the same clock. */
    long nanoTime();

    /** Returns once {@link #nanoTime()} has reached {@code deadlineNanos}; at once if it already has. */
    void sleepUntil(long deadlineNanos) throws InterruptedException;
}
