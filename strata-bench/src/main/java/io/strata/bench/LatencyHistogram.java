package io.strata.bench;

import org.HdrHistogram.Histogram;

/**
 * A latency distribution in nanoseconds, kept in an HdrHistogram with three significant digits (0.1 % value
 * precision, any range: it resizes), so that a run of any length keeps every sample and every figure the bench
 * prints uses one percentile definition, HdrHistogram's: the percentile {@code q} is the smallest recorded value
 * (to the histogram's precision) that at least {@code q} % of the samples do not exceed.
 *
 * <p>Not thread-safe: one writer at a time. Threads that measure in parallel each keep their own histogram and
 * {@link #add} them once they have finished (after {@link Thread#join()}).
 */
final class LatencyHistogram {

    private static final int SIGNIFICANT_DIGITS = 3;

    /**
     * The figures the tools print, in nanoseconds; all zero when nothing was recorded.
     *
     * @param count      samples recorded
     * @param meanNanos  arithmetic mean
     * @param p50Nanos   median
     * @param p99Nanos   99th percentile
     * @param p999Nanos  99.9th percentile
     * @param maxNanos   largest sample (to the histogram's precision)
     */
    record Percentiles(long count, double meanNanos, long p50Nanos, long p99Nanos, long p999Nanos, long maxNanos) {

        static long micros(long nanos) {
            return nanos / 1_000;
        }
    }

    private final Histogram histogram = new Histogram(SIGNIFICANT_DIGITS);

    /** Records one latency; a negative value (a clock step) counts as zero rather than being lost. */
    void recordNanos(long nanos) {
        histogram.recordValue(Math.max(0, nanos));
    }

    /** Adds every sample of {@code other}, which must no longer be written to. */
    void add(LatencyHistogram other) {
        histogram.add(other.histogram);
    }

    long count() {
        return histogram.getTotalCount();
    }

    /** The value at percentile {@code percentile} (0-100), HdrHistogram's definition; 0 when empty. */
    long percentileNanos(double percentile) {
        return count() == 0 ? 0 : histogram.getValueAtPercentile(percentile);
    }

    Percentiles percentiles() {
        if (count() == 0) {
            return new Percentiles(0, 0, 0, 0, 0, 0);
        }
        return new Percentiles(count(), histogram.getMean(), percentileNanos(50), percentileNanos(99),
                percentileNanos(99.9), histogram.getMaxValue());
    }
}
