package io.strata.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.awaitility.Awaitility.await;

/** {@code kill -9} of a real node during acks=all production loses no acknowledged record and duplicates none. */
class CrashRecoveryIT {

    @TempDir
    Path dir;

    /** Where an acknowledged record landed. */
    private record Ack(int partition, long offset) {
    }

    @Test
    void killDuringProductionKeepsEveryAcknowledgedRecordExactlyOnce() throws Exception {
        try (NodeProcess node = new NodeProcess(dir, Map.of("log.segment.bytes", "1048576"))) {
            node.start();
            try (Admin admin = Clients.admin(node.bootstrap())) {
                admin.createTopics(List.of(new NewTopic("crash", 3, (short) 1))).all().get();
            }
            Map<Integer, Ack> acked = new ConcurrentHashMap<>();
            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger sent = new AtomicInteger();
            KafkaProducer<byte[], byte[]> producer = Clients.producer(node.bootstrap(), Map.of(
                    ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                    ProducerConfig.LINGER_MS_CONFIG, 1, ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 5_000,
                    ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 2_000));
            Thread sender = Thread.ofPlatform().start(() -> {
                while (!stop.get()) {
                    int i = sent.getAndIncrement();
                    try {
                        producer.send(new ProducerRecord<>("crash", ("k" + (i % 100)).getBytes(StandardCharsets.UTF_8),
                                ("value-" + i).getBytes(StandardCharsets.UTF_8)), (meta, error) -> {
                                    if (error == null) {
                                        acked.put(i, new Ack(meta.partition(), meta.offset()));
                                    }
                                });
                    } catch (RuntimeException e) {
                        return;
                    }
                }
            });
            await().atMost(Duration.ofSeconds(60)).until(() -> acked.size() >= 30_000);
            node.kill9();
            stop.set(true);
            sender.join();
            producer.close(Duration.ofSeconds(10));
            int ackedBeforeCrash = acked.size();

            node.start();
            Map<Integer, Ack> found = new HashMap<>();
            try (KafkaConsumer<byte[], byte[]> consumer = Clients.consumer(node.bootstrap(), Map.of())) {
                List<TopicPartition> partitions = List.of(new TopicPartition("crash", 0),
                        new TopicPartition("crash", 1), new TopicPartition("crash", 2));
                consumer.assign(partitions);
                Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
                consumer.seekToBeginning(partitions);
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))
                        && System.nanoTime() < deadline) {
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                        int i = Integer.parseInt(new String(r.value(), StandardCharsets.UTF_8).substring(6));
                        Ack previous = found.put(i, new Ack(r.partition(), r.offset()));
                        assertThat(previous).as("value-%d stored twice", i).isNull();
                    }
                }
            }
            assertThat(ackedBeforeCrash).isGreaterThanOrEqualTo(30_000);
            for (Map.Entry<Integer, Ack> e : acked.entrySet()) {
                assertThat(found.get(e.getKey())).as("acknowledged value-%d", e.getKey()).isEqualTo(e.getValue());
            }
            System.out.printf("Restart after kill -9: %d ms to serving clients (JVM start included)%n",
                    node.lastStartTime().toMillis());
            // The JVM reports death by SIGTERM (143) even after the clean shutdown that the log confirms.
            assertThat(node.stop()).isIn(0, 143);
            assertThat(node.output()).contains("stopped cleanly");
        }
    }
}
