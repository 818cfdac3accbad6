package io.strata.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Runs Kafka's tools (and {@link E2eLatency}) in client JVMs, output to a file under {@code rawDir}. Not
 * thread-safe; tools run one at a time so that they do not disturb each other's measurements.
 */
final class Tools {

    /**
     * Exit code, stdout and stderr of a finished tool; exit code -1 when it timed out and was killed. The two streams
     * are kept apart so that a client's log line never splits the figures a tool prints.
     */
    record Result(int exitCode, String output, String errors, Path file) {
        boolean ok() {
            return exitCode == 0;
        }

        /** The last non-blank line of stderr, else of stdout, for a failure reason. */
        String lastLine() {
            List<String> lines = (output + "\n" + errors).lines().filter(l -> !l.isBlank()).toList();
            String last = lines.isEmpty() ? "(no output)" : lines.get(lines.size() - 1).trim();
            return last.length() > 160 ? last.substring(0, 160) + "..." : last;
        }
    }

    private final Jvm jvm;
    private final ChildProcesses children;
    private final Path logbackConfig;
    private final Path rawDir;
    private final Duration timeout;

    Tools(Jvm jvm, ChildProcesses children, Path logbackConfig, Path rawDir, Duration timeout) {
        this.jvm = jvm;
        this.children = children;
        this.logbackConfig = logbackConfig;
        this.rawDir = rawDir;
        this.timeout = timeout;
    }

    Result producerPerformance(String name, String bootstrap, String topic, long records, int size, String acks,
                               int lingerMs) throws IOException, InterruptedException {
        return producerPerformance(name, bootstrap, Optional.empty(), topic, records, size, acks, lingerMs);
    }

    /** ProducerPerformance as fast as it goes; {@code clientConfig} is a properties file (security) if given. */
    Result producerPerformance(String name, String bootstrap, Optional<Path> clientConfig, String topic, long records,
                               int size, String acks, int lingerMs) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("--bootstrap-server", bootstrap, "--topic", topic,
                "--num-records", Long.toString(records), "--record-size", Integer.toString(size),
                "--throughput", "-1"));
        clientConfig.ifPresent(f -> args.addAll(List.of("--command-config", f.toString())));
        args.addAll(List.of("--command-property", "acks=" + acks, "linger.ms=" + lingerMs, "client.id=" + name));
        return run(name, "org.apache.kafka.tools.ProducerPerformance", args);
    }

    /** ConsumerPerformance in a new group; {@code clientConfig} is a properties file (security) if given. */
    Result consumerPerformance(String name, String bootstrap, Optional<Path> clientConfig, String topic, long records,
                               String group) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("--bootstrap-server", bootstrap, "--topic", topic,
                "--num-records", Long.toString(records), "--group", group, "--timeout", "30000", "--hide-header"));
        clientConfig.ifPresent(f -> args.addAll(List.of("--command-config", f.toString())));
        return run(name, "org.apache.kafka.tools.ConsumerPerformance", args);
    }

    Result e2eLatency(String name, String bootstrap, String topic, long records, int rate, String acks, int size)
            throws IOException, InterruptedException {
        long warmup = Math.max(200, Math.min(1_000, records / 10));
        return run(name, E2eLatency.class.getName(), List.of(bootstrap, topic, Long.toString(records),
                Integer.toString(rate), acks, Integer.toString(size), Long.toString(warmup)));
    }

    /**
     * A {@link TxnLatency} run: {@value BenchCase#TXN_PRODUCERS} transactional producers committing
     * {@link BenchCase#txnsPerProducer()} transactions of {@value BenchCase#TXN_RECORDS} records each (after a tenth
     * as many, at least 5, uncounted), a {@code read_committed} consumer alongside. A paced case warms up with half
     * as many (5 s at its rate): at a low rate a tenth is too few transactions to compile the brokers' transactional
     * paths and see their first young collections, which would otherwise land in the measured part.
     */
    Result txnLatency(String name, String bootstrap, BenchCase c) throws IOException, InterruptedException {
        int txns = c.txnsPerProducer();
        return run(name, TxnLatency.class.getName(), List.of(bootstrap, c.topic(), Integer.toString(c.partitions()),
                Integer.toString(BenchCase.TXN_PRODUCERS), Integer.toString(txns),
                Integer.toString(BenchCase.TXN_RECORDS), Integer.toString(c.recordSize()),
                Integer.toString(c.rate() > 0 ? txns / 2 : Math.max(5, txns / 10)), Integer.toString(c.rate())));
    }

    /**
     * A {@link WireLoad} run of {@code records} as fast as the broker takes them: 16 KiB batches,
     * {@value #WIRE_CONNECTIONS} connections with {@value #WIRE_INFLIGHT} produce requests in flight each (a
     * producer's default {@code max.in.flight.requests.per.connection}); fetches have one in flight per connection,
     * as a consumer. A case with idle fetchers gets them on {@link BenchCase#IDLE_TOPIC}.
     */
    Result wireLoad(String name, WireArgs.Mode mode, Broker broker, BenchCase c, long records)
            throws IOException, InterruptedException {
        Optional<WireArgs.Idle> idle = c.idleFetchers() > 0
                ? Optional.of(new WireArgs.Idle(c.idleFetchers(), BenchCase.IDLE_TOPIC, BenchCase.IDLE_PARTITIONS))
                : Optional.empty();
        WireArgs args = new WireArgs(mode, Broker.HOST, broker.clientPort, c.topic(), c.partitions(),
                c.recordSize(), c.wireBatch(), c.acks().equals("all") ? (short) -1 : Short.parseShort(c.acks()),
                WIRE_CONNECTIONS, WIRE_INFLIGHT, records, 0, idle);
        return run(name, WireLoad.class.getName(), args.toArgs());
    }

    static final int WIRE_CONNECTIONS = 4;
    static final int WIRE_INFLIGHT = 5;

    private Result run(String name, String mainClass, List<String> args) throws IOException, InterruptedException {
        Path out = rawDir.resolve(name + ".txt");
        Path err = rawDir.resolve(name + ".err.txt");
        Process p = children.start(new ProcessBuilder(jvm.tool(logbackConfig, mainClass, args))
                .redirectOutput(out.toFile()).redirectError(err.toFile()));
        int exit;
        if (p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
            exit = p.exitValue();
        } else {
            ChildProcesses.kill9(p);
            exit = -1;
        }
        return new Result(exit, Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8), out);
    }
}
