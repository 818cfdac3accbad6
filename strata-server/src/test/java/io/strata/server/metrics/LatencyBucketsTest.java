package io.strata.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.model.snapshots.ClassicHistogramBucket;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot.HistogramDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class LatencyBucketsTest {

    private final LatencyBuckets buckets = new LatencyBuckets(new double[] {1, 2.5, 10});

    private static List<Long> counts(HistogramDataPointSnapshot s) {
        List<Long> out = new ArrayList<>();
        for (ClassicHistogramBucket b : s.getClassicBuckets()) {
            out.add(b.getCount());
        }
        return out;
    }

    @Test
    void aValueOnABoundGoesInThatBucketAndLargerOnesInfinity() {
        buckets.observe(1_000_000);     // 1 ms: le=1
        buckets.observe(1_000_001);     // just over: le=2.5
        buckets.observe(10_000_000);    // le=10
        buckets.observe(60_000_000_000L); // a minute: +Inf
        buckets.observe(-5);            // a clock step: 0, le=1

        HistogramDataPointSnapshot s = buckets.snapshot(Labels.of("request", "Produce"));
        assertThat(counts(s)).containsExactly(2L, 1L, 1L, 1L);
        assertThat(s.getClassicBuckets().getUpperBound(3)).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(s.getCount()).isEqualTo(5);
        assertThat(buckets.count()).isEqualTo(5);
        assertThat(s.getSum()).isEqualTo(1 + 1.000001 + 10 + 60_000.0);
        assertThat(s.getLabels().get("request")).isEqualTo("Produce");
    }

    @Test
    void concurrentObservationsAreAllCounted() throws Exception {
        int threads = 4;
        int each = 50_000;
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> running = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            running.add(Thread.ofPlatform().start(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
                for (int i = 0; i < each; i++) {
                    buckets.observe(2_000_000);
                }
            }));
        }
        start.countDown();
        for (Thread t : running) {
            t.join();
        }
        HistogramDataPointSnapshot s = buckets.snapshot(Labels.EMPTY);
        assertThat(counts(s)).containsExactly(0L, (long) threads * each, 0L, 0L);
        assertThat(s.getSum()).isEqualTo(2.0 * threads * each);
    }
}
