package io.strata.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.withinPercentage;

import org.junit.jupiter.api.Test;

class PacingTest {

    private static final long MS = 1_000_000L;

    @Test
    void aFixedRateSendIsDueOnItsScheduleAndItsLatencyCountsFromThere() throws Exception {
        ManualClock clock = new ManualClock(5_000 * MS);
        Pacing pacing = Pacing.of(1000, clock);

        assertThat(pacing).isInstanceOf(Pacing.FixedRate.class);
        assertThat(pacing.awaitSend(0)).isEqualTo(5_000 * MS);
        assertThat(pacing.awaitSend(1)).isEqualTo(5_001 * MS);
        assertThat(clock.nanoTime()).isEqualTo(5_001 * MS); // it waited for the slot
        assertThat(pacing.latencyOrigin(5_001 * MS, 5_003 * MS)).isEqualTo(5_001 * MS);
    }

    @Test
    void aSenderThatFellBehindSendsAtOnceButKeepsTheScheduledTimes() throws Exception {
        ManualClock clock = new ManualClock(0);
        Pacing pacing = Pacing.of(1000, clock);
        pacing.awaitSend(0);
        clock.advance(50 * MS); // the sender was held up for 50 ms

        long due = pacing.awaitSend(10);

        assertThat(due).isEqualTo(10 * MS);
        assertThat(clock.nanoTime()).isEqualTo(50 * MS); // no waiting: the slot is long past
    }

    @Test
    void asFastAsPossibleHasNoScheduleAndMeasuresTheRoundTrip() throws Exception {
        ManualClock clock = new ManualClock(42);
        Pacing pacing = Pacing.of(0, clock);

        assertThat(pacing).isInstanceOf(Pacing.AsFastAsPossible.class);
        assertThat(pacing.awaitSend(1_000)).isEqualTo(42);
        assertThat(clock.sleptUntil).isEmpty();
        assertThat(pacing.latencyOrigin(42, 99)).isEqualTo(99);
    }

    @Test
    void aStallCountsAgainstEveryRequestItDelayedNotJustOne() throws Exception {
        // A server that answers in 1 ms, except that it stalls for 100 ms once; 1000 requests at 1000/s, one at a
        // time (a closed loop: the next request goes out when the previous answer is in and its slot has come).
        LatencyHistogram fixedRate = simulate(1000);
        LatencyHistogram roundTrip = simulate(0);

        // From the schedule: the ~100 requests due during the stall waited for it, so the 95th percentile sees it.
        assertThat(fixedRate.percentileNanos(95)).isGreaterThan(10 * MS);
        assertThat(fixedRate.percentileNanos(100)).isCloseTo(101 * MS, withinPercentage(0.1));
        // From the actual send: a single slow sample, invisible below the 99.9th percentile.
        assertThat(roundTrip.percentileNanos(99)).isCloseTo(1 * MS, withinPercentage(0.1));
        assertThat(roundTrip.percentileNanos(100)).isCloseTo(101 * MS, withinPercentage(0.1));
    }

    private static LatencyHistogram simulate(double rate) throws InterruptedException {
        ManualClock manual = new ManualClock(0);
        Pacing pacing = Pacing.of(rate, manual);
        LatencyHistogram h = new LatencyHistogram();
        for (int i = 0; i < 1000; i++) {
            long due = pacing.awaitSend(i);
            long origin = pacing.latencyOrigin(due, manual.nanoTime());
            manual.advance(i == 200 ? 101 * MS : 1 * MS);
            h.recordNanos(manual.nanoTime() - origin);
        }
        return h;
    }

    @Test
    void aNegativeRateIsRefused() {
        assertThatThrownBy(() -> Pacing.of(-1, new ManualClock(0))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Pacing.FixedRate(new ManualClock(0), 0, 0))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
