package io.strata.server.quota;

import java.util.Arrays;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A rate per second measured over {@code samples} windows of {@code windowMs} each, as Kafka's quota sensors
 * (KIP-13): values are added to the current window; windows older than {@code samples * windowMs} are forgotten; the
 * rate is the sum of the windows divided by the time they span, where a rate measured over less than
 * {@code samples - 1} full windows counts the missing ones as elapsed (so a new client's first burst is spread over
 * the whole span rather than measured as an infinite rate).
 *
 * <p>The clock is the caller's ({@code nowMs} arguments), so tests drive it. Thread-safe: a short lock around
 * arithmetic, never held while waiting.
 */
public final class SampledRate {

    private final int samples;
    private final long windowMs;
    private final double[] values;
    private final long[] starts;
    private int current;
    private final ReentrantLock lock = new ReentrantLock();

    /**
     * @param samples  windows kept ({@code quota.window.num}), at least 1
     * @param windowMs span of each window ({@code quota.window.size.seconds} in ms), at least 1
     * @param nowMs    the time the first window starts
     */
    public SampledRate(int samples, long windowMs, long nowMs) {
        if (samples < 1 || windowMs < 1) {
            throw new IllegalArgumentException("samples and windowMs must be positive");
        }
        this.samples = samples;
        this.windowMs = windowMs;
        this.values = new double[samples];
        this.starts = new long[samples];
        Arrays.fill(starts, nowMs);
    }

    /** Adds {@code value} (bytes, or percent-seconds of request time) at {@code nowMs}; negative undoes a record. */
    public void record(double value, long nowMs) {
        lock.lock();
        try {
            if (nowMs - starts[current] >= windowMs) {
                current = (current + 1) % samples;
                values[current] = 0;
                starts[current] = nowMs;
            }
            values[current] += value;
        } finally {
            lock.unlock();
        }
    }

    /** The rate per second at {@code nowMs}. */
    public double measure(long nowMs) {
        lock.lock();
        try {
            purge(nowMs);
            double total = 0;
            for (double v : values) {
                total += v;
            }
            return total / (windowSizeMs(nowMs) / 1000.0);
        } finally {
            lock.unlock();
        }
    }

    /**
     * How long the client must wait for the rate to come back to {@code bound}: Kafka's
     * {@code (rate - bound) / bound * window span}, zero when the rate is within the bound.
     */
    public long throttleTimeMs(double bound, long nowMs) {
        lock.lock();
        try {
            double rate = measure(nowMs);
            if (rate <= bound) {
                return 0;
            }
            return Math.round((rate - bound) / bound * windowSizeMs(nowMs));
        } finally {
            lock.unlock();
        }
    }

    /** The span the rate is measured over, at least {@code samples - 1} windows. Caller holds the lock. */
    private long windowSizeMs(long nowMs) {
        long oldest = nowMs;
        for (long start : starts) {
            oldest = Math.min(oldest, start);
        }
        long elapsed = nowMs - oldest;
        long fullWindows = elapsed / windowMs;
        if (fullWindows < samples - 1) {
            elapsed += (samples - 1 - fullWindows) * windowMs;
        }
        return Math.max(1, elapsed);
    }

    /** Forgets windows that ended more than {@code samples} windows ago. Caller holds the lock. */
    private void purge(long nowMs) {
        long expireAge = (long) samples * windowMs;
        for (int i = 0; i < samples; i++) {
            if (nowMs - starts[i] >= expireAge) {
                values[i] = 0;
                starts[i] = nowMs;
            }
        }
    }
}
