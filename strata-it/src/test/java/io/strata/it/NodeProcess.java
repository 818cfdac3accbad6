package io.strata.it;

import static org.awaitility.Awaitility.await;

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

    String bootstrap() {
        return "127.0.0.1:" + clientPort;
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
        command.add("-cp");
        command.add(System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")));
        command.add("io.strata.cli.StrataCli");
        command.add("server");
        Map<String, String> props = new java.util.LinkedHashMap<>();
        props.put("node.id", "1");
        props.put("listeners", "PLAINTEXT://127.0.0.1:" + clientPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
        props.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        props.put("log.dirs", logDir().toString());
        props.putAll(overrides);
        props.forEach((k, v) -> {
            command.add("--override");
            command.add(k + "=" + v);
        });
        Path output = dataDir.resolve("node-" + (++starts) + ".out");
        long begin = System.nanoTime();
        process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(20)).until(() -> {
            if (!process.isAlive()) {
                throw new IllegalStateException("Node exited with " + process.exitValue() + ":\n"
                        + Files.readString(output, StandardCharsets.UTF_8));
            }
            return Files.readString(output, StandardCharsets.UTF_8).contains("started in");
        });
        lastStartTime = Duration.ofNanos(System.nanoTime() - begin);
    }

    /** SIGKILL: no shutdown hook, no flush, no clean-shutdown marker. */
    void kill9() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
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
