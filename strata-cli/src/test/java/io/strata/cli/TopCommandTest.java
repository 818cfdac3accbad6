package io.strata.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code strata top --once} against a real node while a producer writes: the frame shows the topic's throughput
 * from the node's {@code /metrics} and the lag of a group that committed part of it, as a table and as JSON.
 */
class TopCommandTest {

    private static final String TOPIC = "top-orders";
    private static final String GROUP = "top-billing";

    @TempDir
    static Path dir;
    static TestNode node;

    @BeforeAll
    static void start() throws Exception {
        node = TestNode.start(dir);
        node.admin().createTopics(List.of(new NewTopic(TOPIC, 2, (short) 1))).all().get();
        for (int i = 0; i < 40; i++) {
            node.producer().send(new ProducerRecord<>(TOPIC, i % 2, "k" + i, "v" + i));
        }
        node.producer().flush();
        // 40 records, 10 of each partition committed: a lag of 30.
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        offsets.put(new TopicPartition(TOPIC, 0), new OffsetAndMetadata(10));
        offsets.put(new TopicPartition(TOPIC, 1), new OffsetAndMetadata(10));
        node.admin().alterConsumerGroupOffsets(GROUP, offsets).all().get();
    }

    @AfterAll
    static void stop() {
        if (node != null) {
            node.close();
        }
    }

    @Test
    void onceShowsThroughputPerTopicAndLagPerGroupAsJson() throws Exception {
        AtomicBoolean producing = new AtomicBoolean(true);
        Thread producer = Thread.ofVirtual().start(() -> {
            while (producing.get()) {
                node.producer().send(new ProducerRecord<>(TOPIC, 0, "k", "x".repeat(100)));
            }
        });
        Cli.Result result;
        try {
            result = Cli.run(node, "top", "--once", "--interval", "1s", "--metrics", node.metricsUrl(), "-o",
                    "json");
        } finally {
            producing.set(false);
            producer.join(Duration.ofSeconds(10));
        }
        assertThat(result.exit()).as(result.err()).isZero();
        JsonNode frame = result.json();
        assertThat(frame.get("intervalMs").asLong()).isGreaterThanOrEqualTo(1000);
        JsonNode topic = find(frame.get("topics"), "topic", TOPIC);
        assertThat(topic.get("bytesInPerSec").asDouble()).isPositive();
        assertThat(topic.get("messagesInPerSec").asDouble()).isPositive();
        JsonNode group = find(frame.get("groups"), "group", GROUP);
        assertThat(group.get("state").asText()).isEqualTo("Empty");
        assertThat(group.get("members").asInt()).isZero();
        // The lag only grows while the producer writes to partition 0: at least the 30 before it started.
        assertThat(group.get("lag").asLong()).isGreaterThanOrEqualTo(30);
        assertThat(frame.get("notes")).isEmpty();
    }

    @Test
    void onceAsATable() {
        Cli.Result result = Cli.run(node, "top", "--once", "--interval", "200ms", "--metrics", node.metricsUrl());
        assertThat(result.exit()).as(result.err()).isZero();
        assertThat(result.out()).contains("TOPIC", "BYTES-IN/S", "GROUP", "LAG-CHANGE/S");
        assertThat(result.lines()).anySatisfy(line -> assertThat(line).startsWith(TOPIC));
        assertThat(result.lines()).anySatisfy(line -> assertThat(line).startsWith(GROUP).contains("Empty"));
    }

    @Test
    void anUnreachableMetricsEndpointIsANoteNotAFailure() {
        Cli.Result result = Cli.run(node, "top", "--once", "--interval", "100ms", "--metrics",
                "http://127.0.0.1:1/metrics", "-o", "json");
        assertThat(result.exit()).as(result.err()).isZero();
        assertThat(result.json().get("notes").get(0).asText()).startsWith("cannot read http://127.0.0.1:1/metrics");
        assertThat(find(result.json().get("groups"), "group", GROUP).get("lag").asLong()).isGreaterThanOrEqualTo(30);
    }

    @Test
    void aBadIntervalIsAUsageError() {
        assertThat(Cli.run(node, "top", "--once", "--interval", "10ms").exit()).isEqualTo(2);
        assertThat(Cli.run(node, "top", "--interval", "soon").exit()).isEqualTo(2);
    }

    private static JsonNode find(JsonNode array, String field, String value) {
        for (JsonNode n : array) {
            if (n.get(field).asText().equals(value)) {
                return n;
            }
        }
        throw new AssertionError("no " + field + "=" + value + " in " + array);
    }
}
