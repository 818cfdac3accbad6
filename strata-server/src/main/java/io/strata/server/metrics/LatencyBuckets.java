package io.strata.server.metrics;

import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot.HistogramDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import java.util.concurrent.atomic.LongAdder;

/**
 * A classic histogram of durations, made for the request path: an observation is a short scan of the bucket
 * bounds and two {@link LongAdder} increments, with no lock, no allocation and no scrape coordination. The
 * Prometheus client's own histogram buffers observations during a scrape to keep count, buckets and sum exactly
 * consistent; here a scrape that races an observation may see its bucket and not yet its time in the sum, which no
 * rate or quantile computed from the series notices. The count is the buckets' total, so {@code _count} always
 * equals the {@code +Inf} bucket.
 *
 * <p>Thread-safe.
 */
final class LatencyBuckets {

    private final long[] boundsNanos;
    private final double[] boundsMs;
    /** One per bound, then the {@code +Inf} bucket; not cumulative. */
    private final LongAdder[] counts;
    private final LongAdder sumNanos = new LongAdder();

    /** @param boundsMs the buckets' upper bounds in milliseconds, ascending, {@code +Inf} left out */
    LatencyBuckets(double[] boundsMs) {
        this.boundsNanos = new long[boundsMs.length];
        this.boundsMs = new double[boundsMs.length + 1];
        for (int i = 0; i < boundsMs.length; i++) {
            boundsNanos[i] = (long) (boundsMs[i] * 1e6);
            this.boundsMs[i] = boundsMs[i];
        }
        this.boundsMs[boundsMs.length] = Double.POSITIVE_INFINITY;
        this.counts = new LongAdder[boundsMs.length + 1];
        for (int i = 0; i < counts.length; i++) {
            counts[i] = new LongAdder();
        }
    }

    /** Records one duration; negative ones (a clock step) count as zero. */
    void observe(long nanos) {
        long value = Math.max(0, nanos);
        int i = 0;
        while (i < boundsNanos.length && value > boundsNanos[i]) {
            i++;
        }
        counts[i].increment();
        sumNanos.add(value);
    }

    /** Observations so far. */
    long count() {
        long n = 0;
        for (LongAdder c : counts) {
            n += c.sum();
        }
        return n;
    }

    /** The histogram now, in milliseconds, as one data point labelled {@code labels}. */
    HistogramDataPointSnapshot snapshot(Labels labels) {
        long[] now = new long[counts.length];
        for (int i = 0; i < now.length; i++) {
            now[i] = counts[i].sum();
        }
        return HistogramDataPointSnapshot.builder().labels(labels)
                .classicHistogramBuckets(ClassicHistogramBuckets.of(boundsMs, now))
                .sum(sumNanos.sum() / 1e6).build();
    }
}
