package io.strata.it;

/**
 * The rate a client held back by a byte-rate quota gets through at, from the bytes it sees go through (acknowledged
 * produce bytes, consumed bytes) as they arrive.
 *
 * <p>Kafka measures a rate over a sliding span of {@code quota.window.num} windows and throttles after the fact, so a
 * client that always has more to send moves in cycles: a new client sends a whole span's worth at once, is held back
 * until its average since its first bytes is down to the quota, is then let go for a burst as old windows leave the
 * span, and so on. Its average since its first bytes is therefore the quota itself each time it is let go, and
 * higher in between: the rate is the lowest such average seen from one span after the first bytes on. {@link #measured}
 * says when that is known: after two and a half spans, which hold at least one whole quota cycle (at most about one
 * and a half spans) after the first span. Not sooner: on a busy host the first cycles are stretched, and a burst seen
 * early says nothing about whether the average has come down to the quota yet.
 *
 * <p>Thread-safe: {@link #add} may be called from a client's callback thread while the test thread reads.
 */
final class HeldRate {

    private final long spanNanos;
    private long firstNanos = -1;
    private long total;
    private double lowest = Double.MAX_VALUE;

    /** @param spanSeconds the quota span, {@code quota.window.num * quota.window.size.seconds} */
    HeldRate(long spanSeconds) {
        this.spanNanos = spanSeconds * 1_000_000_000L;
    }

    /** Counts {@code bytes} that went through now. */
    synchronized void add(long bytes) {
        long now = System.nanoTime();
        if (firstNanos < 0) {
            firstNanos = now;
        } else if (now - firstNanos >= spanNanos) {
            lowest = Math.min(lowest, total / ((now - firstNanos) / 1e9));
        }
        total += bytes;
    }

    /** Whether the rate is known (see the class comment). */
    synchronized boolean measured() {
        return firstNanos >= 0 && System.nanoTime() - firstNanos >= spanNanos * 5 / 2;
    }

    /** The rate in bytes per second: the lowest average since the first bytes, from one span on. */
    synchronized double bytesPerSecond() {
        return lowest;
    }

    /** All bytes counted. */
    synchronized long total() {
        return total;
    }
}
