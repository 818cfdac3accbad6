package io.strata.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.strata.server.metrics.BrokerTopicMetrics.Totals;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ThroughputHistoryTest {

    @Test
    void ratesBetweenSamplesKeepTheLastCapacityAndNeverGoNegative() {
        AtomicReference<Totals> counters = new AtomicReference<>(new Totals(0, 0, 0));
        AtomicLong clock = new AtomicLong(10_000);
        ThroughputHistory history = new ThroughputHistory(counters::get, clock::get, 2);
        history.sample();
        assertThat(history.rates()).isEmpty();

        counters.set(new Totals(2_000, 20, 4_000));
        clock.addAndGet(2_000);
        history.sample();
        assertThat(history.rates()).containsExactly(new ThroughputHistory.Rate(12_000, 1_000, 10, 2_000));

        counters.set(new Totals(500, 20, 4_000)); // a deleted topic's counters went away
        clock.addAndGet(1_000);
        history.sample();
        counters.set(new Totals(1_500, 30, 4_000));
        clock.addAndGet(1_000);
        history.sample();
        assertThat(history.rates()).containsExactly(new ThroughputHistory.Rate(13_000, 0, 0, 0),
                new ThroughputHistory.Rate(14_000, 1_000, 10, 0));
    }
}
