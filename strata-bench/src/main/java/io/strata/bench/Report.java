package io.strata.bench;

import io.strata.server.json.Json;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.ToDoubleFunction;

/**
 * Formats the results of a compare run as text tables (one per case, with the Strata/Kafka ratio of the
 * per-broker medians) or as JSON. Only numbers that were measured are printed; a case without numbers shows its
 * reason. Stateless.
 */
public final class Report {

    /** The results of one case, every run on both brokers. */
    public record CaseResult(BenchCase benchCase, List<Sample> samples) {
    }

    /** Facts about the run printed above the tables. */
    public record Context(String date, String command, String host, String java, String kafkaVersion,
                          String loadAtStart, String loadAtEnd, double otherPctOverall, List<String> notes) {
    }

    private static final String[] HEADER = {"broker", "run", "rec/s", "MiB/s", "p50_ms", "p99_ms", "p99.9_ms",
        "cpu_s/MiB", "peak_rss_MiB", "client_cpu_s", "other%"};

    private Report() {
    }

    public static String table(Context ctx, List<CaseResult> results) {
        StringBuilder sb = new StringBuilder();
        sb.append("# strata-bench compare  ").append(ctx.date()).append('\n');
        sb.append("# command: ").append(ctx.command()).append('\n');
        sb.append("# host: ").append(ctx.host()).append("; ").append(ctx.java()).append("; Apache Kafka ")
                .append(ctx.kafkaVersion()).append(" broker and tools\n");
        sb.append("# machine load: loadavg ").append(ctx.loadAtStart()).append(" at start, ").append(ctx.loadAtEnd())
                .append(" at end; other processes used ").append(fmt(ctx.otherPctOverall(), 0))
                .append("% of all cores over the run\n");
        for (String note : ctx.notes()) {
            sb.append("# ").append(note).append('\n');
        }
        for (CaseResult r : results) {
            BenchCase c = r.benchCase();
            sb.append('\n').append("== ").append(c.id()).append("  (").append(describe(c)).append(")\n");
            sb.append(columns(sampleRows(r.samples())));
        }
        return sb.toString();
    }

    /** The header, a row per sample (its numbers or its reason) and the strata/kafka ratio row of one case. */
    static List<String[]> sampleRows(List<Sample> samples) {
        List<String[]> rows = new ArrayList<>();
        rows.add(HEADER);
        for (Sample s : samples) {
            rows.add(s.metrics().map(m -> new String[] {s.broker(), Integer.toString(s.run()),
                fmt(m.recordsPerSec(), 0), fmt(m.mbPerSec(), 1), fmt(m.p50Ms(), 3), fmt(m.p99Ms(), 3),
                fmt(m.p999Ms(), 3), fmt(m.cpuSecPerMb(), 4), fmt(m.peakRssMb(), 0), fmt(m.clientCpuSec(), 1),
                fmt(m.otherPct(), 0)})
                    .orElse(new String[] {s.broker(), Integer.toString(s.run()), s.reason().orElse("?")}));
        }
        rows.add(ratioRow(samples));
        return rows;
    }

    /** strata/kafka of the medians, or n/a when either broker has no numbers for the case. */
    static String[] ratioRow(List<Sample> samples) {
        List<Sample.Metrics> kafka = metrics(samples, "kafka");
        List<Sample.Metrics> strata = metrics(samples, "strata");
        if (kafka.isEmpty() || strata.isEmpty()) {
            return new String[] {"strata/kafka", "", "n/a"};
        }
        List<ToDoubleFunction<Sample.Metrics>> cols = List.of(Sample.Metrics::recordsPerSec,
                Sample.Metrics::mbPerSec, Sample.Metrics::p50Ms, Sample.Metrics::p99Ms, Sample.Metrics::p999Ms,
                Sample.Metrics::cpuSecPerMb, Sample.Metrics::peakRssMb);
        String[] row = new String[HEADER.length];
        Arrays.fill(row, "");
        row[0] = "strata/kafka";
        row[1] = "median";
        for (int i = 0; i < cols.size(); i++) {
            double k = median(kafka, cols.get(i));
            double s = median(strata, cols.get(i));
            row[2 + i] = Double.isNaN(k) || Double.isNaN(s) || k == 0 ? "-" : "x" + fmt(s / k, 2);
        }
        return row;
    }

