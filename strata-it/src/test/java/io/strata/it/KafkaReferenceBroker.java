package io.strata.it;

import static org.awaitility.Awaitility.await;

import io.strata.testkit.Ports;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import kafka.tools.StorageTool;
import org.apache.kafka.common.Uuid;

/**
 * A real Apache Kafka broker (the version of our kafka-clients pin, from the {@code kafka_2.13} jar on this module's
 * test class path) for reference tests that check Strata's answers against Kafka's: one KRaft node, broker and
 * controller combined, on 127.0.0.1 ports from {@link Ports}, with its data in a test directory. The log dir is
 * formatted in this JVM ({@code kafka.tools.StorageTool format}); the broker runs as a child JVM
 * ({@code kafka.Kafka server.properties}), which keeps Kafka's static state out of the test JVM and is stopped by
 * its PID. Test scope only: main code never depends on Kafka's server.
 *
 * <p>Not thread-safe: one test thread drives it.
 */
final class KafkaReferenceBroker implements AutoCloseable {

    private static final String STARTED = "Kafka Server started";

    private final Path dir;
    private final int clientPort = Ports.free();
    private final int controllerPort = Ports.free();
    private Process process;

    private KafkaReferenceBroker(Path dir) {
        this.dir = dir;
    }

    /** Formats {@code dir} and starts the broker, waiting until it has started (at most 90 s). */
    static KafkaReferenceBroker start(Path dir) throws Exception {
        KafkaReferenceBroker broker = new KafkaReferenceBroker(dir);
        broker.launch();
        return broker;
    }

    String bootstrap() {
        return "127.0.0.1:" + clientPort;
    }

    int port() {
        return clientPort;
    }

    private void launch() throws Exception {
        Files.createDirectories(dir);
        Path config = dir.resolve("server.properties");
        Files.writeString(config, String.join("\n",
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
                "listeners=PLAINTEXT://127.0.0.1:" + clientPort + ",CONTROLLER://127.0.0.1:" + controllerPort,
                "advertised.listeners=PLAINTEXT://127.0.0.1:" + clientPort,
                "inter.broker.listener.name=PLAINTEXT",
                "controller.listener.names=CONTROLLER",
                "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
                "log.dirs=" + dir.resolve("data"),
                "auto.create.topics.enable=false",
                "offsets.topic.replication.factor=1",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "share.coordinator.state.topic.replication.factor=1",
                "share.coordinator.state.topic.min.isr=1",
                "group.initial.rebalance.delay.ms=0",
                // a test broker on a shared 2-core machine: few threads
                "num.network.threads=1",
                "num.io.threads=2",
                "background.threads=2",
                ""));
        ByteArrayOutputStream formatOutput = new ByteArrayOutputStream();
        int formatted = StorageTool.execute(new String[] {"format", "-t", Uuid.randomUuid().toString(), "-c",
                config.toString()}, new PrintStream(formatOutput, true, StandardCharsets.UTF_8));
        if (formatted != 0) {
            throw new IllegalStateException("kafka-storage format failed (" + formatted + "): " + formatOutput);
        }
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.add("--enable-native-access=ALL-UNNAMED");
        command.add("-Xmx512m");
        // Start-up time dominates this broker's life: C1 only, one GC thread.
        command.add("-XX:TieredStopAtLevel=1");
        command.add("-XX:+UseSerialGC");
        command.add("-cp");
        command.add(System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")));
        command.add("kafka.Kafka");
        command.add(config.toString());
        Path output = dir.resolve("kafka.out");
        process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        // A test JVM that exits without running @AfterAll (a fork timeout) must not leave a broker behind.
        Process started = process;
        Runtime.getRuntime().addShutdownHook(new Thread(started::destroyForcibly));
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(50)).until(() -> {
            if (!process.isAlive()) {
                throw new IllegalStateException("Kafka exited with " + process.exitValue() + ":\n"
                        + Files.readString(output, StandardCharsets.UTF_8));
            }
            return Files.readString(output, StandardCharsets.UTF_8).contains(STARTED);
        });
    }

    /** SIGKILL to its PID: the broker's data is thrown away with the test directory. */
    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
