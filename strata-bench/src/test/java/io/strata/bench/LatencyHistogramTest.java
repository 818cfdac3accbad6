package io.strata.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.withinPercentage;

import org.junit.jupiter.api.Test;

class LatencyHistogramTest {

    private static final long US = 1_000L;

    @Test
    void percentilesAreTheSmallestValuesThatTheGivenShareOfSamplesDoNotExceed() {
        LatencyHistogram h = new LatencyHistogram();
        for (int i = 1; i <= 1000; i++) {
            h.recordNanos(i * US); // 1..1000 us
        }

        LatencyHistogram.Percentiles p = h.percentiles();

        assertThat(p.count()).isEqualTo(1000);
        assertThat(p.meanNanos()).isCloseTo(500.5 * US, withinPercentage(0.1));
        assertThat(p.p50Nanos()).isCloseTo(500 * US, withinPercentage(0.1));
        assertThat(p.p99Nanos()).isCloseTo(990 * US, withinPercentage(0.1));
        assertThat(p.p999Nanos()).isCloseTo(999 * US, withinPercentage(0.1));
        assertThat(p.maxNanos()).isCloseTo(1000 * US, withinPercentage(0.1));
        assertThat(LatencyHistogram.Percentiles.micros(p.p50Nanos())).isBetween(500L, 501L);
    }

    @Test
    void oneSlowSampleInAThousandIsThe999thPercentileButNotThe99th() {
        LatencyHistogram h = new LatencyHistogram();
        for (int i = 0; i < 999; i++) {
            h.recordNanos(100 * US);
        }
        h.recordNanos(5_000_000 * US); // a five-second stall

        assertThat(h.percentileNanos(99)).isCloseTo(100 * US, withinPercentage(0.1));
        assertThat(h.percentileNanos(99.9)).isCloseTo(100 * US, withinPercentage(0.1));
        assertThat(h.percentileNanos(100)).isCloseTo(5_000_000 * US, withinPercentage(0.1));
    }

    @Test
    void keepsEverySamplePastTheOldSampleArraysBound() {
        LatencyHistogram h = new LatencyHistogram();
        int n = (1 << 20) + 5; // WireLoad's fetch path overwrote its samples from here on
        for (int i = 0; i < n; i++) {
            h.recordNanos(i < (1 << 20) ? 10 * US : 900_000 * US);
        }

        assertThat(h.count()).isEqualTo(n);
        assertThat(h.percentiles().maxNanos()).isCloseTo(900_000 * US, withinPercentage(0.1));
    }

    @Test
    void mergedHistogramsHoldTheSamplesOfAll() {
        LatencyHistogram a = new LatencyHistogram();
        LatencyHistogram b = new LatencyHistogram();
        for (int i = 0; i < 50; i++) {
            a.recordNanos(1 * US);
            b.recordNanos(3 * US);
        }
        b.recordNanos(-7); // a clock that stepped back counts as zero, not as a lost sample

        a.add(b);

        assertThat(a.count()).isEqualTo(101);
        assertThat(a.percentileNanos(25)).isCloseTo(1 * US, withinPercentage(0.1));
        assertThat(a.percentileNanos(75)).isCloseTo(3 * US, withinPercentage(0.1));
        assertThat(a.percentileNanos(0)).isZero();
    }

    @Test
    void anEmptyHistogramReportsZeros() {
        assertThat(new LatencyHistogram().percentiles())
                .isEqualTo(new LatencyHistogram.Percentiles(0, 0, 0, 0, 0, 0));
    }
}
