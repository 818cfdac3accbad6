package io.strata.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;

/**
 * {@code bench startup}: for each broker in turn (one at a time, so they do not compete): cold start to the
 * first served Metadata request and idle memory; produce N GiB, kill -9, restart, and time to Metadata and to the
 * partition being readable at its pre-crash end; optionally 10,000 partitions (time to create, memory, produce
 * throughput over them).
 */
final class StartupCommand {

    /** Parsed command line. */
    record Options(int gib, boolean large, boolean partitions10k, boolean keep, String commandLine) {
        static Options parse(String[] args) {
            int gib = 1;
            boolean large = false;
            boolean p10k = false;
            boolean keep = false;
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--gb" -> gib = Integer.parseInt(BenchArgs.value(args, ++i, "--gb"));
                    case "--large" -> large = true;
                    case "--partitions-10k" -> p10k = true;
                    case "--keep" -> keep = true;
                    default -> throw new IllegalArgumentException("unknown option " + args[i] + "\n" + BenchMain.USAGE);
                }
            }
            return new Options(gib, large, p10k, keep, "bin/strata bench startup " + String.join(" ", args));
        }
    }

    private StartupCommand() {
    }

    static int run(Options opts) throws Exception {
        Path work = BenchMain.workDir();
        Jvm jvm = Jvm.detect(BenchMain.strataHome());
        String loadAtStart = ProcFs.loadAverage();
        List<Integer> sizes = new ArrayList<>(List.of(opts.gib()));
        if (opts.large() && opts.gib() != 10) {
            sizes.add(10);
        }
        Map<String, Map<String, String>> rows = new LinkedHashMap<>();
        try (ChildProcesses children = new ChildProcesses()) {
            Tools tools = new Tools(jvm, children, work.resolve("tools-logback.xml"), work.resolve("raw"),
                    Duration.ofMinutes(30));
            for (String name : List.of("kafka", "strata")) {
                measureCold(jvm, work, children, name, rows);
                for (int gib : sizes) {
                    measureRecovery(jvm, work, children, tools, name, gib, rows, opts.keep());
                }
                if (opts.partitions10k()) {
                    measureManyPartitions(jvm, work, children, tools, name, rows, opts.keep());
                }
            }
        } finally {
            BenchMain.progress("brokers stopped; logs in " + work);
        }
        StringBuilder sb = new StringBuilder();
        sb.append("# strata-bench startup  ").append(ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME))
                .append('\n').append("# command: ").append(opts.commandLine()).append('\n')
                .append("# host: ").append(BenchMain.hostDescription()).append("; ").append(BenchMain.javaDescription())
                .append("; Apache Kafka ").append(BenchMain.kafkaVersion()).append('\n')
                .append("# machine load: loadavg ").append(loadAtStart).append(" at start, ")
                .append(ProcFs.loadAverage()).append(" at end\n");
        List<String[]> table = new ArrayList<>();
        table.add(new String[] {"metric", "kafka", "strata", "strata/kafka"});
        rows.forEach((metric, v) -> {
            String k = v.getOrDefault("kafka", "n/a");
            String s = v.getOrDefault("strata", "n/a");
            table.add(new String[] {metric, k, s, ratio(k, s)});
        });
        sb.append(Report.columns(table));
        System.out.print(sb);
        return 0;
    }

    private static Broker newBroker(Jvm jvm, Path dir, ChildProcesses children, String name) {
        return name.equals("kafka") ? new KafkaBroker(jvm, dir, children, dir.getParent().resolve("broker-logback.xml"))
                : new StrataBroker(jvm, dir, children);
    }

    private static void measureCold(Jvm jvm, Path work, ChildProcesses children, String name,
                                    Map<String, Map<String, String>> rows) throws Exception {
        try (Broker b = newBroker(jvm, work.resolve(name + "-cold"), children, name)) {
            BenchMain.progress(name + ": cold start");
            Duration d = b.start(Duration.ofSeconds(120));
            put(rows, "cold start to Metadata (s)", name, secs(d));
            Thread.sleep(5_000); // let start-up work settle before reading idle memory
            put(rows, "idle RSS 5 s after start (MiB)", name,
                    Report.fmt(ProcFs.rssKb(b.pid()).orElse(0) / 1024.0, 0));
        } finally {
            BenchMain.deleteTree(work.resolve(name + "-cold/data"));
        }
    }

    private static void measureRecovery(Jvm jvm, Path work, ChildProcesses children, Tools tools, String name,
                                        int gib, Map<String, Map<String, String>> rows, boolean keep)
            throws Exception {
        Path dir = work.resolve(name + "-recovery-" + gib + "g");
        try (Broker b = newBroker(jvm, dir, children, name)) {
            b.start(Duration.ofSeconds(120));
            String topic = "recovery";
            CaseRunner.createTopic(b.bootstrap(), topic, 1).ifPresent(e -> {
                throw new IllegalStateException(e);
            });
            long records = gib * 1024L * 1024L;
            BenchMain.progress(name + ": producing " + gib + " GiB (" + records + " x 1 KiB, acks=1)");
            Tools.Result r = tools.producerPerformance("recovery-" + gib + "g-" + name, b.bootstrap(), topic, records,
                    1024, "1", 5);
            var produced = ToolOutput.producer(r.output());
            if (!r.ok() || produced.isEmpty()) {
                put(rows, "restart after kill -9, " + gib + " GiB: to Metadata (s)", name, "FAIL (produce: "
                        + r.lastLine() + ")");
                return;
            }
            put(rows, "produce " + gib + " GiB, 1 KiB records, acks=1 (MiB/s)", name,
                    Report.fmt(produced.get().mbPerSec(), 1));
            long end = endOffset(b.bootstrap(), new TopicPartition(topic, 0), Duration.ofSeconds(30));
            BenchMain.progress(name + ": kill -9 pid " + b.pid() + " with end offset " + end + "; restarting");
            b.kill9();
            Duration toMetadata = b.start(Duration.ofMinutes(10));
            put(rows, "restart after kill -9, " + gib + " GiB: to Metadata (s)", name, secs(toMetadata));
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
            long seen = -1;
            while (seen < end && System.nanoTime() < deadline) {
                seen = endOffset(b.bootstrap(), new TopicPartition(topic, 0), Duration.ofSeconds(2));
                if (seen < end) {
                    Thread.sleep(10);
                }
            }
            put(rows, "restart after kill -9, " + gib + " GiB: partition readable at its end (s)", name,
                    seen >= end ? secs(Duration.ofNanos(System.nanoTime() - b.launchedAtNanos()))
                            : "FAIL (end offset " + seen + " < " + end + ")");
        } finally {
            if (!keep) {
                BenchMain.deleteTree(dir.resolve("data"));
            }
        }
    }

    private static void measureManyPartitions(Jvm jvm, Path work, ChildProcesses children, Tools tools, String name,
                                              Map<String, Map<String, String>> rows, boolean keep) throws Exception {
        Path dir = work.resolve(name + "-10k");
        int partitions = 10_000;
        try (Broker b = newBroker(jvm, dir, children, name)) {
            b.start(Duration.ofSeconds(120));
            BenchMain.progress(name + ": creating a topic with " + partitions + " partitions");
            long begin = System.nanoTime();
            // Kafka refuses metadata batches of over 10,000 records ("excessively large batch operation"), so the
            // topic is created with one step and grown with CreatePartitions, the same requests for both brokers.
            int step = 1_000;
            CaseRunner.createTopic(b.bootstrap(), "many", step).ifPresent(e -> {
                throw new IllegalStateException(e);
            });
            try (Admin admin = Admin.create(adminProps(b.bootstrap(), Duration.ofMinutes(2)))) {
                for (int total = 2 * step; total <= partitions; total += step) {
                    admin.createPartitions(Map.of("many", NewPartitions.increaseTo(total))).all()
                            .get(2, TimeUnit.MINUTES);
                }
            }
            while (ledPartitions(b.bootstrap(), "many") < partitions) {
                if (System.nanoTime() - begin > TimeUnit.MINUTES.toNanos(10)) {
                    throw new IllegalStateException(name + ": partitions not all led after 10 minutes");
                }
                Thread.sleep(100);
            }
            put(rows, partitions + " partitions: create until all have a leader (s)", name,
                    secs(Duration.ofNanos(System.nanoTime() - begin)));
            put(rows, partitions + " partitions: RSS after create (MiB)", name,
                    Report.fmt(ProcFs.rssKb(b.pid()).orElse(0) / 1024.0, 0));
            Tools.Result r = tools.producerPerformance("many-" + name, b.bootstrap(), "many", 2_000_000, 100, "1", 5);
            put(rows, partitions + " partitions: produce 2M x 100 B (rec/s)", name, ToolOutput.producer(r.output())
                    .map(s -> Report.fmt(s.recordsPerSec(), 0)).orElse("FAIL (" + r.lastLine() + ")"));
        } finally {
            if (!keep) {
                BenchMain.deleteTree(dir.resolve("data"));
            }
        }
    }

    private static long endOffset(String bootstrap, TopicPartition tp, Duration timeout) {
        try (Admin admin = Admin.create(adminProps(bootstrap, timeout))) {
            return admin.listOffsets(Map.of(tp, OffsetSpec.latest())).partitionResult(tp)
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS).offset();
        } catch (Exception e) {
            return -1;
        }
    }

    private static int ledPartitions(String bootstrap, String topic) {
        try (Admin admin = Admin.create(adminProps(bootstrap, Duration.ofSeconds(30)))) {
            TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS)
                    .get(topic);
            return (int) d.partitions().stream().filter(p -> p.leader() != null && !p.leader().isEmpty()).count();
        } catch (Exception e) {
            return 0;
        }
    }

    private static Properties adminProps(String bootstrap, Duration timeout) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Long.toString(timeout.toMillis()));
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(Math.min(timeout.toMillis(), 30_000)));
        p.put(AdminClientConfig.RETRY_BACKOFF_MS_CONFIG, "10");
        return p;
    }

    private static void put(Map<String, Map<String, String>> rows, String metric, String broker, String value) {
        rows.computeIfAbsent(metric, k -> new LinkedHashMap<>()).put(broker, value);
        BenchMain.progress(broker + ": " + metric + " = " + value);
    }

    private static String secs(Duration d) {
        return Report.fmt(d.toNanos() / 1e9, 2);
    }

    static String ratio(String kafka, String strata) {
        try {
            double k = Double.parseDouble(kafka);
            double s = Double.parseDouble(strata);
            return k == 0 ? "-" : "x" + Report.fmt(s / k, 2);
        } catch (NumberFormatException e) {
            return "n/a";
        }
    }
}
