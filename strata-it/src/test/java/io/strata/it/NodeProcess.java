package io.strata.it;

import static org.awaitility.Awaitility.await;

import io.strata.testkit.Ports;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;

/**
 * A Strata node in its own JVM ({@code strata server --override ...}), for tests where a crash must be real:
 * {@link #kill9()} sends SIGKILL to its PID. Output goes to a log file in the data directory. It may be given a
 * lower open-file limit than the test JVM's ({@code ulimit -n}), for tests of what the node does near it.
 */
final class NodeProcess implements AutoCloseable {

    private final Path dataDir;
    private final Map<String, String> overrides;
    private final OptionalInt maxOpenFiles;
    private final int clientPort = Ports.free();
    private final int controllerPort = Ports.free();
    private Process process;
    private boolean productionJvm;
    private int starts;
    private Duration lastStartTime = Duration.ZERO;

    NodeProcess(Path dataDir, Map<String, String> overrides) {
        this(dataDir, overrides, OptionalInt.empty());
    }

    NodeProcess(Path dataDir, Map<String, String> overrides, OptionalInt maxOpenFiles) {
        this.dataDir = dataDir;
        this.overrides = overrides;
        this.maxOpenFiles = maxOpenFiles;
    }

    /**
     * A cluster of {@code size} nodes (ids 1..size, every one a voter) with data under {@code dir}/node-N, not yet
     * started: a quorum needs a majority, so start them together ({@link #startAll}).
     */
    static List<NodeProcess> cluster(Path dir, int size, Map<String, String> overrides) {
        List<NodeProcess> nodes = new ArrayList<>();
        for (int i = 1; i <= size; i++) {
            Map<String, String> props = new java.util.LinkedHashMap<>(overrides);
            props.put("node.id", Integer.toString(i));
            nodes.add(new NodeProcess(dir.resolve("node-" + i), props));
        }
        StringBuilder voters = new StringBuilder();
        for (int i = 0; i < size; i++) {
            voters.append(i == 0 ? "" : ",").append(i + 1).append("@127.0.0.1:").append(nodes.get(i).controllerPort);
        }
        nodes.forEach(n -> n.overrides.put("controller.quorum.voters", voters.toString()));
        return nodes;
    }

    /**
     * A broker-only node ({@code process.roles=broker}) with data under {@code dir}/node-N, given only what a
     * broker-only node needs: its id, the voter list of {@code voters} (a {@link #cluster}) and its client listener.
     * It follows the metadata log as a Ratis listener; start it once a quorum of the voters runs.
     */
    static NodeProcess brokerOnly(Path dir, int nodeId, List<NodeProcess> voters, Map<String, String> overrides) {
        Map<String, String> props = new java.util.LinkedHashMap<>(overrides);
        props.put("node.id", Integer.toString(nodeId));
        props.put("process.roles", "broker");
        props.put("controller.quorum.voters", voters.getFirst().overrides.get("controller.quorum.voters"));
        NodeProcess node = new NodeProcess(dir.resolve("node-" + nodeId), props);
        node.overrides.put("listeners", "PLAINTEXT://127.0.0.1:" + node.clientPort);
        return node;
    }

    /**
     * Runs this node's JVM with the JVM's default compiler and collector instead of the cheaper-to-start ones of
     * {@link NodeJvm#options()}: for tests that measure how fast a node answers.
     */
    NodeProcess withProductionJvm() {
        productionJvm = true;
        return this;
    }

    /** Sets a config of this node for its next start ({@code broker.rack}, say). */
    NodeProcess override(String key, String value) {
        overrides.put(key, value);
        return this;
    }

    /** Starts the given nodes in parallel and waits until each serves clients. */
    static void startAll(List<NodeProcess> nodes) throws Exception {
        List<Thread> starters = new ArrayList<>();
        java.util.Queue<Exception> failures = new java.util.concurrent.ConcurrentLinkedQueue<>();
        for (NodeProcess node : nodes) {
            starters.add(Thread.ofPlatform().start(() -> {
                try {
                    node.start();
                } catch (Exception e) {
                    failures.add(e);
                }
            }));
        }
        for (Thread t : starters) {
            t.join();
        }
        if (!failures.isEmpty()) {
            throw failures.peek();
        }
    }

    String bootstrap() {
        return "127.0.0.1:" + clientPort;
    }

    /** The port of the node's HTTP listener (configured as 0), from the line the node logs when it serves HTTP. */
    int httpPort() throws IOException {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("Serving HTTP on /127\\.0\\.0\\.1:(\\d+)")
                .matcher(output());
        if (!m.find()) {
            throw new IllegalStateException("The node has not logged its HTTP listener");
        }
        return Integer.parseInt(m.group(1));
    }

    /** The port of its metadata quorum listener, for the voter lists of a cluster. */
    int controllerPort() {
        return controllerPort;
    }

    Path logDir() {
        return dataDir.resolve("logs");
    }

    /** How long the last start took, from launching the JVM to serving clients. */
    Duration lastStartTime() {
        return lastStartTime;
    }

    long pid() {
        return process.pid();
    }

    void start() throws IOException {
        List<String> command = new ArrayList<>();
        if (maxOpenFiles.isPresent()) {
            // The shell sets the soft and hard limits and then becomes the JVM, which keeps the shell's PID.
            command.addAll(List.of("sh", "-c", "ulimit -n " + maxOpenFiles.getAsInt() + " && exec \"$0\" \"$@\""));
        }
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.add("--enable-native-access=ALL-UNNAMED");
        command.add("-Xmx512m");
        command.addAll(productionJvm ? NodeJvm.productionOptions() : NodeJvm.options());
        command.add("-cp");
        command.add(NodeJvm.classPath());
        command.add("io.strata.cli.StrataCli");
        command.add("server");
        Map<String, String> props = new java.util.LinkedHashMap<>();
        props.put("node.id", "1");
        props.put("listeners", "PLAINTEXT://127.0.0.1:" + clientPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
        props.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        props.put("log.dirs", logDir().toString());
        props.put("http.listeners", "HTTP://127.0.0.1:0"); // several nodes per host: never the default port
        props.putAll(overrides);
        props.forEach((k, v) -> {
            command.add("--override");
            command.add(k + "=" + v);
        });
        Files.createDirectories(dataDir);
        Path output = dataDir.resolve("node-" + (++starts) + ".out");
        long begin = System.nanoTime();
        process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(20)).until(() -> {
            if (!process.isAlive()) {
                throw new IllegalStateException("Node exited with " + process.exitValue() + ":\n"
                        + Files.readString(output, StandardCharsets.UTF_8));
            }
            return Files.readString(output, StandardCharsets.UTF_8).contains("clients connect to");
        });
        lastStartTime = Duration.ofNanos(System.nanoTime() - begin);
    }

    /** SIGKILL: no shutdown hook, no flush, no clean-shutdown marker. */
    void kill9() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGSTOP: the process stays, silent, holding its sockets (a long GC pause or a hung host). */
    void pause() throws IOException, InterruptedException {
        signal("STOP");
    }

    /** SIGCONT after {@link #pause}. */
    void resume() throws IOException, InterruptedException {
        signal("CONT");
    }

    private void signal(String name) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed");
        }
    }

    boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** SIGTERM, waiting for the clean shutdown; returns the exit code. */
    int stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
            throw new IllegalStateException("Node did not stop within 60 s of SIGTERM");
        }
        return process.exitValue();
    }

    String output() throws IOException {
        return Files.readString(dataDir.resolve("node-" + starts + ".out"), StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
