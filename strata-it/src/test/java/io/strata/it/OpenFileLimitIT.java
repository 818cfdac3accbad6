package io.strata.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.PolicyViolationException;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node with a low open-file limit ({@code ulimit -n 1024}) refuses new partitions, and then new connections,
 * before it runs out of descriptors, and keeps serving the partitions and clients it has.
 */
class OpenFileLimitIT {

    @TempDir
    Path dir;

    @Test
    void nearTheOpenFileLimitNewPartitionsAndConnectionsAreRefusedAndTheNodeKeepsServing() throws Exception {
        try (NodeProcess node = new NodeProcess(dir, Map.of(), OptionalInt.of(1024))) {
            node.start();
            String bootstrap = node.bootstrap();
            int port = Integer.parseInt(bootstrap.substring(bootstrap.lastIndexOf(':') + 1));
            try (Admin admin = Clients.admin(bootstrap)) {
                admin.createTopics(List.of(new NewTopic("kept", 1, (short) 1))).all().get();
                // 1,024 descriptors hold a few hundred partitions at most: one of these requests must be refused.
                PolicyViolationException refused = null;
                for (int i = 0; i < 40 && refused == null; i++) {
                    try {
                        admin.createTopics(List.of(new NewTopic("bulk-" + i, 50, (short) 1))).all().get();
                    } catch (ExecutionException e) {
                        assertThat(e.getCause()).isInstanceOf(PolicyViolationException.class);
                        refused = (PolicyViolationException) e.getCause();
                    }
                }
                assertThat(refused).isNotNull();
                assertThat(refused.getMessage()).contains("Not enough file descriptors");
                assertThatThrownBy(() -> admin.createPartitions(Map.of("kept", NewPartitions.increaseTo(500)))
                        .all().get()).hasCauseInstanceOf(PolicyViolationException.class);
            }
            produceAndConsume(bootstrap, "kept");

            // Connections fill what is left above the node's own share; then new ones are closed at once.
            List<RawClient> open = new ArrayList<>();
            try {
                boolean refusedConnection = false;
                for (int i = 0; i < 600 && !refusedConnection; i++) {
                    RawClient client = new RawClient(port);
                    open.add(client);
                    try {
                        client.request(new ApiVersionsRequest(new ApiVersionsRequestData(), (short) 0));
                    } catch (IOException e) {
                        refusedConnection = true;
                    }
                }
                assertThat(refusedConnection).isTrue();
                await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(node.output())
                        .contains("Refusing new connections: near the open-file limit"));
            } finally {
                for (RawClient client : open) {
                    client.close();
                }
            }
            // Once those clients are gone, new ones are let in again.
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> {
                try (RawClient client = new RawClient(port)) {
                    client.request(new ApiVersionsRequest(new ApiVersionsRequestData(), (short) 0));
                }
            });
            produceAndConsume(bootstrap, "kept");
        }
    }

    private static void produceAndConsume(String bootstrap, String topic) throws Exception {
        String value = "v-" + System.nanoTime();
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(bootstrap, Map.of())) {
            producer.send(new ProducerRecord<>(topic, 0, null, value.getBytes(StandardCharsets.UTF_8))).get();
        }
        try (KafkaConsumer<byte[], byte[]> consumer = Clients.consumer(bootstrap, Map.of())) {
            TopicPartition tp = new TopicPartition(topic, 0);
            consumer.assign(List.of(tp));
            List<String> values = new ArrayList<>();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(200))
                        .forEach(r -> values.add(new String(r.value(), StandardCharsets.UTF_8)));
                return values.contains(value);
            });
        }
    }
}
