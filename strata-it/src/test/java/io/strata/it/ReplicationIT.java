package io.strata.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.strata.server.cluster.Partition;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Three nodes in this JVM: followers replicate their leaders' logs and acks=all waits for the in-sync replicas. */
class ReplicationIT {

    @TempDir
    Path dir;

    private List<TestNode> nodes = List.of();

    @AfterEach
    void stop() {
        nodes.forEach(TestNode::close);
    }

    @Test
    void followersReplicateEveryAcknowledgedRecord() throws Exception {
        nodes = TestNode.cluster(dir, 3, Map.of("replica.fetch.wait.max.ms", "100",
                "broker.session.timeout.ms", "3000"));
        TestNode.startAll(nodes);
        String bootstrap = nodes.get(0).bootstrap();
        try (Admin admin = Clients.admin(bootstrap)) {
            admin.createTopics(List.of(new NewTopic("replicated", 3, (short) 3))).all().get();
        }
        int count = 600;
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(bootstrap,
                Map.of(ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.LINGER_MS_CONFIG, 5))) {
            for (int i = 0; i < count; i++) {
                sent.add(producer.send(new ProducerRecord<>("replicated", i % 3, null, ("v" + i).getBytes())));
            }
            for (Future<RecordMetadata> f : sent) {
                f.get();
            }
        }
        // Every replica of every partition holds the acknowledged records, up to the high watermark.
        for (int p = 0; p < 3; p++) {
            TopicPartition tp = new TopicPartition("replicated", p);
            for (TestNode node : nodes) {
                Partition replica = node.server().replicas().partition(tp).orElseThrow();
                await().atMost(Duration.ofSeconds(30)).until(() -> replica.log().highWatermark() == count / 3);
                assertThat(replica.log().logEndOffset()).isEqualTo(count / 3);
            }
        }
        try (KafkaConsumer<byte[], byte[]> consumer = Clients.consumer(bootstrap, Map.of())) {
            List<TopicPartition> all = List.of(new TopicPartition("replicated", 0),
                    new TopicPartition("replicated", 1), new TopicPartition("replicated", 2));
            consumer.assign(all);
            consumer.seekToBeginning(all);
            List<ConsumerRecord<byte[], byte[]>> read = Clients.poll(consumer, count);
            assertThat(read).hasSize(count);
        }
    }
}
