package io.strata.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Committed offsets live in {@code __consumer_offsets}: they survive restarting the consumers and the node, so that
 * a group resumes where it left off and reads nothing twice.
 */
class ConsumerGroupRestartIT {

    @TempDir
    Path dir;

    private static void produce(String bootstrap, String topic, int from, int to) {
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(bootstrap, Map.of())) {
            for (int i = from; i < to; i++) {
                producer.send(new ProducerRecord<>(topic, ("k" + i).getBytes(StandardCharsets.UTF_8),
                        ("v" + i).getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush();
        }
    }

    @Test
    void committedOffsetsSurviveConsumerAndNodeRestarts() throws Exception {
        String topic = "durable";
        try (TestNode node = TestNode.start(dir, Map.of("group.initial.rebalance.delay.ms", "0"))) {
            try (Admin admin = Clients.admin(node.bootstrap())) {
                admin.createTopics(List.of(new NewTopic(topic, 3, (short) 1))).all().get();
            }
            produce(node.bootstrap(), topic, 0, 300);
            Queue<GroupWorker.Consumed> first = GroupWorker.sink();
            try (GroupWorker worker = GroupWorker.start(node.bootstrap(), "durable-group", topic, first, Map.of())) {
                await().atMost(Duration.ofSeconds(30)).until(() -> first.size() == 300);
            }
            Map<TopicPartition, OffsetAndMetadata> committed;
            try (Admin admin = Clients.admin(node.bootstrap())) {
                committed = admin.listConsumerGroupOffsets("durable-group").partitionsToOffsetAndMetadata().get();
            }
            assertThat(committed.values().stream().mapToLong(OffsetAndMetadata::offset).sum()).isEqualTo(300);

            // Restarting the consumers alone: nothing is read again.
            produce(node.bootstrap(), topic, 300, 400);
            Queue<GroupWorker.Consumed> second = GroupWorker.sink();
            try (GroupWorker worker = GroupWorker.start(node.bootstrap(), "durable-group", topic, second, Map.of())) {
                await().atMost(Duration.ofSeconds(30)).until(() -> second.size() >= 100);
            }
            assertThat(second).hasSize(100).allSatisfy(c -> assertThat(Integer.parseInt(c.value().substring(1)))
                    .isGreaterThanOrEqualTo(300));

            node.restart();

            try (Admin admin = Clients.admin(node.bootstrap())) {
                assertThat(admin.listConsumerGroupOffsets("durable-group").partitionsToOffsetAndMetadata().get()
                        .values().stream().mapToLong(OffsetAndMetadata::offset).sum()).isEqualTo(400);
            }
            produce(node.bootstrap(), topic, 400, 450);
            Queue<GroupWorker.Consumed> third = GroupWorker.sink();
            try (GroupWorker worker = GroupWorker.start(node.bootstrap(), "durable-group", topic, third, Map.of())) {
                await().atMost(Duration.ofSeconds(30)).until(() -> third.size() >= 50);
            }
            assertThat(third).hasSize(50).allSatisfy(c -> assertThat(Integer.parseInt(c.value().substring(1)))
                    .isGreaterThanOrEqualTo(400));
        }
    }
}
