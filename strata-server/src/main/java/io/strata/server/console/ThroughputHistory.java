package io.strata.server.console;

import io.strata.server.metrics.BrokerTopicMetrics.Totals;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The node's recent throughput for the console's sparkline: rates between consecutive samples of the broker's own
 * counters ({@code BytesInPerSec}, {@code MessagesInPerSec}, {@code BytesOutPerSec} summed over topics), the last
 * {@code capacity} of them. A counter that went down (a deleted topic's counters are dropped) counts as a rate of 0.
 *
 * <p>Thread-safe: {@link #sample} runs on a timer, {@link #rates} on HTTP threads; both take the object's monitor
 * for a few arithmetic operations only, never around anything that blocks.
 */
final class ThroughputHistory {

    /** The rates over one interval, per second. */
    record Rate(long timeMs, double bytesIn, double messagesIn, double bytesOut) {
        Map<String, Object> json() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("time", timeMs);
            m.put("bytesIn", Math.round(bytesIn));
            m.put("messagesIn", Math.round(messagesIn));
            m.put("bytesOut", Math.round(bytesOut));
            return m;
        }
    }

    private final Supplier<Totals> counters;
    private final LongSupplier clockMs;
    private final int capacity;
    private final ArrayDeque<Rate> rates = new ArrayDeque<>();
    private Totals last;
    private long lastMs;

    ThroughputHistory(Supplier<Totals> counters, LongSupplier clockMs, int capacity) {
        this.counters = counters;
        this.clockMs = clockMs;
        this.capacity = capacity;
    }

    /** Reads the counters and records the rate since the previous sample. */
    synchronized void sample() {
        Totals now = counters.get();
        long nowMs = clockMs.getAsLong();
        if (last != null && nowMs > lastMs) {
            double seconds = (nowMs - lastMs) / 1000.0;
            rates.addLast(new Rate(nowMs, rate(last.bytesIn(), now.bytesIn(), seconds),
                    rate(last.messagesIn(), now.messagesIn(), seconds),
                    rate(last.bytesOut(), now.bytesOut(), seconds)));
            while (rates.size() > capacity) {
                rates.removeFirst();
            }
        }
        last = now;
        lastMs = nowMs;
    }

    private static double rate(long before, long after, double seconds) {
        return Math.max(0, after - before) / seconds;
    }

    /** The recorded rates, oldest first. */
    synchronized List<Rate> rates() {
        return new ArrayList<>(rates);
    }
}
