package io.strata.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.protocol.ApiKeys;

/**
 * {@code bench groups}: how long a consumer group of N members takes to become stable, on both group protocols, on
 * Apache Kafka and Strata side by side. For each {@code group.initial.rebalance.delay.ms} (Kafka's default 3000,
 * then 0) both brokers are started with it (child JVMs, same flags, as {@code compare} does), a topic of P
 * partitions is created, an unmeasured small group warms each broker up (and creates {@code __consumer_offsets}),
 * and then every protocol runs on Kafka, then Strata, alternating, each run with a new group of N consumers in one
 * client JVM ({@link GroupMembers}). Every child process is stopped at the end, also on failure and Ctrl-C.
 */
final class GroupsCommand {

    static final String TOPIC = "bench-groups";
    static final List<String> PROTOCOLS = List.of("classic", "consumer");

    /** Classic groups: the broker must advertise these; the consumer protocol needs ConsumerGroupHeartbeat too. */
    static final List<ApiKeys> CLASSIC_APIS = List.of(ApiKeys.FIND_COORDINATOR, ApiKeys.JOIN_GROUP,
            ApiKeys.SYNC_GROUP, ApiKeys.HEARTBEAT, ApiKeys.LEAVE_GROUP, ApiKeys.OFFSET_FETCH);
    static final List<ApiKeys> CONSUMER_APIS = List.of(ApiKeys.FIND_COORDINATOR, ApiKeys.CONSUMER_GROUP_HEARTBEAT,
            ApiKeys.OFFSET_FETCH);

    /** Long enough after stable for a pending revocation to show (the KIP-848 heartbeat interval is 5 s). */
    static final Duration SETTLE = Duration.ofSeconds(6);

