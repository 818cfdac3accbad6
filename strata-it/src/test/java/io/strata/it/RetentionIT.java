package io.strata.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Time retention end to end: old segments are deleted in the background and the earliest offset rises. */
class RetentionIT {

    @TempDir
    Path dir;

    @Test
    void oldSegmentsAreDeletedAndConsumersResetToTheNewEarliestOffset() throws Exception {
        try (TestNode node = TestNode.start(dir, Map.of("log.retention.check.interval.ms", "1000",
                "log.segment.delete.delay.ms", "0"));
             Admin admin = Clients.admin(node.bootstrap());
             KafkaProducer<byte[], byte[]> producer = Clients.producer(node.bootstrap(), Map.of())) {
            admin.createTopics(List.of(new NewTopic("short", 1, (short) 1)
                    .configs(Map.of("retention.ms", "2000", "segment.ms", "500")))).all().get();
            TopicPartition tp = new TopicPartition("short", 0);
            Path partitionDir = dir.resolve("logs/short-0");
            producer.send(new ProducerRecord<>("short", 0, null, new byte[] {0})).get();
            assertThat(segmentFiles(partitionDir)).containsExactly("00000000000000000000.log");

            // A segment rolls only on append: keep producing, and the first segments expire 2 s after their writes.
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(300)).until(() -> {
                producer.send(new ProducerRecord<>("short", 0, null, new byte[] {1})).get();
                return earliest(admin, tp) > 0;
            });
            long earliest = earliest(admin, tp);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(segmentFiles(partitionDir)).doesNotContain("00000000000000000000.log"));

            // A consumer starting below the log start offset is out of range and resets to the earliest offset.
            try (KafkaConsumer<byte[], byte[]> consumer = Clients.consumer(node.bootstrap(),
                    Map.of("auto.offset.reset", "earliest"))) {
                consumer.assign(List.of(tp));
                consumer.seek(tp, 0);
                List<Long> offsets = new ArrayList<>();
                await().atMost(Duration.ofSeconds(15)).until(() -> {
                    consumer.poll(Duration.ofMillis(200)).forEach(r -> offsets.add(r.offset()));
                    return !offsets.isEmpty();
                });
                assertThat(offsets.get(0)).isGreaterThanOrEqualTo(earliest);
            }
        }
    }

    private static long earliest(Admin admin, TopicPartition tp) throws Exception {
        return admin.listOffsets(Map.of(tp, OffsetSpec.earliest())).all().get().get(tp).offset();
    }

    private static List<String> segmentFiles(Path partitionDir) throws IOException {
        try (Stream<Path> files = Files.list(partitionDir)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".log")).sorted().toList();
        }
    }
}
