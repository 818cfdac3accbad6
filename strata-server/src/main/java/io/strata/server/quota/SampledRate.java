package io.strata.server.quota;

import java.util.Arrays;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A rate per second measured over {@code samples} windows of {@code windowMs} each, as Kafka's quota sensors
 * (KIP-13, and Kafka 4's sample keeping): values are added to the current window, which starts with the first value
 * recorded after the previous one has run for {@code windowMs}; a window is forgotten once its last value is
 * {@code samples * windowMs} old, so one that still overlaps the span keeps counting (with its start, the span);
 * one window more than {@code samples} is kept for that reason. The rate is the sum of the windows divided by the
 * time since the oldest one started, where a span of less than {@code samples - 1} full windows counts the missing
 * ones as elapsed (so a new client's first burst is spread over the whole span rather than measured as an infinite
 * rate).
 *
 * <p>The clock is the caller's ({@code nowMs} arguments), so tests drive it. Thread-safe: a short lock around
 * arithmetic, never held while waiting.
 */
public final class SampledRate {

    private final int samples;
    private final long windowMs;
    private final double[] values;
    private final long[] starts;
    private final long[] lastRecords;
    private int current;
    private final ReentrantLock lock = new ReentrantLock();

    /**
     * @param samples  windows measured ({@code quota.window.num}), at least 1
     * @param windowMs span of each window ({@code quota.window.size.seconds} in ms), at least 1
     * @param nowMs    the time the first window starts
     */
    public SampledRate(int samples, long windowMs, long nowMs) {
        if (samples < 1 || windowMs < 1) {
            throw new IllegalArgumentException("samples and windowMs must be positive");
        }
        this.samples = samples;
        this.windowMs = windowMs;
        this.values = new double[samples + 1];
        this.starts = new long[samples + 1];
        this.lastRecords = new long[samples + 1];
        Arrays.fill(starts, nowMs);
        Arrays.fill(lastRecords, nowMs);
    }

    /** Adds {@code value} (bytes, or percent-seconds of request time) at {@code nowMs}; negative undoes a record. */
    public void record(double value, long nowMs) {
        lock.lock();
        try {
            if (nowMs - starts[current] >= windowMs) {
                current = (current + 1) % values.length;
                reset(current, nowMs);
            }
            values[current] += value;
            lastRecords[current] = nowMs;
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

    /** The span the rate is measured over, at least {@code samples - 1} windows. Caller holds the lock, purged. */
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

    /** Forgets windows whose last value is {@code samples} windows old. Caller holds the lock. */
    private void purge(long nowMs) {
        long expireAge = (long) samples * windowMs;
        for (int i = 0; i < values.length; i++) {
            if (nowMs - lastRecords[i] >= expireAge) {
                reset(i, nowMs);
            }
        }
    }

    private void reset(int window, long nowMs) {
        values[window] = 0;
        starts[window] = nowMs;
        lastRecords[window] = nowMs;
    }
}
