package io.strata.bench;

import io.strata.server.json.Json;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.ToDoubleFunction;

/**
 * Formats the results of {@code bench groups} as text tables (one per group protocol and initial rebalance delay,
 * with the Strata/Kafka ratio of the per-broker medians) or as JSON. A run without numbers shows its reason.
 * Stateless.
 */
final class GroupsReport {

    /** One run on one broker: metrics, or the reason there are none. */
    record Sample(String broker, int run, GroupRun.Outcome outcome) {
    }

    /** Every run of one protocol at one {@code group.initial.rebalance.delay.ms}. */
    record Case(String protocol, int initialDelayMs, List<Sample> samples) {
        String id() {
            return protocol + "-delay" + initialDelayMs;
        }
    }

    /** Facts printed above the tables. */
    record Context(String date, String command, String host, String java, String kafkaVersion, int members,
                   int partitions, String loadAtStart, String loadAtEnd, List<String> notes) {
    }

    private static final String[] HEADER = {"broker", "run", "stable_s", "first_assign_p50_s", "first_assign_max_s",
        "broker_cpu_s", "peak_rss_MiB", "client_cpu_s", "other%"};

    private static final List<ToDoubleFunction<GroupRun.Metrics>> RATIO_COLUMNS = List.of(
            GroupRun.Metrics::stableSec, GroupRun.Metrics::firstP50Sec, GroupRun.Metrics::firstMaxSec,
            GroupRun.Metrics::brokerCpuSec, GroupRun.Metrics::peakRssMb);

    private GroupsReport() {
    }

    static String table(Context ctx, List<Case> cases) {
        StringBuilder sb = new StringBuilder();
        sb.append("# strata-bench groups  ").append(ctx.date()).append('\n');
        sb.append("# command: ").append(ctx.command()).append('\n');
        sb.append("# host: ").append(ctx.host()).append("; ").append(ctx.java()).append("; Apache Kafka ")
                .append(ctx.kafkaVersion()).append(" broker and clients\n");
        sb.append("# machine load: loadavg ").append(ctx.loadAtStart()).append(" at start, ").append(ctx.loadAtEnd())
                .append(" at end\n");
        sb.append("# ").append(ctx.members()).append(" consumers in one group (one JVM, a thread each) on a topic of ")
                .append(ctx.partitions()).append(" partitions; times from the first subscribe\n");
        for (String note : ctx.notes()) {
            sb.append("# ").append(note).append('\n');
        }
        for (Case c : cases) {
            sb.append('\n').append("== group.protocol=").append(c.protocol())
                    .append(", group.initial.rebalance.delay.ms=").append(c.initialDelayMs()).append('\n');
            List<String[]> rows = new ArrayList<>();
            rows.add(HEADER);
            for (Sample s : c.samples()) {
                String run = Integer.toString(s.run());
                rows.add(s.outcome().metrics().map(m -> new String[] {s.broker(), run, Report.fmt(m.stableSec(), 2),
                    Report.fmt(m.firstP50Sec(), 2), Report.fmt(m.firstMaxSec(), 2), Report.fmt(m.brokerCpuSec(), 2),
                    Report.fmt(m.peakRssMb(), 0), Report.fmt(m.clientCpuSec(), 1), Report.fmt(m.otherPct(), 0)})
                        .orElse(new String[] {s.broker(), run, s.outcome().reason().orElse("?")}));
            }
            rows.add(ratioRow(c.samples()));
            sb.append(Report.columns(rows));
        }
        return sb.toString();
    }

    /** strata/kafka of the medians of each column, or n/a when either broker has no numbers. */
    static String[] ratioRow(List<Sample> samples) {
        List<GroupRun.Metrics> kafka = metrics(samples, "kafka");
        List<GroupRun.Metrics> strata = metrics(samples, "strata");
        if (kafka.isEmpty() || strata.isEmpty()) {
            return new String[] {"strata/kafka", "", "n/a"};
        }
        String[] row = new String[HEADER.length];
        Arrays.fill(row, "");
        row[0] = "strata/kafka";
        row[1] = "median";
        for (int i = 0; i < RATIO_COLUMNS.size(); i++) {
            double k = median(kafka, RATIO_COLUMNS.get(i));
            double s = median(strata, RATIO_COLUMNS.get(i));
            row[2 + i] = Double.isNaN(k) || Double.isNaN(s) || k == 0 ? "-" : "x" + Report.fmt(s / k, 2);
        }
        return row;
    }

    static double median(List<GroupRun.Metrics> ms, ToDoubleFunction<GroupRun.Metrics> f) {
        double[] v = ms.stream().mapToDouble(f).filter(d -> !Double.isNaN(d)).sorted().toArray();
        if (v.length == 0) {
            return Double.NaN;
        }
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    /** The same data as {@link #table}, every run, as one JSON object (written by the CLI's {@link Json}). */
    static String json(Context ctx, List<Case> cases) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("date", ctx.date());
        root.put("command", ctx.command());
        root.put("host", ctx.host());
        root.put("java", ctx.java());
        root.put("kafkaVersion", ctx.kafkaVersion());
        root.put("consumers", ctx.members());
        root.put("partitions", ctx.partitions());
        root.put("loadAtStart", ctx.loadAtStart());
        root.put("loadAtEnd", ctx.loadAtEnd());
        root.put("notes", ctx.notes());
        List<Map<String, Object>> jcases = new ArrayList<>();
        for (Case c : cases) {
            Map<String, Object> jc = new LinkedHashMap<>();
            jc.put("id", c.id());
            jc.put("groupProtocol", c.protocol());
            jc.put("initialRebalanceDelayMs", c.initialDelayMs());
            jc.put("samples", c.samples().stream().map(s -> Report.sample(s.broker(), s.run(), s.outcome().reason(),
                    s.outcome().metrics().map(GroupsReport::jsonFields))).toList());
            jcases.add(jc);
        }
        root.put("cases", jcases);
        return Json.write(root) + "\n";
    }

    private static Map<String, Double> jsonFields(GroupRun.Metrics m) {
        Map<String, Double> f = new LinkedHashMap<>();
        f.put("stableSec", m.stableSec());
        f.put("firstAssignmentP50Sec", m.firstP50Sec());
        f.put("firstAssignmentMaxSec", m.firstMaxSec());
        f.put("brokerCpuSec", m.brokerCpuSec());
        f.put("peakRssMib", m.peakRssMb());
        f.put("clientCpuSec", m.clientCpuSec());
        f.put("otherPct", m.otherPct());
        return f;
    }

    private static List<GroupRun.Metrics> metrics(List<Sample> samples, String broker) {
        return samples.stream().filter(s -> s.broker().equals(broker)).map(s -> s.outcome().metrics())
                .flatMap(Optional::stream).toList();
    }
}
