package io.strata.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.TopicPartitionInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Apache Kafka's own system-test clients, {@code VerifiableProducer} (acks=all) and {@code VerifiableConsumer} (a
 * consumer group committing as it goes), each its own process, against three real Strata processes while the
 * leader of a partition is killed with {@code kill -9} and restarted: every acknowledged message is consumed, and
 * every partition's offsets are consumed without a gap.
 */
class VerifiableClientsIT {

    private static final String TOPIC = "verifiable";
    private static final int PARTITIONS = 3;
    private static final int MESSAGES = 12_000;

    @TempDir
    Path dir;

    private final List<NodeProcess> nodes = new ArrayList<>();
    private final List<JsonLinesProcess> tools = new ArrayList<>();

    /** A record as both tools print it. */
    private record Message(int partition, long offset, String value) {
        static Message of(JsonNode event) {
            return new Message(event.path("partition").asInt(), event.path("offset").asLong(),
                    event.path("value").asText());
        }
    }

    @AfterEach
    void tearDown() throws Exception {
        for (JsonLinesProcess tool : tools) {
            tool.close();
        }
        for (NodeProcess node : nodes) {
            node.close();
        }
    }

    @Test
    void everyAcknowledgedMessageIsConsumedThroughABrokerCrash() throws Exception {
        nodes.addAll(NodeProcess.cluster(dir, 3, Map.of("broker.session.timeout.ms", "3000",
                "replica.lag.time.max.ms", "5000", "replica.fetch.wait.max.ms", "100")));
        NodeProcess.startAll(nodes);
        String bootstrap = String.join(",", nodes.stream().map(NodeProcess::bootstrap).toList());
        try (Admin admin = Clients.admin(bootstrap)) {
            admin.createTopics(List.of(new NewTopic(TOPIC, PARTITIONS, (short) 3)
                    .configs(Map.of("min.insync.replicas", "2")))).all().get();

            JsonLinesProcess consumer = tool("org.apache.kafka.tools.VerifiableConsumer", "consumer",
                    "--bootstrap-server", bootstrap, "--topic", TOPIC, "--group-id", "verifiable",
                    "--group-protocol", "classic", "--reset-policy", "earliest", "--verbose");
            JsonLinesProcess producer = tool("org.apache.kafka.tools.VerifiableProducer", "producer",
                    "--bootstrap-server", bootstrap, "--topic", TOPIC, "--max-messages", Integer.toString(MESSAGES),
                    "--throughput", "1000", "--acks", "-1");

            await().atMost(Duration.ofSeconds(60)).until(() -> producer.count("producer_send_success") >= 3000);
            NodeProcess victim = nodes.get(leaderOfPartitionZero(admin) - 1);
            victim.kill9();
            long ackedAtKill = producer.count("producer_send_success");
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> producer.count("producer_send_success") >= ackedAtKill + 2000);
            victim.start();

            assertThat(producer.awaitExit(120, TimeUnit.SECONDS)).as("VerifiableProducer exit status").isZero();
            Set<Message> acked = new HashSet<>(producer.events("producer_send_success").stream()
                    .map(Message::of).toList());
            assertThat(acked).hasSizeGreaterThan(MESSAGES / 2);

            await().atMost(Duration.ofSeconds(120)).until(() -> consumed(consumer).containsAll(acked));
            consumer.stop();
            Set<Message> consumed = consumed(consumer);
            assertThat(consumed).containsAll(acked);
            Map<Integer, TreeSet<Long>> offsets = new TreeMap<>();
            consumed.forEach(m -> offsets.computeIfAbsent(m.partition(), p -> new TreeSet<>()).add(m.offset()));
            offsets.forEach((partition, seen) -> assertThat(seen.last() + 1)
                    .as("offsets of partition %d consumed without a gap", partition).isEqualTo(seen.size()));
        }
    }

    private JsonLinesProcess tool(String mainClass, String name, String... args) throws Exception {
        JsonLinesProcess process = JsonLinesProcess.start(mainClass, List.of(args), dir.resolve(name + ".err"));
        tools.add(process);
        return process;
    }

    private static Set<Message> consumed(JsonLinesProcess consumer) {
        return new HashSet<>(consumer.events("record_data").stream().map(Message::of).toList());
    }

    private static int leaderOfPartitionZero(Admin admin) throws Exception {
        TopicPartitionInfo zero = admin.describeTopics(List.of(TOPIC)).allTopicNames().get().get(TOPIC)
                .partitions().getFirst();
        return zero.leader().id();
    }
}
