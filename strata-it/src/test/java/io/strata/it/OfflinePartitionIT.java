package io.strata.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.MetadataRequest;
import org.apache.kafka.common.requests.MetadataResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A partition whose log cannot be created is offline alone: the node reports it so in Metadata, keeps serving the
 * topic's other partitions and keeps creating topics.
 */
class OfflinePartitionIT {

    @TempDir
    Path dir;

    @Test
    void aLogThatCannotBeCreatedTakesOnlyItsPartitionOffline() throws Exception {
        try (TestNode node = TestNode.start(dir);
             Admin admin = Clients.admin(node.bootstrap())) {
            // A plain file where the partition's directory must go: its log cannot be created.
            Files.writeString(dir.resolve("logs").resolve("orders-1"), "in the way");
            admin.createTopics(List.of(new NewTopic("orders", 3, (short) 1))).all().get();

            TopicDescription described = admin.describeTopics(List.of("orders")).allTopicNames().get().get("orders");
            assertThat(described.partitions().get(1).leader()).isNull();
            assertThat(described.partitions().get(0).leader().id()).isEqualTo(1);
            try (RawClient raw = new RawClient(node.port())) {
                MetadataResponse metadata = raw.request(new MetadataRequest.Builder(List.of("orders"), false)
                        .build((short) 12));
                List<MetadataResponseData.MetadataResponsePartition> partitions =
                        metadata.data().topics().find("orders").partitions();
                assertThat(partitions.get(1).errorCode()).isEqualTo(Errors.LEADER_NOT_AVAILABLE.code());
                assertThat(partitions.get(1).offlineReplicas()).containsExactly(1);
                assertThat(partitions.get(0).offlineReplicas()).isEmpty();
                assertThat(partitions.get(2).errorCode()).isEqualTo(Errors.NONE.code());
            }

            try (KafkaProducer<byte[], byte[]> producer = Clients.producer(node.bootstrap(),
                    Map.of(ProducerConfig.ACKS_CONFIG, "all"))) {
                producer.send(new ProducerRecord<>("orders", 0, null, "zero".getBytes())).get();
                producer.send(new ProducerRecord<>("orders", 2, null, "two".getBytes())).get();
            }
            admin.createTopics(List.of(new NewTopic("after", 1, (short) 1))).all().get();
            try (KafkaConsumer<byte[], byte[]> consumer = Clients.consumer(node.bootstrap(), Map.of())) {
                TopicPartition p2 = new TopicPartition("orders", 2);
                consumer.assign(List.of(p2));
                consumer.seekToBeginning(List.of(p2));
                List<ConsumerRecord<byte[], byte[]>> read = Clients.poll(consumer, 1);
                assertThat(new String(read.get(0).value())).isEqualTo("two");
            }
        }
    }
}
