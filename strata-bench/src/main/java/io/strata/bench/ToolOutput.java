package io.strata.bench;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parsers of the summary lines printed by Kafka's perf tools and by {@link E2eLatency}. Each returns empty when
 * the output holds no summary (the tool failed or was cut short), never a made-up value. Stateless.
 */
public final class ToolOutput {

    /** Throughput and latency (milliseconds) of one ProducerPerformance run. */
    public record ProducerSummary(long records, double recordsPerSec, double mbPerSec, double avgMs, double p50Ms,
                                  double p99Ms, double p999Ms, double maxMs) {
    }

    /**
     * One ConsumerPerformance run: totals, and the fetch-phase rates that exclude the group join
     * ({@code rebalance.time.ms}).
     */
    public record ConsumerSummary(double mb, long records, double fetchMbPerSec, double fetchRecordsPerSec,
                                  long joinMs, long fetchMs) {
    }

    /** End-to-end latency in microseconds, from {@link E2eLatency}. */
    public record LatencySummary(long records, double recordsPerSec, double avgUs, long p50Us, long p99Us,
                                 long p999Us, long maxUs) {
    }

    /** One {@link WireLoad} run; latencies in microseconds (round trips, or from the schedule with a rate). */
    public record WireSummary(long records, long bytes, double recordsPerSec, double mibPerSec, long p50Us,
                              long p99Us, long p999Us) {
    }

    // "N records sent, R records/sec (M MB/sec), A ms avg latency, X ms max latency, P ms 50th, P ms 95th,
    //  P ms 99th, P ms 99.9th."
    private static final Pattern PRODUCER = Pattern.compile(
            "(\\d+) records sent, ([\\d.]+) records/sec \\(([\\d.]+) MB/sec\\), ([\\d.]+) ms avg latency, "
                    + "([\\d.]+) ms max latency, ([\\d.]+) ms 50th, [\\d.]+ ms 95th, ([\\d.]+) ms 99th, "
                    + "([\\d.]+) ms 99\\.9th");
    // start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms,
    // fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec
    private static final Pattern CONSUMER = Pattern.compile(
            "^\\d{4}-\\d\\d-\\d\\d [\\d:]+, \\d{4}-\\d\\d-\\d\\d [\\d:]+, ([\\d.]+), [\\d.]+, (\\d+), [\\d.]+, "
                    + "(-?\\d+), (-?\\d+), ([\\d.]+|NaN|Infinity), ([\\d.]+|NaN|Infinity)\\s*$",
            Pattern.MULTILINE);
    private static final Pattern LATENCY = Pattern.compile(
            "E2E_US n=(\\d+) rate=([\\d.]+) avg=([\\d.]+) p50=(\\d+) p99=(\\d+) p999=(\\d+) max=(\\d+)");

    private static final Pattern WIRE = Pattern.compile(
            "WIRE records=(\\d+) bytes=(\\d+) secs=[\\d.]+ rate=([\\d.]+) mibps=([\\d.]+) p50=(-?\\d+) "
                    + "p99=(-?\\d+) p999=(-?\\d+)");

    private ToolOutput() {
    }

    /** The last summary line of ProducerPerformance output (it prints per-window lines before). */
    public static Optional<ProducerSummary> producer(String output) {
        Matcher m = PRODUCER.matcher(output);
        ProducerSummary last = null;
        while (m.find()) {
            last = new ProducerSummary(Long.parseLong(m.group(1)), d(m.group(2)), d(m.group(3)), d(m.group(4)),
                    d(m.group(6)), d(m.group(7)), d(m.group(8)), d(m.group(5)));
        }
        return Optional.ofNullable(last);
    }

    /** The data line of ConsumerPerformance output run with {@code --hide-header}. */
    public static Optional<ConsumerSummary> consumer(String output) {
        Matcher m = CONSUMER.matcher(output);
        ConsumerSummary last = null;
        while (m.find()) {
            last = new ConsumerSummary(d(m.group(1)), Long.parseLong(m.group(2)), d(m.group(5)), d(m.group(6)),
                    Long.parseLong(m.group(3)), Long.parseLong(m.group(4)));
        }
        return Optional.ofNullable(last);
    }

    /** The summary line of {@link E2eLatency}. */
    public static Optional<LatencySummary> latency(String output) {
        Matcher m = LATENCY.matcher(output);
        LatencySummary last = null;
        while (m.find()) {
            last = new LatencySummary(Long.parseLong(m.group(1)), d(m.group(2)), d(m.group(3)),
                    Long.parseLong(m.group(4)), Long.parseLong(m.group(5)), Long.parseLong(m.group(6)),
                    Long.parseLong(m.group(7)));
        }
        return Optional.ofNullable(last);
    }

    /** The summary line of {@link WireLoad}. */
    public static Optional<WireSummary> wire(String output) {
        Matcher m = WIRE.matcher(output);
        WireSummary last = null;
        while (m.find()) {
            last = new WireSummary(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), d(m.group(3)),
                    d(m.group(4)), Long.parseLong(m.group(5)), Long.parseLong(m.group(6)), Long.parseLong(m.group(7)));
        }
        return Optional.ofNullable(last);
    }

    private static double d(String s) {
        return Double.parseDouble(s);
    }
}
