package io.strata.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.strata.testkit.Ports;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.cli.ConnectDistributed;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kafka Connect 4.3.1 with {@code exactly.once.source.support=enabled}: a distributed worker ({@link
 * ConnectDistributed}, a child JVM so that it can be killed with SIGKILL) keeps its config, offset and status topics
 * (compacted, the config topic written in transactions by the leader) on one Strata node and runs {@link
 * SequenceSourceConnector}, which writes sequence numbers one transaction a poll, with its source offset in the same
 * transaction. The worker is killed mid-run and started again: the restarted worker fences the dead task's
 * transactional producer, resumes from the last committed source offset, and a {@code read_committed} consumer sees
 * every sequence number exactly once, in order; the committed source offset (Connect's REST API) is the end.
 */
class ConnectExactlyOnceIT {

    private static final long RECORDS = 3_000;
    private static final String OUTPUT = "sequence";
    private static final String CONNECTOR = "sequence-source";

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void aSourceConnectorKilledMidRunAndRestartedWritesEverySourceRecordExactlyOnce() throws Exception {
        try (TestNode node = TestNode.start(dir.resolve("node"), Map.of("transaction.state.log.num.partitions", "3",
                "offsets.topic.num.partitions", "3", "group.initial.rebalance.delay.ms", "0",
                "group.min.session.timeout.ms", "1000"));
             Admin admin = Clients.admin(node.bootstrap());
             KafkaConsumer<byte[], byte[]> consumer = Clients.consumer(node.bootstrap(),
                     Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"))) {
            admin.createTopics(List.of(new NewTopic(OUTPUT, 1, (short) 1))).all().get();
            TopicPartition partition = new TopicPartition(OUTPUT, 0);
            consumer.assign(List.of(partition));
            List<Long> seen = new ArrayList<>();
            int restPort = Ports.free();
            Path workerProps = workerProperties(node.bootstrap(), restPort);

            try (Worker first = Worker.start(workerProps, dir.resolve("worker-1.out"))) {
                awaitRest(first, restPort);
                put(restPort, "/connectors/" + CONNECTOR + "/config", """
                        {"connector.class": "%s", "tasks.max": "1", "exactly.once.support": "required",
                         "topic": "%s", "count": "%d", "batch": "10", "poll.interval.ms": "5"}"""
                        .formatted(SequenceSourceConnector.class.getName(), OUTPUT, RECORDS));
                // Killed while the task is writing: some transactions committed, one most likely open.
                await().atMost(Duration.ofSeconds(120)).until(() -> {
                    first.checkAlive();
                    consumer.poll(Duration.ofMillis(100)).forEach(r -> seen.add(seq(r.value())));
                    return seen.size() >= RECORDS / 4;
                });
            }
            assertThat(seen.size()).as("records read before the kill: the connector had not written everything")
                    .isLessThan((int) RECORDS);

            try (Worker second = Worker.start(workerProps, dir.resolve("worker-2.out"))) {
                await().atMost(Duration.ofSeconds(120)).until(() -> {
                    second.checkAlive();
                    consumer.poll(Duration.ofMillis(100)).forEach(r -> seen.add(seq(r.value())));
                    return seen.size() >= RECORDS
                            && consumer.position(partition) >= consumer.endOffsets(List.of(partition)).get(partition);
                });
                assertThat(Sequences.mismatch(seen, RECORDS)).as("sequence numbers read with read_committed")
                        .isEmpty();
                assertThat(get(restPort, "/connectors/" + CONNECTOR + "/offsets"))
                        .as("committed source offset").contains("\"next\":" + RECORDS);
            }
        }
    }

    private Path workerProperties(String bootstrap, int restPort) throws IOException {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("group.id", "connect-eos");
        p.put("listeners", "http://127.0.0.1:" + restPort);
        p.put("exactly.once.source.support", "enabled");
        p.put("config.storage.topic", "connect-configs");
        p.put("offset.storage.topic", "connect-offsets");
        p.put("status.storage.topic", "connect-status");
        p.put("config.storage.replication.factor", "1");
        p.put("offset.storage.replication.factor", "1");
        p.put("status.storage.replication.factor", "1");
        p.put("offset.storage.partitions", "3");
        p.put("status.storage.partitions", "1");
        p.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
        p.put("value.converter", "org.apache.kafka.connect.storage.StringConverter");
        // The test connector is found through its ServiceLoader manifest; no scan of the whole class path.
        p.put("plugin.discovery", "service_load");
        // A killed worker's connector and task go to the next worker as soon as its session expires.
        p.put("session.timeout.ms", "3000");
        p.put("heartbeat.interval.ms", "500");
        p.put("scheduled.rebalance.max.delay.ms", "0");
        Path file = dir.resolve("worker.properties");
        try (var out = Files.newBufferedWriter(file)) {
            p.store(out, null);
        }
        return file;
    }

    private void awaitRest(Worker worker, int port) {
        await().atMost(Duration.ofSeconds(120)).ignoreExceptions().until(() -> {
            worker.checkAlive();
            return get(port, "/connectors").equals("[]");
        });
    }

    private String get(int port, String path) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("GET %s: %s", path, r.body()).isEqualTo(200);
        return r.body();
    }

    private void put(int port, String path, String json) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("PUT %s: %s", path, r.body()).isBetween(200, 201);
    }

    private static long seq(byte[] value) {
        return Long.parseLong(new String(value, StandardCharsets.UTF_8));
    }

    /** A Connect worker in its own JVM; closing it is SIGKILL. */
    private record Worker(Process process, Path output) implements AutoCloseable {

        static Worker start(Path properties, Path output) throws IOException {
            List<String> command = List.of(ProcessHandle.current().info().command().orElse("java"), "-Xmx384m",
                    "-cp", System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
                    ConnectDistributed.class.getName(), properties.toString());
            return new Worker(new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile())
                    .start(), output);
        }

        void checkAlive() throws IOException {
            if (!process.isAlive()) {
                List<String> lines = Files.readAllLines(output);
                throw new IllegalStateException("Connect worker exited with " + process.exitValue() + ":\n"
                        + String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size())));
            }
        }

        @Override
        public void close() throws InterruptedException {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
