package io.strata.bench;

import io.strata.server.json.Json;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Formats the results of {@code bench cluster} as text tables (produce throughput with the compare report's columns,
 * then one section per failover case, each with the Strata/Kafka ratio of the two clusters' figures) or as JSON.
 * Only measured numbers are printed; a run without numbers shows its reason. Stateless.
 */
final class ClusterReport {

    /** Facts printed above the tables. */
    record Context(String date, String command, String host, String java, String kafkaVersion, String loadAtStart,
                   String loadAtEnd, List<String> notes) {
    }

    /** The produce runs on both clusters, and the workload they ran. */
    record Produce(long records, int recordSize, int partitions, int lingerMs, List<Sample> samples) {
    }

    /**
     * One failover run on one cluster.
     *
     * @param broker     "kafka" or "strata"
     * @param run        1-based
     * @param node       the node killed; 0 when none was
     * @param recoveryMs per partition the node led: milliseconds from the kill to the first acknowledged write sent
     *                   after it; empty when the run has no numbers
     * @param reason     why the run has no numbers ("n/a (...)" or "FAIL (...)"); empty when it has
     */
    record FailoverRun(String broker, int run, int node, Map<Integer, Double> recoveryMs, Optional<String> reason) {
        static FailoverRun of(String broker, int run, int node, Map<Integer, Double> recoveryMs) {
            return new FailoverRun(broker, run, node, Map.copyOf(recoveryMs), Optional.empty());
        }

        static FailoverRun without(String broker, int run, int node, String reason) {
            return new FailoverRun(broker, run, node, Map.of(), Optional.of(reason));
        }
    }

    /** Every run of one failover case ("leader": a node that is not the active controller, or "controller"). */
    record FailoverCase(String id, String description, List<FailoverRun> runs) {
    }

    /** Median and maximum over every partition's recovery in every run of one cluster with numbers. */
    record Summary(int samples, double p50Ms, double maxMs) {
        static Summary of(List<FailoverRun> runs, String broker) {
            double[] v = runs.stream().filter(r -> r.broker().equals(broker) && r.reason().isEmpty())
                    .flatMap(r -> r.recoveryMs().values().stream()).mapToDouble(Double::doubleValue).sorted()
                    .toArray();
            return new Summary(v.length, median(v), v.length == 0 ? Double.NaN : v[v.length - 1]);
        }
    }

    static final List<String> BROKERS = List.of("kafka", "strata");

    private static final String[] RUN_HEADER = {"broker", "run", "killed_node", "partitions", "first_s", "all_s"};
    private static final String[] SUMMARY_HEADER = {"broker", "samples", "p50_s", "max_s"};

    private ClusterReport() {
    }

    static String table(Context ctx, Produce produce, List<FailoverCase> failovers) {
        StringBuilder sb = new StringBuilder();
        sb.append("# strata-bench cluster  ").append(ctx.date()).append('\n');
        sb.append("# command: ").append(ctx.command()).append('\n');
        sb.append("# host: ").append(ctx.host()).append("; ").append(ctx.java()).append("; Apache Kafka ")
                .append(ctx.kafkaVersion()).append(" broker and tools\n");
        sb.append("# machine load: loadavg ").append(ctx.loadAtStart()).append(" at start, ").append(ctx.loadAtEnd())
                .append(" at end\n");
        for (String note : ctx.notes()) {
            sb.append("# ").append(note).append('\n');
        }
        sb.append("\n== produce  (").append(describe(produce)).append(")\n");
        sb.append(Report.columns(Report.sampleRows(produce.samples())));
        for (FailoverCase c : failovers) {
            sb.append("\n== failover-").append(c.id()).append("  (").append(c.description()).append(")\n");
            List<String[]> rows = new ArrayList<>();
            rows.add(RUN_HEADER);
            for (FailoverRun r : c.runs()) {
                String run = Integer.toString(r.run());
                String node = r.node() > 0 ? Integer.toString(r.node()) : "-";
                rows.add(r.reason().map(reason -> new String[] {r.broker(), run, node, reason})
                        .orElseGet(() -> new String[] {r.broker(), run, node, partitions(r),
                            Report.fmt(first(r) / 1000, 3), Report.fmt(all(r) / 1000, 3)}));
            }
            sb.append(Report.columns(rows));
            sb.append(Report.columns(summaryRows(c.runs())));
        }
        return sb.toString();
    }

    /** Per cluster, the median and maximum recovery over all its partitions and runs, then their strata/kafka ratio. */
    static List<String[]> summaryRows(List<FailoverRun> runs) {
        List<String[]> rows = new ArrayList<>();
        rows.add(SUMMARY_HEADER);
        for (String broker : BROKERS) {
            Summary s = Summary.of(runs, broker);
            rows.add(new String[] {broker, Integer.toString(s.samples()), Report.fmt(s.p50Ms() / 1000, 3),
                Report.fmt(s.maxMs() / 1000, 3)});
        }
        Summary k = Summary.of(runs, "kafka");
        Summary s = Summary.of(runs, "strata");
        rows.add(new String[] {"strata/kafka", "", ratio(s.p50Ms(), k.p50Ms()), ratio(s.maxMs(), k.maxMs())});
        return rows;
    }

    /** The same data as {@link #table}, every run, as one JSON object (written by the CLI's {@link Json}). */
    static String json(Context ctx, Produce produce, List<FailoverCase> failovers) {
        Map<String, Object> root = Report.jsonHeader(ctx.date(), ctx.command(), ctx.host(), ctx.java(),
                ctx.kafkaVersion(), ctx.loadAtStart(), ctx.loadAtEnd());
        root.put("notes", ctx.notes());
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("records", produce.records());
        p.put("recordSize", produce.recordSize());
        p.put("partitions", produce.partitions());
        p.put("replicationFactor", 3);
        p.put("minInsyncReplicas", 2);
        p.put("acks", "all");
        p.put("lingerMs", produce.lingerMs());
        p.put("samples", Report.jsonSamples(produce.samples()));
        root.put("produce", p);
        List<Map<String, Object>> cases = new ArrayList<>();
        for (FailoverCase c : failovers) {
            Map<String, Object> jc = new LinkedHashMap<>();
            jc.put("id", c.id());
            jc.put("description", c.description());
            jc.put("runs", c.runs().stream().map(ClusterReport::jsonRun).toList());
            Map<String, Object> summary = new LinkedHashMap<>();
            for (String broker : BROKERS) {
                Summary s = Summary.of(c.runs(), broker);
                Map<String, Object> js = new LinkedHashMap<>();
                js.put("samples", s.samples());
                js.put("p50Ms", s.p50Ms());
                js.put("maxMs", s.maxMs());
                summary.put(broker, js);
            }
            jc.put("summary", summary);
            cases.add(jc);
        }
        root.put("failover", cases);
        return Json.write(root) + "\n";
    }

    private static Map<String, Object> jsonRun(FailoverRun r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("broker", r.broker());
        m.put("run", r.run());
        if (r.node() > 0) {
            m.put("killedNode", r.node());
        }
        r.reason().ifPresent(reason -> m.put("reason", reason));
        if (r.reason().isEmpty()) {
            Map<String, Object> byPartition = new LinkedHashMap<>();
            r.recoveryMs().entrySet().stream().sorted(Map.Entry.comparingByKey())
                    .forEach(e -> byPartition.put(Integer.toString(e.getKey()), e.getValue()));
            m.put("recoveryMs", byPartition);
        }
        return m;
    }

    static String describe(Produce p) {
        return p.records() + " x " + p.recordSize() + " B to " + p.partitions() + " partitions, RF 3, "
                + "min.insync.replicas=2, acks=all, linger.ms=" + p.lingerMs() + ", ProducerPerformance; latency ="
                + " send to ack; cpu_s/MiB and other% over the 3 brokers together, peak_rss_MiB the largest node";
    }

    private static String partitions(FailoverRun r) {
        return r.recoveryMs().keySet().stream().sorted().map(String::valueOf).collect(Collectors.joining(","));
    }

    private static double first(FailoverRun r) {
        return r.recoveryMs().values().stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
    }

    private static double all(FailoverRun r) {
        return r.recoveryMs().values().stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    }

    private static String ratio(double strata, double kafka) {
        return Double.isNaN(strata) || Double.isNaN(kafka) || kafka == 0 ? "-" : "x" + Report.fmt(strata / kafka, 2);
    }

    static double median(double[] values) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] v = Arrays.copyOf(values, values.length);
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }
}
