package io.strata.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * {@code bin/strata bench}: the side-by-side comparison with Apache Kafka ({@code compare}), start-up and
 * recovery times ({@code startup}), consumer group stabilisation ({@code groups}), the schema registry and HTTP
 * proxy on one node ({@code http}) and the JMH micro-benchmarks
 * ({@code jmh}). Progress goes to stderr, results to stdout.
 */
public final class BenchMain {

    static final String USAGE = """
            usage: bin/strata bench compare [--quick] [--runs N] [--cases REGEX] [--output table|json] [--keep]
                                  [--strata-config KEY=VALUE]... [--scrape-http SECONDS]
                   bin/strata bench startup [--gb N] [--large] [--partitions-10k] [--keep]
                   bin/strata bench groups [--consumers N] [--partitions P] [--runs R] [--delays MS,MS]
                                           [--output table|json] [--keep]
                   bin/strata bench cluster [--records N] [--record-size B] [--runs N] [--skip-controller]
                                            [--heap SIZE] [--clusters kafka,strata] [--refkafka DIR]
                                            [--output table|json] [--keep]
                   bin/strata bench http [--clients N] [--seconds S] [--warmup S] [--batch N] [--partitions P]
                                         [--cases REGEX] [--keep]
                   bin/strata bench jmh [REGEX] [JMH options, e.g. -f 1 -wi 2 -i 3]
            compare  Apache Kafka and Strata on the same machine, same tools, alternating runs
            startup  cold start, restart after kill -9 with N GiB of log (default 1; --large adds 10 GiB),
                     --partitions-10k: create 10,000 partitions, memory, produce throughput over them
            groups   time until a group of N consumers (default 100) on P partitions (default 100) is stable,
                     group.protocol classic and consumer, at group.initial.rebalance.delay.ms 3000 and 0
            cluster  a 3-node Apache Kafka cluster (refkafka's cluster.sh), then a 3-node Strata cluster:
                     acks=all produce throughput at RF 3, min.insync.replicas=2 (N records of B bytes, default
                     500000 x 1024), CPU per MiB, and failover time after kill -9 of a partition leader
                     (and of the active controller), --runs times each (default 3); --heap per node (1G)
            http     one Strata node: schema registry lookups per second (warm) and HTTP proxy produce throughput
                     (v2 JSON and Avro batches of N records, default 100; v3 streamed), N clients (default 4) over
                     keep-alive, each case warmed up S s (3) then measured S s (10); absolute figures (no Kafka side)
            jmh      micro-benchmarks of Strata's hot paths (all when no REGEX)
            --keep   keep the temporary broker data directories (deleted by default; logs are always kept)
            """;

    private BenchMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0 || args[0].equals("-h") || args[0].equals("--help")) {
            System.out.print(USAGE);
            System.exit(args.length == 0 ? 2 : 0);
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        int exit = switch (args[0]) {
            case "compare" -> CompareCommand.run(CompareCommand.Options.parse(rest));
            case "startup" -> StartupCommand.run(StartupCommand.Options.parse(rest));
            case "groups" -> GroupsCommand.run(GroupsCommand.Options.parse(rest));
            case "http" -> HttpCommand.run(HttpCommand.Options.parse(rest));
            case "cluster" -> ClusterCommand.run(ClusterCommand.Options.parse(rest, strataHome()));
            case "jmh" -> {
                org.openjdk.jmh.Main.main(rest);
                yield 0;
            }
            default -> {
                System.err.print("unknown bench command: " + args[0] + "\n" + USAGE);
                yield 2;
            }
        };
        System.exit(exit);
    }

    /** A progress line on stderr. */
    static void progress(String message) {
        System.err.println("[bench " + LocalTime.now().format(DateTimeFormatter.ofPattern("HH:mm:ss")) + "] "
                + message);
    }

    /** The Strata checkout: {@code -Dstrata.home}, set by bin/strata; the working directory otherwise. */
    static Path strataHome() {
        return Path.of(System.getProperty("strata.home", ".")).toAbsolutePath().normalize();
    }

    /** A new working directory with logging configs for the Kafka broker and the tool JVMs. */
    static Path workDir() throws IOException {
        Path dir = Files.createTempDirectory("strata-bench-");
        Files.createDirectories(dir.resolve("raw"));
        Files.writeString(dir.resolve("broker-logback.xml"), logback("INFO", "STDOUT"));
        Files.writeString(dir.resolve("tools-logback.xml"), logback("WARN", "STDERR"));
        return dir;
    }

    private static String logback(String level, String target) {
        String stream = target.equals("STDERR") ? "System.err" : "System.out";
        return """
                <configuration>
                  <appender name="OUT" class="ch.qos.logback.core.ConsoleAppender">
                    <target>%s</target>
                    <encoder><pattern>[%%d{HH:mm:ss.SSS}] %%-5level %%msg (%%logger{0})%%n</pattern></encoder>
                  </appender>
                  <logger name="kafka.request.logger" level="WARN"/>
                  <logger name="state.change.logger" level="WARN"/>
                  <root level="%s"><appender-ref ref="OUT"/></root>
                </configuration>
                """.formatted(stream, level);
    }

    /** Deletes a directory tree (a broker's data, a benchmark's log), best effort. */
    public static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            progress("could not delete " + dir + ": " + e);
        }
    }

    static String hostDescription() {
        long memKb = ProcFs.statusKb(readOr("/proc/meminfo"), "MemTotal").orElse(0);
        return Runtime.getRuntime().availableProcessors() + " cores, " + Math.round(memKb / 1024.0 / 1024.0)
                + " GiB RAM";
    }

    static String javaDescription() {
        return "java " + System.getProperty("java.runtime.version") + " (" + System.getProperty("java.vm.name") + ")";
    }

    static String kafkaVersion() {
        return org.apache.kafka.common.utils.AppInfoParser.getVersion();
    }

    private static String readOr(String file) {
        try {
            return Files.readString(Path.of(file));
        } catch (IOException e) {
            return "";
        }
    }
}
