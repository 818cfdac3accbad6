package io.strata.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
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
import org.apache.kafka.common.header.internals.RecordHeader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ground-floor promise: what an idempotent acks=all producer writes, a consumer reads back exactly once, in
 * order per key, byte for byte, with its headers and timestamps.
 */
class ProduceConsumeIT {

    private static final int RECORDS = 200_000;
    private static final int PARTITIONS = 6;
    private static final long BASE_TIMESTAMP = 1_700_000_000_000L;

    @TempDir
    static Path dir;
    static TestNode node;

    @BeforeAll
    static void startNode() throws Exception {
        node = TestNode.start(dir);
    }

    @AfterAll
    static void stopNode() {
        node.close();
    }

    static byte[] value(int i) {
        byte[] v = new byte[20 + (i % 200)];
        new Random(i).nextBytes(v);
        return v;
    }

    static byte[] key(int i) {
        return ("key-" + (i % 997)).getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void idempotentProducerRecordsAreReadBackExactlyOnceInOrderPerKey() throws Exception {
        String topic = "orders";
        try (Admin admin = Clients.admin(node.bootstrap())) {
            admin.createTopics(List.of(new NewTopic(topic, PARTITIONS, (short) 1))).all().get();
        }
        Map<Integer, RecordMetadata> acked = new HashMap<>();
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(node.bootstrap(), Map.of(
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 5))) {
            List<Future<RecordMetadata>> futures = new ArrayList<>(RECORDS);
            for (int i = 0; i < RECORDS; i++) {
                ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, null, BASE_TIMESTAMP + i, key(i),
                        value(i), List.of(new RecordHeader("seq", ByteBuffer.allocate(4).putInt(i).array()),
                        new RecordHeader("source", "it".getBytes(StandardCharsets.UTF_8))));
                futures.add(producer.send(record));
            }
            producer.flush();
            for (int i = 0; i < RECORDS; i++) {
                acked.put(i, futures.get(i).get());
            }
        }
        assertThat(acked.values().stream().map(RecordMetadata::partition).distinct()).hasSize(PARTITIONS);

        boolean[] seen = new boolean[RECORDS];
        Map<String, Integer> lastSeqPerKey = new HashMap<>();
        int count = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = Clients.consumer(node.bootstrap(), Map.of())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (int p = 0; p < PARTITIONS; p++) {
                partitions.add(new TopicPartition(topic, p));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (count < RECORDS && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    int i = ByteBuffer.wrap(r.headers().lastHeader("seq").value()).getInt();
                    assertThat(seen[i]).as("record %d read twice", i).isFalse();
                    seen[i] = true;
                    count++;
                    assertThat(r.key()).isEqualTo(key(i));
                    assertThat(r.value()).isEqualTo(value(i));
                    assertThat(r.timestamp()).isEqualTo(BASE_TIMESTAMP + i);
                    assertThat(new String(r.headers().lastHeader("source").value(), StandardCharsets.UTF_8))
                            .isEqualTo("it");
                    RecordMetadata meta = acked.get(i);
                    assertThat(r.partition()).isEqualTo(meta.partition());
                    assertThat(r.offset()).isEqualTo(meta.offset());
                    String key = new String(r.key(), StandardCharsets.UTF_8);
                    Integer previous = lastSeqPerKey.put(key, i);
                    assertThat(previous == null || previous < i).as("order of key %s", key).isTrue();
                }
            }
            // Nothing beyond what was produced.
            assertThat(consumer.poll(Duration.ofMillis(200))).isEmpty();
        }
        assertThat(count).isEqualTo(RECORDS);
        int missing = (int) java.util.stream.IntStream.range(0, RECORDS).filter(i -> !seen[i]).count();
        assertThat(missing).isZero();
    }
}
