package io.strata.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A log dir belongs to one process: a second node started by mistake on a live node's log dir exits with Kafka's
 * lock message before touching anything, and the live node keeps serving.
 */
class LogDirLockIT {

    @TempDir
    Path dir;

    @Test
    void aSecondNodeOnALiveLogDirExitsWithoutTouchingIt() throws Exception {
        try (TestNode live = TestNode.start(dir.resolve("live"));
             NodeProcess intruder = new NodeProcess(dir.resolve("intruder"), Map.of("log.dirs",
                     dir.resolve("live").resolve("logs").toString()))) {
            Path liveLogDir = dir.resolve("live").resolve("logs");
            try (Admin admin = Clients.admin(live.bootstrap())) {
                admin.createTopics(List.of(new NewTopic("locked", 1, (short) 1))).all().get();
            }
            produce(live.bootstrap(), 0, 100);

            Files.createDirectories(dir.resolve("intruder"));
            assertThatThrownBy(intruder::start)
                    .hasMessageMatching("(?s)Node exited with [1-9].*")
                    .hasMessageContaining("Failed to acquire lock on file .lock in " + liveLogDir
                            + ". A Kafka instance in another process or thread is using this directory.");
            assertThat(liveLogDir.resolve(".kafka_cleanshutdown")).doesNotExist();

            produce(live.bootstrap(), 100, 200);
            assertThat(consumeAll(live.bootstrap())).hasSize(200).startsWith("v0").endsWith("v199");
        }
    }

    private static void produce(String bootstrap, int from, int to) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(bootstrap, Map.of())) {
            for (int i = from; i < to; i++) {
                producer.send(new ProducerRecord<>("locked", ("v" + i).getBytes(StandardCharsets.UTF_8))).get();
            }
        }
    }

    private static List<String> consumeAll(String bootstrap) {
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = Clients.consumer(bootstrap, Map.of())) {
            TopicPartition tp = new TopicPartition("locked", 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    values.add(new String(r.value(), StandardCharsets.UTF_8));
                }
                return values.size() >= 200;
            });
        }
        return values;
    }
}
