package io.strata.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * The reference 3-node Apache Kafka cluster of {@code shared/tools/refkafka/cluster.sh} (KRaft, every node broker and
 * controller, replication factor 3 and {@code min.insync.replicas=2} by default, fenced after 3 s without heartbeats),
 * run with its data under a directory of this run, on a block of free 127.0.0.1 ports, on the harness's JDK and with
 * the heap given. The script starts the nodes detached; their PIDs (from its pid files) are handed to
 * {@link ChildProcesses} so that Ctrl-C stops them too, and kills go to those PIDs directly.
 *
 * <p>Not thread-safe: driven by the harness thread.
 */
final class KafkaCluster implements BenchCluster {

    /** {@code broker.session.timeout.ms} of cluster.sh; the Strata cluster gets the same. */
    static final int SESSION_TIMEOUT_MS = 3000;

    private static final Duration SCRIPT_TIMEOUT = Duration.ofMinutes(5);

    private final Jvm jvm;
    private final Path scripts;
    private final Path dir;
    private final ChildProcesses children;
    private final String heap;
    private final int basePort;
    private final Map<Integer, Long> pids = new HashMap<>();

    /**
     * @param scripts the refkafka tools directory (holding cluster.sh and setup.sh)
     * @param dir     where the nodes keep their data and logs ({@code dir/nN}), and the scripts' output
     */
    KafkaCluster(Jvm jvm, Path scripts, Path dir, ChildProcesses children, String heap) {
        this.jvm = jvm;
        this.scripts = scripts;
        this.dir = dir;
        this.children = children;
        this.heap = heap;
        this.basePort = freePortBlock(2 * NODES.size());
    }

    @Override
    public String name() {
        return "kafka";
    }

    /** Resolves Kafka's jars if needed ({@code setup.sh}, a no-op when cached), then {@code cluster.sh start-all}. */
    @Override
    public Duration start(Duration timeout) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        script("setup.sh");
        long begin = System.nanoTime();
        script("cluster.sh", "start-all");
        for (int node : NODES) {
            adopt(node);
        }
        // The script has its own time limits (formatting, ports); this one is for serving Metadata after that.
        long deadline = System.nanoTime() + timeout.toNanos();
        for (int node : NODES) {
            awaitMetadata(node, deadline);
        }
        return Duration.ofNanos(System.nanoTime() - begin);
    }

    @Override
    public String bootstrap() {
        return NODES.stream().map(n -> Broker.HOST + ":" + clientPort(n)).collect(Collectors.joining(","));
    }

    @Override
    public long pid(int node) {
        Long pid = pids.get(node);
        if (pid == null) {
            throw new IllegalStateException("kafka node " + node + " has not been started");
        }
        return pid;
    }

    /** cluster.sh keeps node N's log dir in {@code dir/nN/data}. */
    @Override
    public List<Path> dataDirs() {
        return NODES.stream().map(n -> dir.resolve("n" + n).resolve("data")).toList();
    }

    @Override
    public boolean allAlive() {
        return NODES.stream().allMatch(n -> pids.containsKey(n) && ProcessHandle.of(pids.get(n))
                .map(ProcessHandle::isAlive).orElse(false));
    }

    /** SIGKILL to the node's PID (not through the script: its shell start-up would blur the moment of the kill). */
    @Override
    public void kill9(int node) throws IOException, InterruptedException {
        Optional<ProcessHandle> h = ProcessHandle.of(pid(node));
        if (h.isEmpty()) {
            throw new IOException("kafka node " + node + " (pid " + pid(node) + ") is not running");
        }
        h.get().destroyForcibly();
        try {
            h.get().onExit().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException("kafka node " + node + " (pid " + pid(node) + ") survived SIGKILL", e);
        }
    }

    @Override
    public void restart(int node, Duration timeout) throws IOException, InterruptedException {
        script("cluster.sh", "start", Integer.toString(node));
        adopt(node);
        awaitMetadata(node, System.nanoTime() + timeout.toNanos());
    }

    @Override
    public String description() {
        return "kafka: 3 x kafka.Kafka " + BenchMain.kafkaVersion() + " started by " + scripts.resolve("cluster.sh")
                + " (-Xms" + heap + " -Xmx" + heap + " and Kafka's start-script flags), broker.session.timeout.ms="
                + SESSION_TIMEOUT_MS + ", broker.heartbeat.interval.ms=500";
    }

    /** {@code cluster.sh stop-all}: SIGTERM to each node's PID, SIGKILL after 60 s. */
    @Override
    public void close() throws IOException, InterruptedException {
        if (Files.exists(dir)) {
            script("cluster.sh", "stop-all");
        }
    }

    /** Node N's client port: cluster.sh's layout, client port then controller port, per node. */
    int clientPort(int node) {
        return basePort + 2 * (node - 1);
    }

    private void adopt(int node) throws IOException {
        Path pidFile = dir.resolve("n" + node).resolve("kafka.pid");
        long pid = Long.parseLong(Files.readString(pidFile, StandardCharsets.US_ASCII).trim());
        pids.put(node, pid);
        ProcessHandle.of(pid).ifPresent(children::adopt);
    }

    private void awaitMetadata(int node, long deadlineNanos) throws IOException, InterruptedException {
        while (!KafkaWire.metadataServed(Broker.HOST, clientPort(node))) {
            if (ProcessHandle.of(pid(node)).map(h -> !h.isAlive()).orElse(true)) {
                throw new IOException("kafka node " + node + " exited during start; see " + dir.resolve("n" + node));
            }
            if (System.nanoTime() > deadlineNanos) {
                throw new IOException("kafka node " + node + " did not serve Metadata in time; see "
                        + dir.resolve("n" + node));
            }
            Thread.sleep(10);
        }
    }

    /** Runs one of the refkafka scripts with this cluster's directory, ports, heap and JDK; output to scripts.out. */
    private void script(String name, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("bash", scripts.resolve(name).toString()));
        cmd.addAll(List.of(args));
        Path out = dir.resolve("scripts.out");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile()));
        pb.environment().putAll(Map.of("REFKAFKA_CLUSTER_DIR", dir.toString(),
                "REFKAFKA_CLUSTER_BASE_PORT", Integer.toString(basePort),
                "REFKAFKA_CLUSTER_HEAP", heap,
                "JAVA_HOME", jvm.javaHome().toString()));
        Process p = children.start(pb);
        if (!p.waitFor(SCRIPT_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            ChildProcesses.kill9(p);
            throw new IOException(name + " " + String.join(" ", args) + " timed out; see " + out);
        }
        if (p.exitValue() != 0) {
            throw new IOException(name + " " + String.join(" ", args) + " failed (exit " + p.exitValue() + "); see "
                    + out + ":\n" + Broker.tail(out));
        }
    }

    /**
     * The first port of {@code count} consecutive ports that are free on 127.0.0.1 now (cluster.sh numbers its ports
     * from one base), searched from a random start below the kernel's ephemeral range.
     */
    static int freePortBlock(int count) {
        for (int attempt = 0; attempt < 200; attempt++) {
            int base = ThreadLocalRandom.current().nextInt(20_000, 32_000 - count);
            if (allFree(base, count)) {
                return base;
            }
        }
        throw new IllegalStateException("no " + count + " consecutive free ports on 127.0.0.1");
    }

    private static boolean allFree(int base, int count) {
        for (int port = base; port < base + count; port++) {
            try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getByName(Broker.HOST))) {
                s.setReuseAddress(true);
            } catch (IOException e) {
                return false;
            }
        }
        return true;
    }
}
