package io.strata.server.quota;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class SampledRateTest {

    @Test
    void aFirstBurstIsSpreadOverTheWholeSpan() {
        SampledRate rate = new SampledRate(11, 1000, 0);
        rate.record(10_000, 0);
        // Fewer than samples - 1 full windows: the missing ones count as elapsed (10 s).
        assertThat(rate.measure(0)).isCloseTo(1000, within(0.01));
        assertThat(rate.measure(500)).isCloseTo(10_000 / 10.5, within(0.01)); // 0.5 s elapsed plus 10 windows
    }

    @Test
    void steadyRateIsMeasuredOverTheLastWindows() {
        SampledRate rate = new SampledRate(11, 1000, 0);
        for (long t = 0; t < 60_000; t += 100) {
            rate.record(100, t); // 1,000 per second
        }
        assertThat(rate.measure(59_999)).isCloseTo(1000, within(20.0));
    }

    @Test
    void oldWindowsAreForgotten() {
        SampledRate rate = new SampledRate(11, 1000, 0);
        rate.record(1_000_000, 0);
        assertThat(rate.measure(11_000)).isZero();
    }

    @Test
    void throttleTimeBringsTheRateBackToTheBound() {
        SampledRate rate = new SampledRate(11, 1000, 0);
        rate.record(20_000, 0); // 2,000/s over the 10 s span: twice a bound of 1,000
        long throttleMs = rate.throttleTimeMs(1000, 0);
        assertThat(throttleMs).isEqualTo(10_000); // (2000 - 1000) / 1000 * 10 s
        assertThat(rate.throttleTimeMs(2000, 0)).isZero();
    }

    @Test
    void aNegativeRecordUndoesOne() {
        SampledRate rate = new SampledRate(11, 1000, 0);
        rate.record(5000, 100);
        rate.record(-5000, 200);
        assertThat(rate.measure(300)).isZero();
    }

    @Test
    void aBackloggedClientThatWaitsOutItsThrottleTimeIsHeldToTheBound() {
        // A client that sends 256 KB whenever it may (as a producer with a backlog does), against 1 MB/s.
        SampledRate rate = new SampledRate(11, 1000, 0);
        double bound = 1_048_576;
        long now = 0;
        double sent = 0;
        long fromMs = -1;
        double sentBefore = 0;
        while (now < 300_000) {
            if (fromMs < 0 && now >= 60_000) { // measured past the first span's burst and the quiet after it
                fromMs = now;
                sentBefore = sent;
            }
            rate.record(262_144, now);
            sent += 262_144;
            now += rate.throttleTimeMs(bound, now) + 5; // the round trip before its next request
        }
        assertThat((sent - sentBefore) / ((now - fromMs) / 1000.0)).isBetween(bound * 0.95, bound * 1.05);
    }
}
