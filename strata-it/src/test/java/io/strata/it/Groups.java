package io.strata.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/** What the consumer-group tests share: topics to consume, keyed records, and waiting for a settled assignment. */
final class Groups {

    private Groups() {
    }

    static void createTopic(String bootstrap, String topic, int partitions) throws Exception {
        try (Admin admin = Clients.admin(bootstrap)) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get();
        }
    }

    /** Produces values {@code prefix-from .. prefix-(to-1)} spread over the partitions by key; returns them. */
    static Set<String> produce(String bootstrap, String topic, String prefix, int from, int to) {
        Set<String> values = new HashSet<>();
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(bootstrap, Map.of())) {
            for (int i = from; i < to; i++) {
                String value = prefix + "-" + i;
                values.add(value);
                producer.send(new ProducerRecord<>(topic, ("k" + i).getBytes(StandardCharsets.UTF_8),
                        value.getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush();
        }
        return values;
    }

    static Set<String> values(Queue<GroupWorker.Consumed> sink) {
        return sink.stream().map(GroupWorker.Consumed::value).collect(Collectors.toSet());
    }

    static Set<TopicPartition> partitions(String topic, int count) {
        return IntStream.range(0, count).mapToObj(p -> new TopicPartition(topic, p)).collect(Collectors.toSet());
    }

    /**
     * Waits until the workers' assignments are disjoint, even (one topic, range or uniform assignor) and together
     * cover {@code expected}.
     */
    static void awaitAssignment(Set<TopicPartition> expected, GroupWorker... workers) {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            List<TopicPartition> all = new ArrayList<>();
            for (GroupWorker w : workers) {
                assertThat(w.failure()).isNull();
                assertThat(w.assignment()).hasSize(expected.size() / workers.length);
                all.addAll(w.assignment());
            }
            assertThat(all).doesNotHaveDuplicates();
            assertThat(Set.copyOf(all)).isEqualTo(expected);
        });
    }
}
