package io.strata.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Log compaction end to end with the real clients: 10 keys with 1,000 versions each, then tombstones for 3 of
 * them, on a {@code cleanup.policy=compact} topic with small segments and a fast cleaner. After cleaning a full
 * read returns only the latest value of each live key, at the offset it was written to; once
 * {@code delete.retention.ms} has passed, the tombstoned keys are gone.
 */
class CompactionIT {
    private static final String TOPIC = "compacted";
    private static final TopicPartition TP = new TopicPartition(TOPIC, 0);
    private static final String SENTINEL = "sentinel";

    @TempDir
    Path dir;

    /** One record of a full read; value null for a tombstone. */
    record Read(long offset, String key, String value) {
    }

    @Test
    void keepsTheLatestValuePerKeyAndDropsTombstonesAfterDeleteRetention() throws Exception {
        try (TestNode node = TestNode.start(dir, Map.of("log.cleaner.backoff.ms", "100"));
             Admin admin = Clients.admin(node.bootstrap());
             KafkaProducer<byte[], byte[]> producer = Clients.producer(node.bootstrap(),
                     Map.of(ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.LINGER_MS_CONFIG, 5));
             KafkaConsumer<byte[], byte[]> consumer = Clients.consumer(node.bootstrap(), Map.of())) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1).configs(Map.of(
                    "cleanup.policy", "compact", "internal.segment.bytes", "16384", "segment.ms", "100",
                    "delete.retention.ms", "3000")))).all().get();

            Map<String, String> latest = new LinkedHashMap<>();
            Map<String, Future<RecordMetadata>> lastWrite = new HashMap<>();
            for (int version = 0; version < 1_000; version++) {
                for (int k = 0; k < 10; k++) {
                    String key = "key-" + k;
                    String value = key + "-v" + version;
                    lastWrite.put(key, producer.send(record(key, value)));
                    latest.put(key, value);
                }
            }
            for (int k = 7; k < 10; k++) {
                producer.send(record("key-" + k, null)).get();
                latest.remove("key-" + k);
            }
            producer.flush();
            Map<String, Long> latestOffsets = new HashMap<>();
            for (Map.Entry<String, String> e : latest.entrySet()) {
                latestOffsets.put(e.getKey(), lastWrite.get(e.getKey()).get().offset());
            }

            // Cleaning never touches the active segment: a later write (rolled by segment.ms) lets the last
            // versions and the tombstones become cleanable, as it would on a live topic.
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                producer.send(record(SENTINEL, "s")).get();
                List<Read> read = readAll(consumer);
                assertOnlyLatest(read, latest, latestOffsets);
                assertThat(read).filteredOn(r -> r.key().matches("key-[789]"))
                        .allSatisfy(r -> assertThat(r.value()).isNull());
            });
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                producer.send(record(SENTINEL, "s")).get();
                List<Read> read = readAll(consumer);
                assertOnlyLatest(read, latest, latestOffsets);
                assertThat(read).noneMatch(r -> r.key().matches("key-[789]"));
            });
        }
    }

    private static ProducerRecord<byte[], byte[]> record(String key, String value) {
        return new ProducerRecord<>(TOPIC, key.getBytes(StandardCharsets.UTF_8),
                value == null ? null : value.getBytes(StandardCharsets.UTF_8));
    }

    /** Every live key once, with its latest value at its original offset; the sentinel only ever says "s". */
    private static void assertOnlyLatest(List<Read> read, Map<String, String> latest, Map<String, Long> offsets) {
        List<Read> live = read.stream().filter(r -> latest.containsKey(r.key())).toList();
        List<Read> expected = new ArrayList<>();
        latest.forEach((k, v) -> expected.add(new Read(offsets.get(k), k, v)));
        assertThat(live).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(read).filteredOn(r -> r.key().equals(SENTINEL)).allSatisfy(r -> assertThat(r.value()).isEqualTo("s"));
    }

    /** Reads the partition from the beginning to its current end. */
    private static List<Read> readAll(KafkaConsumer<byte[], byte[]> consumer) {
        consumer.assign(List.of(TP));
        consumer.seekToBeginning(List.of(TP));
        long end = consumer.endOffsets(List.of(TP)).get(TP);
        List<Read> out = new ArrayList<>();
        while (consumer.position(TP) < end) {
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                out.add(new Read(r.offset(), new String(r.key(), StandardCharsets.UTF_8),
                        r.value() == null ? null : new String(r.value(), StandardCharsets.UTF_8)));
            }
        }
        return out;
    }
}