    /** Parsed command line. */
    record Options(int consumers, int partitions, int runs, List<Integer> delays, boolean json, boolean keep,
                   String commandLine) {
        static Options parse(String[] args) {
            int consumers = 100;
            int partitions = 100;
            int runs = 1;
            List<Integer> delays = List.of(3000, 0);
            boolean json = false;
            boolean keep = false;
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--consumers" -> consumers = positive(BenchArgs.value(args, ++i, "--consumers"), "--consumers");
                    case "--partitions" -> partitions = positive(BenchArgs.value(args, ++i, "--partitions"), "--partitions");
                    case "--runs" -> runs = positive(BenchArgs.value(args, ++i, "--runs"), "--runs");
                    case "--delays" -> delays = Arrays.stream(BenchArgs.value(args, ++i, "--delays").split(","))
                            .map(String::trim).map(d -> nonNegative(d, "--delays")).distinct().toList();
                    case "--keep" -> keep = true;
                    case "--output" -> json = BenchArgs.jsonOutput(BenchArgs.value(args, ++i, "--output"));
                    default -> throw new IllegalArgumentException("unknown option " + args[i] + "\n" + BenchMain.USAGE);
                }
            }
            return new Options(consumers, partitions, runs, delays, json, keep,
                    ("bin/strata bench groups " + String.join(" ", args)).strip());
        }

        private static int positive(String v, String option) {
            int n = nonNegative(v, option);
            if (n < 1) {
                throw new IllegalArgumentException(option + " must be at least 1");
            }
            return n;
        }

        private static int nonNegative(String v, String option) {
            int n;
            try {
                n = Integer.parseInt(v);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(option + " needs a whole number, not " + v);
            }
            if (n < 0) {
                throw new IllegalArgumentException(option + " must not be negative");
            }
            return n;
        }
    }

    private GroupsCommand() {
    }

    static int run(Options opts) throws Exception {
        Path work = BenchMain.workDir();
        Jvm jvm = Jvm.detect(BenchMain.strataHome());
        String loadAtStart = ProcFs.loadAverage();
        String date = ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
        BenchMain.progress("work dir " + work + " (raw output in raw/); " + opts.consumers() + " consumers, "
                + opts.partitions() + " partitions, delays " + opts.delays() + ", " + opts.runs() + " run(s)");
        List<String> notes = new ArrayList<>();
        Map<String, GroupsReport.Case> cases = new LinkedHashMap<>();
        try (ChildProcesses children = new ChildProcesses()) {
            GroupRun groups = new GroupRun(jvm, children, work.resolve("tools-logback.xml"), work.resolve("raw"),
                    Duration.ofMinutes(3));
            for (int delay : opts.delays()) {
                Path dir = work.resolve("delay" + delay);
                try (KafkaBroker kafka = new KafkaBroker(jvm, dir.resolve("kafka"), children,
                        work.resolve("broker-logback.xml"));
                     StrataBroker strata = new StrataBroker(jvm, dir.resolve("strata"), children)) {
                    List<Broker> brokers = List.of(kafka, strata);
                    for (Broker b : brokers) {
                        b.config("group.initial.rebalance.delay.ms", Integer.toString(delay));
                        BenchMain.progress("starting " + b.name() + " with group.initial.rebalance.delay.ms=" + delay);
                        Duration d = b.start(Duration.ofSeconds(120));
                        BenchMain.progress(b.name() + " serving on " + b.bootstrap() + " (pid " + b.pid() + ") after "
                                + Report.fmt(d.toMillis() / 1000.0, 2) + " s");
                        CaseRunner.createTopic(b.bootstrap(), TOPIC, opts.partitions()).ifPresent(e -> {
                            throw new IllegalStateException(b.name() + ": " + e);
                        });
                    }
                    warmUp(groups, brokers, opts);
                    for (int run = 1; run <= opts.runs(); run++) {
                        for (String protocol : PROTOCOLS) {
                            GroupsReport.Case c = cases.computeIfAbsent(protocol + "/" + delay,
                                    k -> new GroupsReport.Case(protocol, delay, new ArrayList<>()));
                            for (Broker b : brokers) {
                                Broker other = b == kafka ? strata : kafka;
                                GroupRun.Outcome o = measure(groups, b, other, protocol, delay, run, opts);
                                BenchMain.progress("  " + o.metrics().map(m -> "stable after "
                                        + Report.fmt(m.stableSec(), 2) + " s, first assignment p50 "
                                        + Report.fmt(m.firstP50Sec(), 2) + " s max " + Report.fmt(m.firstMaxSec(), 2)
                                        + " s, broker cpu " + Report.fmt(m.brokerCpuSec(), 2) + " s, other "
                                        + Report.fmt(m.otherPct(), 0) + "%").orElseGet(() -> o.reason().orElse("?")));
                                c.samples().add(new GroupsReport.Sample(b.name(), run, o));
                            }
                        }
                    }
                } finally {
                    if (!opts.keep()) {
                        BenchMain.deleteTree(dir.resolve("kafka/data"));
                        BenchMain.deleteTree(dir.resolve("strata/data"));
                    }
                }
            }
            notes.add("stable: every partition owned by exactly one consumer, ownership balanced, every consumer has"
                    + " had its onPartitionsAssigned callback, and no callback for " + SETTLE.toSeconds()
                    + " s after (the time is that of the last callback)");
            notes.add("classic: the client's default assignors (range, cooperative-sticky); consumer: the broker's"
                    + " default server assignor (uniform); other client settings are the defaults");
            notes.add("broker_cpu_s and client_cpu_s: from the first subscribe to stable; peak_rss_MiB: the"
                    + " broker's VmHWM from the start of the client JVM to stable");
            notes.add("broker JVMs: " + String.join(" ", Jvm.BROKER_FLAGS) + " (Strata also maps its class-data"
                    + " archive, as bin/strata server does)");
            GroupsReport.Context ctx = new GroupsReport.Context(date, opts.commandLine(), BenchMain.hostDescription(),
                    BenchMain.javaDescription(), BenchMain.kafkaVersion(), opts.consumers(), opts.partitions(),
                    loadAtStart, ProcFs.loadAverage(), notes);
            List<GroupsReport.Case> list = new ArrayList<>(cases.values());
            System.out.print(opts.json() ? GroupsReport.json(ctx, list) : GroupsReport.table(ctx, list));
            return 0;
        } finally {
            BenchMain.progress("brokers stopped; logs in " + work);
        }
    }

    private static GroupRun.Outcome measure(GroupRun groups, Broker b, Broker other, String protocol, int delay,
                                            int run, Options opts) throws Exception {
        if (!b.alive()) {
            throw new IllegalStateException(b.name() + " (pid " + b.pid() + ") died; see its output in its dir");
        }
        Optional<String> missing = missingApis(b, protocol);
        if (missing.isPresent()) {
            return GroupRun.Outcome.fail("n/a (" + b.name() + " does not advertise " + missing.get() + ")");
        }
        BenchMain.progress(protocol + " delay " + delay + " run " + run + " on " + b.name());
        return groups.run("groups-" + protocol + "-delay" + delay + "-" + b.name() + "-r" + run, b, other, TOPIC,
                opts.partitions(), opts.consumers(), protocol, SETTLE);
    }

    /** A small group on each broker and protocol, not measured: JIT, connections, {@code __consumer_offsets}. */
    private static void warmUp(GroupRun groups, List<Broker> brokers, Options opts) throws Exception {
        int members = Math.min(10, opts.consumers());
        for (Broker b : brokers) {
            for (String protocol : PROTOCOLS) {
                if (missingApis(b, protocol).isPresent()) {
                    continue;
                }
                BenchMain.progress("warm-up: " + members + " consumers, group.protocol=" + protocol + ", on " + b.name()
                        + " (not measured)");
                Broker other = brokers.get(0) == b ? brokers.get(1) : brokers.get(0);
                GroupRun.Outcome o = groups.run("warmup-" + protocol + "-" + b.name() + "-" + System.nanoTime(), b,
                        other, TOPIC, opts.partitions(), members, protocol, Duration.ofMillis(500));
                o.reason().ifPresent(r -> BenchMain.progress("warm-up on " + b.name() + " failed: " + r));
            }
        }
    }

    private static Optional<String> missingApis(Broker b, String protocol) throws Exception {
        Set<ApiKeys> advertised = KafkaWire.advertisedApis(Broker.HOST, b.clientPort);
        List<ApiKeys> needed = protocol.equals("classic") ? CLASSIC_APIS : CONSUMER_APIS;
        List<String> missing = needed.stream().filter(k -> !advertised.contains(k)).map(ApiKeys::name).toList();
        return missing.isEmpty() ? Optional.empty() : Optional.of(missing + ", which group.protocol=" + protocol
                + " needs");
    }
}