    /** The facts every bench report's JSON opens with, in this order; callers add their own after them. */
    static Map<String, Object> jsonHeader(String date, String command, String host, String java, String kafkaVersion,
                                          String loadAtStart, String loadAtEnd) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("date", date);
        root.put("command", command);
        root.put("host", host);
        root.put("java", java);
        root.put("kafkaVersion", kafkaVersion);
        root.put("loadAtStart", loadAtStart);
        root.put("loadAtEnd", loadAtEnd);
        return root;
    }

    /** The same data as {@link #table}, every run, as one JSON object (written by the CLI's {@link Json}). */
    public static String json(Context ctx, List<CaseResult> results) {
        Map<String, Object> root = jsonHeader(ctx.date(), ctx.command(), ctx.host(), ctx.java(), ctx.kafkaVersion(),
                ctx.loadAtStart(), ctx.loadAtEnd());
        root.put("otherPctOverall", ctx.otherPctOverall());
        root.put("notes", ctx.notes());
        List<Map<String, Object>> cases = new ArrayList<>();
        for (CaseResult r : results) {
            BenchCase c = r.benchCase();
            Map<String, Object> jc = new LinkedHashMap<>();
            jc.put("id", c.id());
            jc.put("kind", c.kind());
            jc.put("recordSize", c.recordSize());
            jc.put("partitions", c.partitions());
            jc.put("acks", c.acks());
            jc.put("lingerMs", c.lingerMs());
            jc.put("records", c.records());
            jc.put("rate", c.rate());
            jc.put("idleFetchers", c.idleFetchers());
            jc.put("samples", jsonSamples(r.samples()));
            cases.add(jc);
        }
        root.put("cases", cases);
        return Json.write(root) + "\n";
    }

    /** Every sample of a case as JSON objects ({@link #sample}). */
    static List<Map<String, Object>> jsonSamples(List<Sample> samples) {
        return samples.stream().map(s -> sample(s.broker(), s.run(), s.reason(), s.metrics().map(Report::jsonFields)))
                .toList();
    }

    /** One run in the JSON reports: broker and run, then the reason there are no numbers or the numbers. */
    static Map<String, Object> sample(String broker, int run, Optional<String> reason,
                                      Optional<Map<String, Double>> metrics) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("broker", broker);
        m.put("run", run);
        reason.ifPresent(r -> m.put("reason", r));
        metrics.ifPresent(m::putAll);
        return m;
    }

    private static Map<String, Double> jsonFields(Sample.Metrics m) {
        Map<String, Double> f = new LinkedHashMap<>();
        f.put("recordsPerSec", m.recordsPerSec());
        f.put("mibPerSec", m.mbPerSec());
        f.put("p50Ms", m.p50Ms());
        f.put("p99Ms", m.p99Ms());
        f.put("p999Ms", m.p999Ms());
        f.put("brokerCpuSec", m.brokerCpuSec());
        f.put("mebibytes", m.mebibytes());
        f.put("cpuSecPerMib", m.cpuSecPerMb());
        f.put("peakRssMib", m.peakRssMb());
        f.put("clientCpuSec", m.clientCpuSec());
        f.put("otherPct", m.otherPct());
        return f;
    }

    static String describe(BenchCase c) {
        return switch (c.kind()) {
            case PRODUCE -> c.records() + " x " + c.recordSize() + " B, " + c.partitions() + " partition(s), acks="
                    + c.acks() + ", linger.ms=" + c.lingerMs() + ", ProducerPerformance; latency = send to ack";
            case CONSUME -> c.records() + " x " + c.recordSize() + " B from " + c.partitions()
                    + " partition(s), ConsumerPerformance; rates exclude the group join";
            case E2E -> c.records() + " x " + c.recordSize() + " B at " + c.rate() + " rec/s, acks=" + c.acks()
                    + ", E2eLatency; latency = scheduled send to consumed";
            case WIRE_PRODUCE -> c.records() + " x " + c.recordSize() + " B, " + c.partitions() + " partition(s), acks="
                    + c.acks() + ", WireLoad: " + c.wireBatch() + "-record batches, " + Tools.WIRE_CONNECTIONS
                    + " connections x " + Tools.WIRE_INFLIGHT + " in flight"
                    + (c.idleFetchers() > 0 ? ", " + c.idleFetchers() + " idle fetchers long-polling "
                            + BenchCase.IDLE_TOPIC + " (" + BenchCase.IDLE_PARTITIONS + " partitions, max.wait.ms "
                            + IdleFetchers.MAX_WAIT_MS + ")" : "")
                    + "; latency = request round trip";
            case WIRE_FETCH -> c.records() + " x " + c.recordSize() + " B fetched from " + c.partitions()
                    + " partition(s) holding half as many, WireLoad: " + Tools.WIRE_CONNECTIONS
                    + " connections, 1 MiB per partition; latency = request round trip";
            case TXN -> BenchCase.TXN_PRODUCERS + " transactional producers x " + c.txnsPerProducer()
                    + " transactions of " + BenchCase.TXN_RECORDS + " x " + c.recordSize() + " B over "
                    + c.partitions() + " partitions" + (c.rate() > 0 ? " at " + c.rate() + " records/s" : "")
                    + ", a read_committed consumer alongside, TxnLatency; rec/s = committed records/s; latency = "
                    + (c.rate() > 0 ? "scheduled send to consumed" : "send to consumed");
        };
    }

    private static List<Sample.Metrics> metrics(List<Sample> samples, String broker) {
        return samples.stream().filter(s -> s.broker().equals(broker)).map(Sample::metrics)
                .flatMap(Optional::stream).toList();
    }

    static double median(List<Sample.Metrics> ms, ToDoubleFunction<Sample.Metrics> f) {
        double[] v = ms.stream().mapToDouble(f).filter(d -> !Double.isNaN(d)).sorted().toArray();
        if (v.length == 0) {
            return Double.NaN;
        }
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    static String columns(List<String[]> rows) {
        int n = rows.stream().mapToInt(r -> r.length).max().orElse(0);
        int[] width = new int[n];
        for (String[] r : rows) {
            // A row shorter than the header (a reason) spans the remaining columns: do not widen them.
            if (r.length == n) {
                for (int i = 0; i < n; i++) {
                    width[i] = Math.max(width[i], r[i].length());
                }
            }
        }
        StringBuilder sb = new StringBuilder();
        for (String[] r : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < r.length; i++) {
                line.append(i < r.length - 1 ? String.format("%-" + width[i] + "s  ", r[i]) : r[i]);
            }
            sb.append(line.toString().stripTrailing()).append('\n');
        }
        return sb.toString();
    }

    static String fmt(double v, int decimals) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%." + decimals + "f", v);
    }
}
