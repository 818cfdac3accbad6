package io.strata.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * {@code bench cluster}: a 3-node Apache Kafka cluster (the reference {@code cluster.sh}) and a 3-node Strata cluster
 * (real {@code strata server} processes), one after the other on the same machine, each measured the same way:
 * <ol>
 *   <li>produce throughput and latency with {@code acks=all} to a 6-partition topic of replication factor 3 and
 *       {@code min.insync.replicas=2} (Kafka's ProducerPerformance, after an unmeasured warm-up), and the CPU of the
 *       three broker processes per MiB produced;</li>
 *   <li>failover: while a steady {@code acks=all} producer writes to every partition of another such topic, {@code kill
 *       -9} the leader of partition 0 (or, when that node is the active controller, of the first partition led by a
 *       node that is not) and time, per partition it led, the first acknowledged write sent after the kill; the node
 *       is restarted and every partition back to a full ISR before the next run. Then the same for the active
 *       controller's node, unless {@code --skip-controller}.</li>
 * </ol>
 * Every process is stopped by PID at the end, also on failure and Ctrl-C.
 */
final class ClusterCommand {

    static final String PRODUCE_TOPIC = "bench-cluster-produce";
    static final String FAILOVER_TOPIC = "bench-cluster-failover";
    static final int PARTITIONS = 6;
    static final int LINGER_MS = 5;
    /** Records a second the failover producer writes to each partition: the resolution of the timing, 5 ms. */
    static final int FAILOVER_RATE_PER_PARTITION = 200;
    static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    static final Duration RECOVERY_TIMEOUT = Duration.ofSeconds(60);
    static final Duration ISR_TIMEOUT = Duration.ofSeconds(120);

    /** Parsed command line. */
    record Options(long records, int recordSize, int runs, boolean controllerCase, String heap, List<String> clusters,
                   Path refkafka, boolean json, boolean keep, String commandLine) {
        static Options parse(String[] args, Path strataHome) {
            long records = 500_000;
            int recordSize = 1024;
            int runs = 3;
            boolean controllerCase = true;
            String heap = Jvm.DEFAULT_HEAP;
            List<String> clusters = ClusterReport.BROKERS;
            Path refkafka = strataHome.resolve("../shared/tools/refkafka").normalize();
            boolean json = false;
            boolean keep = false;
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--records" -> records = positive(BenchArgs.value(args, ++i, "--records"), "--records");
                    case "--record-size" -> recordSize = (int) positive(BenchArgs.value(args, ++i, "--record-size"),
                            "--record-size");
                    case "--runs" -> runs = (int) positive(BenchArgs.value(args, ++i, "--runs"), "--runs");
                    case "--skip-controller" -> controllerCase = false;
                    case "--heap" -> heap = heap(BenchArgs.value(args, ++i, "--heap"));
                    case "--clusters" -> clusters = clusters(BenchArgs.value(args, ++i, "--clusters"));
                    case "--refkafka" -> refkafka = Path.of(BenchArgs.value(args, ++i, "--refkafka")).toAbsolutePath();
                    case "--output" -> json = BenchArgs.jsonOutput(BenchArgs.value(args, ++i, "--output"));
                    case "--keep" -> keep = true;
                    default -> throw new IllegalArgumentException("unknown option " + args[i] + "\n" + BenchMain.USAGE);
                }
            }
            return new Options(records, recordSize, runs, controllerCase, heap, clusters, refkafka, json, keep,
                    ("bin/strata bench cluster " + String.join(" ", args)).strip());
        }

        private static long positive(String v, String option) {
            long n;
            try {
                n = Long.parseLong(v.replace("_", ""));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(option + " needs a whole number, not " + v);
            }
            if (n < 1 || n > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(option + " must be between 1 and " + Integer.MAX_VALUE);
            }
            return n;
        }

        private static String heap(String v) {
            if (!v.matches("\\d+[kKmMgG]")) {
                throw new IllegalArgumentException("--heap needs a JVM size such as 512m or 1G, not " + v);
            }
            return v;
        }

        private static List<String> clusters(String v) {
            List<String> list = Arrays.stream(v.split(",")).map(String::trim).distinct().toList();
            if (list.isEmpty() || !ClusterReport.BROKERS.containsAll(list)) {
                throw new IllegalArgumentException("--clusters takes kafka, strata or kafka,strata, not " + v);
            }
            // Always Kafka first, as the other bench commands order them.
            return ClusterReport.BROKERS.stream().filter(list::contains).toList();
        }
    }

    private ClusterCommand() {
    }

    static int run(Options opts) throws Exception {
        Path work = BenchMain.workDir();
        Jvm jvm = Jvm.detect(BenchMain.strataHome());
        String loadAtStart = ProcFs.loadAverage();
        String date = ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
        BenchMain.progress("work dir " + work + " (raw tool output in raw/); clusters " + opts.clusters() + ", "
                + opts.runs() + " run(s) of each measurement");
        List<String> notes = new ArrayList<>();
        List<Sample> produce = new ArrayList<>();
        List<ClusterReport.FailoverCase> failovers = new ArrayList<>();
        failovers.add(new ClusterReport.FailoverCase("leader", "kill -9 of the leader of partition 0, or of the"
                + " first partition whose leader is not the active controller; per partition it led, the time from"
                + " the kill to the first acknowledged write sent after it", new ArrayList<>()));
        if (opts.controllerCase()) {
            failovers.add(new ClusterReport.FailoverCase("controller", "kill -9 of the active controller's node"
                    + " (the metadata quorum leader); per partition it led, the same time", new ArrayList<>()));
        }
        try (ChildProcesses children = new ChildProcesses()) {
            Tools tools = new Tools(jvm, children, work.resolve("tools-logback.xml"), work.resolve("raw"),
                    Duration.ofMinutes(10));
            for (String name : opts.clusters()) {
                BenchCluster cluster = name.equals("kafka")
                        ? new KafkaCluster(jvm, opts.refkafka(), work.resolve("kafka"), children, opts.heap())
                        : new StrataCluster(jvm, work.resolve("strata"), children, opts.heap());
                try (cluster) {
                    BenchMain.progress("starting the " + name + " cluster");
                    Duration d = cluster.start(START_TIMEOUT);
                    BenchMain.progress(name + " serving on " + cluster.bootstrap() + " (pids " + cluster.pids()
                            + ") after " + Report.fmt(d.toMillis() / 1000.0, 2) + " s");
                    notes.add(cluster.description());
                    measure(cluster, tools, opts, produce, failovers);
                } catch (IOException | IllegalStateException e) {
                    // One cluster failing (a node that does not start) must not cost the other cluster's figures.
                    BenchMain.progress(name + " failed: " + e);
                    String first = String.valueOf(e.getMessage()).lines().findFirst().orElse("");
                    notes.add(name + ": FAIL (" + first + "); see " + work);
                } finally {
                    if (!opts.keep()) {
                        cluster.dataDirs().forEach(BenchMain::deleteTree);
                    }
                }
            }
            notes.add("failover producer: one KafkaProducer in the harness JVM, acks=all, idempotent, linger.ms=0,"
                    + " otherwise the client's defaults, " + FAILOVER_RATE_PER_PARTITION + " x "
                    + FailoverProbe.RECORD_SIZE + " B records a second to each of " + PARTITIONS + " partitions"
                    + " (RF 3, min.insync.replicas=2); a partition not writable " + RECOVERY_TIMEOUT.toSeconds()
                    + " s after the kill fails the run");
            notes.add("first_s/all_s: the first and the last of the killed node's partitions to accept a write;"
                    + " p50_s/max_s: over every partition of every run");
            notes.add("durability: neither cluster fsyncs per request (Kafka's defaults); acks=all waits for the ISR");
            ClusterReport.Context ctx = new ClusterReport.Context(date, opts.commandLine(),
                    BenchMain.hostDescription(), BenchMain.javaDescription(), BenchMain.kafkaVersion(), loadAtStart,
                    ProcFs.loadAverage(), notes);
            ClusterReport.Produce p = new ClusterReport.Produce(opts.records(), opts.recordSize(), PARTITIONS,
                    LINGER_MS, produce);
            System.out.print(opts.json() ? ClusterReport.json(ctx, p, failovers)
                    : ClusterReport.table(ctx, p, failovers));
            return 0;
        } finally {
            BenchMain.progress("clusters stopped; logs in " + work);
        }
    }

    private static void measure(BenchCluster cluster, Tools tools, Options opts, List<Sample> produce,
                                List<ClusterReport.FailoverCase> failovers) throws Exception {
        String name = cluster.name();
        try (Admin admin = admin(cluster.bootstrap())) {
            for (String topic : List.of(PRODUCE_TOPIC, FAILOVER_TOPIC)) {
                createTopic(admin, topic);
                awaitFullIsr(admin, topic, ISR_TIMEOUT).orElseThrow(() -> new IllegalStateException(name
                        + ": " + topic + " has no full ISR within " + ISR_TIMEOUT.toSeconds() + " s"));
            }
            long warmup = Math.min(opts.records(), 200_000);
            BenchMain.progress("warm-up: " + warmup + " x " + opts.recordSize() + " B to " + name + " (not measured)");
            Tools.Result w = tools.producerPerformance("cluster-warmup-" + name, cluster.bootstrap(), PRODUCE_TOPIC,
                    warmup, opts.recordSize(), "all", LINGER_MS);
            if (!w.ok()) {
                BenchMain.progress("warm-up on " + name + " failed: " + w.lastLine());
            }
            for (int run = 1; run <= opts.runs(); run++) {
                BenchMain.progress("produce run " + run + " on " + name);
                Sample s = produceRun(cluster, tools, opts, run);
                BenchMain.progress("  " + s.metrics().map(m -> Report.fmt(m.recordsPerSec(), 0) + " rec/s, "
                        + Report.fmt(m.mbPerSec(), 1) + " MiB/s, p99 " + Report.fmt(m.p99Ms(), 1) + " ms, "
                        + Report.fmt(m.cpuSecPerMb(), 4) + " cpu_s/MiB, other " + Report.fmt(m.otherPct(), 0) + "%")
                        .orElseGet(() -> s.reason().orElse("?")));
                produce.add(s);
            }
            try (FailoverProbe probe = new FailoverProbe(cluster.bootstrap(), FAILOVER_TOPIC, PARTITIONS,
                    FAILOVER_RATE_PER_PARTITION)) {
                for (ClusterReport.FailoverCase c : failovers) {
                    for (int run = 1; run <= opts.runs(); run++) {
                        BenchMain.progress("failover-" + c.id() + " run " + run + " on " + name);
                        ClusterReport.FailoverRun r = failoverRun(cluster, admin, probe, c.id().equals("controller"),
                                run);
                        BenchMain.progress("  " + (r.reason().isPresent() ? r.reason().get() : "killed node "
                                + r.node() + "; writable again after (ms, per partition) " + new TreeMap<>(
                                        r.recoveryMs()).toString().replaceAll("(\\.\\d)\\d*", "$1")));
                        c.runs().add(r);
                    }
                }
                BenchMain.progress("failover producer: " + probe.acked() + " writes acknowledged, " + probe.failed()
                        + " failed");
            }
        }
    }

    private static Sample produceRun(BenchCluster cluster, Tools tools, Options opts, int run) throws Exception {
        String name = cluster.name();
        if (!cluster.allAlive()) {
            return Sample.without(name, run, "FAIL (a node died; see its output in the work dir)");
        }
        cluster.pids().forEach(ProcFs::resetPeakRss);
        CpuWindow cpu = new CpuWindow(cluster.pids(), List.of());
        Tools.Result result = tools.producerPerformance("cluster-produce-" + name + "-r" + run, cluster.bootstrap(),
                PRODUCE_TOPIC, opts.records(), opts.recordSize(), "all", LINGER_MS);
        cpu.end();
        double peakRssMb = cluster.pids().stream().mapToLong(pid -> ProcFs.peakRssKb(pid).orElse(0)).max()
                .orElse(0) / 1024.0;
        Optional<Sample.Metrics> metrics = ToolOutput.producer(result.output()).map(s -> new Sample.Metrics(
                s.recordsPerSec(), s.mbPerSec(), s.p50Ms(), s.p99Ms(), s.p999Ms(), cpu.brokerCpuSec(),
                s.records() * (double) opts.recordSize() / (1024 * 1024), peakRssMb, cpu.clientCpuSec(),
                cpu.otherPct()));
        if (!result.ok() || metrics.isEmpty() || !cluster.allAlive()) {
            return Sample.without(name, run, "FAIL (exit " + result.exitCode() + ": " + result.lastLine() + "; see "
                    + result.file() + ")");
        }
        return Sample.of(name, run, metrics.get());
    }

    private static ClusterReport.FailoverRun failoverRun(BenchCluster cluster, Admin admin, FailoverProbe probe,
                                                         boolean killController, int run) throws Exception {
        String name = cluster.name();
        Optional<Map<Integer, Integer>> leaders = awaitFullIsr(admin, FAILOVER_TOPIC, ISR_TIMEOUT);
        if (leaders.isEmpty()) {
            return ClusterReport.FailoverRun.without(name, run, 0, "FAIL (no full ISR on every partition within "
                    + ISR_TIMEOUT.toSeconds() + " s)");
        }
        Optional<Integer> controller = cluster.activeController();
        if (controller.isEmpty()) {
            return ClusterReport.FailoverRun.without(name, run, 0, "FAIL (the active controller is not known)");
        }
        Optional<Integer> victim = victim(leaders.get(), controller.get(), killController);
        if (victim.isEmpty()) {
            return ClusterReport.FailoverRun.without(name, run, 0, killController
                    ? "n/a (the active controller, node " + controller.get() + ", leads no partition)"
                    : "n/a (the active controller, node " + controller.get() + ", leads every partition)");
        }
        int node = victim.get();
        List<Integer> led = ledBy(leaders.get(), node);
        BenchMain.progress("  killing node " + node + " (pid " + cluster.pid(node) + "), leader of " + led
                + "; active controller " + controller.get());
        Map<Integer, Double> recovery = probe.measure(() -> cluster.kill9(node), led, RECOVERY_TIMEOUT);
        cluster.restart(node, START_TIMEOUT);
        if (recovery.size() < led.size()) {
            List<Integer> stuck = led.stream().filter(p -> !recovery.containsKey(p)).toList();
            return ClusterReport.FailoverRun.without(name, run, node, "FAIL (partition(s) " + stuck
                    + " not writable within " + RECOVERY_TIMEOUT.toSeconds() + " s of the kill)");
        }
        return ClusterReport.FailoverRun.of(name, run, node, recovery);
    }

    /**
     * The node to kill, given each partition's leader: the active controller's node (if it leads a partition) when
     * {@code killController}, else the leader of partition 0, or if that is the controller, of the lowest partition
     * whose leader is not.
     */
    static Optional<Integer> victim(Map<Integer, Integer> leaderByPartition, int controller, boolean killController) {
        if (killController) {
            return leaderByPartition.containsValue(controller) ? Optional.of(controller) : Optional.empty();
        }
        return new TreeMap<>(leaderByPartition).values().stream().filter(l -> l != controller).findFirst();
    }

    /** The partitions {@code node} leads, in order. */
    static List<Integer> ledBy(Map<Integer, Integer> leaderByPartition, int node) {
        return new TreeMap<>(leaderByPartition).entrySet().stream().filter(e -> e.getValue() == node)
                .map(Map.Entry::getKey).toList();
    }

    private static Admin admin(String bootstrap) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        return Admin.create(p);
    }

    private static void createTopic(Admin admin, String topic) throws Exception {
        try {
            admin.createTopics(List.of(new NewTopic(topic, PARTITIONS, (short) 3)
                    .configs(Map.of("min.insync.replicas", "2")))).all().get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
        }
    }

    /**
     * Waits until every partition of the topic has a leader and all 3 replicas in its ISR; returns each partition's
     * leader then, or empty after {@code timeout}.
     */
    static Optional<Map<Integer, Integer>> awaitFullIsr(Admin admin, String topic, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS)
                        .get(topic);
                Map<Integer, Integer> leaders = new TreeMap<>();
                boolean full = d.partitions().size() == PARTITIONS;
                for (TopicPartitionInfo p : d.partitions()) {
                    full &= p.leader() != null && p.isr().size() == 3;
                    if (p.leader() != null) {
                        leaders.put(p.partition(), p.leader().id());
                    }
                }
                if (full) {
                    return Optional.of(leaders);
                }
            } catch (ExecutionException | TimeoutException e) {
                // A node restarting: ask again.
            }
            Thread.sleep(100);
        }
        return Optional.empty();
    }
}
