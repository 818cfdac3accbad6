package io.strata.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.strata.testkit.Tmpfs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.OffsetCommitRequest;
import org.apache.kafka.common.requests.OffsetCommitResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node whose log directory is a small real file system (a tmpfs the test mounts, as root, and unmounts) that
 * fills up: writes are refused with KAFKA_STORAGE_ERROR and never acknowledged unless stored, reads go on, offset
 * commits get Kafka's answer for a coordinator that cannot write, a restart while full changes none of that,
 * writes are taken again once space is freed (a producer with Kafka's defaults gets its retried record stored),
 * and a restart finds every acknowledged record and nothing else.
 */
class DiskFullIT {
    private static final String TOPIC = "orders";
    private static final TopicPartition TP = new TopicPartition(TOPIC, 0);
    private static final String PADDING = "x".repeat(1000);

    @TempDir
    Path dir;

    @Test
    void aFullLogDirectoryRefusesWritesKeepsServingReadsAndTakesWritesAgainWhenSpaceReturns() throws Exception {
        try (Tmpfs fs = Tmpfs.mount(dir.resolve("fs"), "8m")) {
            Path filler = fs.dir().resolve("filler");
            Files.write(filler, new byte[1 << 20]);
            // The metadata log stays in the first log directory, as on a single node by default.
            TestNode node = TestNode.start(dir, Map.of("log.dirs", fs.dir().resolve("logs").toString(),
                    "strata.log.dir.min.free.bytes", Integer.toString(1 << 20)));
            List<String> acked = new ArrayList<>();
            try {
                try (Admin admin = Clients.admin(node.bootstrap())) {
                    admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1)
                            .configs(Map.of("segment.bytes", Integer.toString(1 << 20))))).all().get();
                }
                try (KafkaConsumer<byte[], byte[]> committer = committer(node)) {
                    committer.commitSync(Map.of(TP, new OffsetAndMetadata(0)));
                }
                try (KafkaProducer<byte[], byte[]> producer = producer(node)) {
                    assertThat(produceUntilRefused(producer, acked)).isInstanceOf(KafkaStorageException.class);
                    assertThat(acked).hasSizeGreaterThan(1000);
                    // Full now: even one small record waits until space is freed.
                    assertThatThrownBy(() -> producer.send(record("refused")).get())
                            .hasCauseInstanceOf(KafkaStorageException.class);
                }
                assertThat(readAll(node)).containsExactlyElementsOf(acked);
                assertOffsetCommitsFail(node);

                // Restarted while full, the node starts, serves what it has and goes on refusing writes.
                node.restart();
                assertThat(readAll(node)).containsExactlyElementsOf(acked);
                try (KafkaProducer<byte[], byte[]> producer = producer(node);
                     KafkaProducer<byte[], byte[]> patient = Clients.producer(node.bootstrap(), Map.of(
                             ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.RETRY_BACKOFF_MS_CONFIG, 100))) {
                    assertThatThrownBy(() -> producer.send(record("refused")).get())
                            .hasCauseInstanceOf(KafkaStorageException.class);
                    // A producer with Kafka's defaults (idempotent, retrying until delivery.timeout.ms) just waits:
                    // its record is refused, retried, and stored once space is freed.
                    Future<RecordMetadata> retried = patient.send(record("retried"));
                    await().atMost(Duration.ofSeconds(30)).until(() -> retries(patient) > 0);
                    Files.delete(filler);
                    retried.get(60, TimeUnit.SECONDS);
                    acked.add("retried");
                    for (int i = 0; i < 50; i++) {
                        producer.send(record("after-" + i)).get();
                        acked.add("after-" + i);
                    }
                }
                assertThat(readAll(node)).containsExactlyElementsOf(acked);
                try (KafkaConsumer<byte[], byte[]> committer = committer(node)) {
                    committer.commitSync(Map.of(TP, new OffsetAndMetadata(acked.size())));
                }

                node.restart();
                assertThat(readAll(node)).containsExactlyElementsOf(acked);
                try (KafkaConsumer<byte[], byte[]> committer = committer(node)) {
                    assertThat(committer.committed(Set.of(TP)).get(TP).offset()).isEqualTo(acked.size());
                }
            } finally {
                node.close();
            }
        }
    }

    /** A producer that reports a refusal at once: acks=all, no retries. */
    private static KafkaProducer<byte[], byte[]> producer(TestNode node) {
        return Clients.producer(node.bootstrap(), Map.of(ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false, ProducerConfig.RETRIES_CONFIG, 0,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000, ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 10_000));
    }

    /**
     * Sends windows of 64 records, each about 1 KiB, until one is refused; adds the acknowledged ones to
     * {@code acked} in log order (one connection: requests are appended in the order sent).
     *
     * @return why the first refused record was refused
     */
    private static Throwable produceUntilRefused(KafkaProducer<byte[], byte[]> producer, List<String> acked)
            throws InterruptedException {
        for (int window = 0; window < 1_000; window++) {
            List<String> values = new ArrayList<>();
            List<Future<RecordMetadata>> sends = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                String value = "before-" + (window * 64 + i);
                values.add(value);
                sends.add(producer.send(record(value)));
            }
            Throwable refused = null;
            for (int i = 0; i < sends.size(); i++) {
                try {
                    sends.get(i).get();
                    acked.add(values.get(i));
                } catch (ExecutionException e) {
                    refused = refused != null ? refused : e.getCause();
                }
            }
            if (refused != null) {
                return refused;
            }
        }
        throw new AssertionError("The file system never filled up");
    }

    private static double retries(KafkaProducer<byte[], byte[]> producer) {
        return producer.metrics().entrySet().stream()
                .filter(m -> m.getKey().name().equals("record-retry-total")
                        && m.getKey().group().equals("producer-metrics"))
                .mapToDouble(m -> ((Number) m.getValue().metricValue()).doubleValue()).sum();
    }

    private static ProducerRecord<byte[], byte[]> record(String value) {
        return new ProducerRecord<>(TOPIC, 0, null, (value + "/" + PADDING).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * While the coordinator cannot write to {@code __consumer_offsets}, OffsetCommit answers NOT_COORDINATOR, as
     * Kafka's coordinator translates KAFKA_STORAGE_ERROR; the consumer retries it until its timeout, never longer.
     */
    private static void assertOffsetCommitsFail(TestNode node) throws Exception {
        try (RawClient raw = new RawClient(node.port())) {
            OffsetCommitRequestData commit = new OffsetCommitRequestData().setGroupId("readers")
                    .setGenerationIdOrMemberEpoch(-1).setMemberId("").setTopics(List.of(
                            new OffsetCommitRequestData.OffsetCommitRequestTopic().setName(TOPIC).setPartitions(
                                    List.of(new OffsetCommitRequestData.OffsetCommitRequestPartition()
                                            .setPartitionIndex(0).setCommittedOffset(1)))));
            OffsetCommitResponse response = raw.request(OffsetCommitRequest.Builder.forTopicNames(commit)
                    .build((short) 8));
            assertThat(response.data().topics().get(0).partitions().get(0).errorCode())
                    .isEqualTo(Errors.NOT_COORDINATOR.code());
        }
        try (KafkaConsumer<byte[], byte[]> committer = committer(node)) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> committer.commitSync(Map.of(TP, new OffsetAndMetadata(1)), Duration.ofSeconds(3)))
                    .isInstanceOf(TimeoutException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
        }
    }

    private static KafkaConsumer<byte[], byte[]> committer(TestNode node) {
        KafkaConsumer<byte[], byte[]> consumer = Clients.consumer(node.bootstrap(),
                Map.of(ConsumerConfig.GROUP_ID_CONFIG, "readers", ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false));
        consumer.assign(List.of(TP));
        return consumer;
    }

    /** Every record of the partition, as the values sent (the padding removed). */
    private static List<String> readAll(TestNode node) {
        try (KafkaConsumer<byte[], byte[]> consumer = Clients.consumer(node.bootstrap(), Map.of())) {
            consumer.assign(List.of(TP));
            consumer.seekToBeginning(List.of(TP));
            long end = consumer.endOffsets(List.of(TP)).get(TP);
            List<String> values = new ArrayList<>();
            for (ConsumerRecord<byte[], byte[]> r : Clients.poll(consumer, (int) end)) {
                String value = new String(r.value(), StandardCharsets.UTF_8);
                values.add(value.substring(0, value.indexOf('/')));
            }
            return values;
        }
    }
}
