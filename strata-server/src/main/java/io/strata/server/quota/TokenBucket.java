package io.strata.server.quota;

import java.util.concurrent.locks.ReentrantLock;

/**
 * The controller mutation quota's token bucket (KIP-599): it holds at most {@code bound * samples * windowSeconds}
 * tokens (the burst), refills at {@code bound} tokens per second, and each created or deleted partition takes one.
 * A bucket below zero is exceeded; the throttle time is how long it takes to refill to zero.
 *
 * <p>The clock is the caller's. Thread-safe.
 */
public final class TokenBucket {

    private final int samples;
    private final long windowMs;
    private final ReentrantLock lock = new ReentrantLock();
    private double tokens = Double.NaN;
    private long lastMs;

    public TokenBucket(int samples, long windowMs, long nowMs) {
        this.samples = samples;
        this.windowMs = windowMs;
        this.lastMs = nowMs;
    }

    /** Takes {@code value} tokens at {@code nowMs} under {@code bound} (partitions per second). */
    public void record(double value, double bound, long nowMs) {
        lock.lock();
        try {
            refill(bound, nowMs);
            tokens -= value;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The time until the bucket is back at zero; zero when it is not below. While it is not zero, strict requests
     * are refused (THROTTLING_QUOTA_EXCEEDED).
     */
    public long throttleTimeMs(double bound, long nowMs) {
        lock.lock();
        try {
            refill(bound, nowMs);
            return tokens >= 0 ? 0 : (long) Math.ceil(-tokens / bound * 1000);
        } finally {
            lock.unlock();
        }
    }

    private void refill(double bound, long nowMs) {
        double burst = bound * samples * windowMs / 1000.0;
        if (Double.isNaN(tokens)) {
            tokens = burst;
        }
        tokens = Math.min(burst, tokens + bound * Math.max(0, nowMs - lastMs) / 1000.0);
        lastMs = Math.max(lastMs, nowMs);
    }
}
