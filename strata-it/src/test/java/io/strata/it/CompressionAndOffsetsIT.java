package io.strata.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.internal.CompressionType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every codec round-trips and is stored as sent, or in the topic's {@code compression.type}; ListOffsets finds
 * offsets by time.
 */
class CompressionAndOffsetsIT {

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

    @ParameterizedTest
    @ValueSource(strings = {"none", "gzip", "snappy", "lz4", "zstd"})
    void codecRoundTripsAndIsStoredAsSent(String codec) throws Exception {
        String topic = "codec-" + codec;
        int n = 2_000;
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(node.bootstrap(), Map.of(
                ProducerConfig.COMPRESSION_TYPE_CONFIG, codec, ProducerConfig.LINGER_MS_CONFIG, 20,
                ProducerConfig.BATCH_SIZE_CONFIG, 64 * 1024))) {
            for (int i = 0; i < n; i++) {
                producer.send(new ProducerRecord<>(topic, 0, ("k" + i).getBytes(StandardCharsets.UTF_8),
                        ("value " + i + " " + "x".repeat(i % 50)).getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush();
        }
        List<ConsumerRecord<byte[], byte[]>> records = readAll(topic, n);
        assertThat(records).hasSize(n);
        for (int i = 0; i < n; i++) {
            assertThat(records.get(i).offset()).isEqualTo(i);
            assertThat(new String(records.get(i).value(), StandardCharsets.UTF_8))
                    .isEqualTo("value " + i + " " + "x".repeat(i % 50));
        }
        CompressionType expected = CompressionType.forName(codec);
        assertThat(codecsOnDisk(topic + "-0")).containsOnly(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"zstd", "uncompressed", "producer"})
    void theTopicsCompressionTypeDecidesHowBatchesAreStored(String compressionType) throws Exception {
        String topic = "broker-" + compressionType;
        String sentCodec = compressionType.equals("uncompressed") ? "gzip" : "none";
        try (Admin admin = Clients.admin(node.bootstrap())) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1)
                    .configs(Map.of("compression.type", compressionType)))).all().get();
        }
        int n = 500;
        long t0 = System.currentTimeMillis() - 1_000;
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(node.bootstrap(), Map.of(
                ProducerConfig.COMPRESSION_TYPE_CONFIG, sentCodec, ProducerConfig.LINGER_MS_CONFIG, 20))) {
            for (int i = 0; i < n; i++) {
                ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, 0, t0 + i,
                        ("k" + i).getBytes(StandardCharsets.UTF_8),
                        ("value " + i + " " + "y".repeat(i % 80)).getBytes(StandardCharsets.UTF_8));
                record.headers().add("h", ("hv" + i).getBytes(StandardCharsets.UTF_8));
                producer.send(record);
            }
            producer.flush();
        }
        List<ConsumerRecord<byte[], byte[]>> records = readAll(topic, n);
        assertThat(records).hasSize(n);
        for (int i = 0; i < n; i++) {
            ConsumerRecord<byte[], byte[]> r = records.get(i);
            assertThat(r.offset()).isEqualTo(i);
            assertThat(r.timestamp()).isEqualTo(t0 + i);
            assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo("k" + i);
            assertThat(new String(r.value(), StandardCharsets.UTF_8)).isEqualTo("value " + i + " " + "y".repeat(i % 80));
            assertThat(new String(r.headers().lastHeader("h").value(), StandardCharsets.UTF_8)).isEqualTo("hv" + i);
        }
        CompressionType expected = switch (compressionType) {
            case "zstd" -> CompressionType.ZSTD;
            default -> CompressionType.NONE;
        };
        List<RecordBatch> stored = batchesOnDisk(dir, topic + "-0");
        assertThat(stored).extracting(RecordBatch::compressionType).containsOnly(expected);
        // The idempotent producer's id and sequences survive the rewrite: batches follow each other.
        assertThat(stored).allSatisfy(b -> assertThat(b.producerId()).isNotNegative());
        for (int i = 1; i < stored.size(); i++) {
            assertThat(stored.get(i).baseSequence()).isEqualTo(stored.get(i - 1).lastSequence() + 1);
        }
    }

    @Test
    void theBrokersCompressionTypeIsTheDefaultOfTopicsWithoutTheirOwn(@TempDir Path otherDir) throws Exception {
        try (TestNode zstdNode = TestNode.start(otherDir, Map.of("compression.type", "zstd"))) {
            try (KafkaProducer<byte[], byte[]> producer = Clients.producer(zstdNode.bootstrap(), Map.of(
                    ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4"))) {
                producer.send(new ProducerRecord<>("auto-zstd", 0, null, "v".getBytes(StandardCharsets.UTF_8))).get();
            }
            assertThat(batchesOnDisk(otherDir, "auto-zstd-0")).extracting(RecordBatch::compressionType)
                    .containsExactly(CompressionType.ZSTD);
        }
    }

    @Test
    void listOffsetsByTimestampEarliestLatestAndMax() throws Exception {
        String topic = "times";
        long t0 = System.currentTimeMillis() - 60_000;
        try (Admin admin = Clients.admin(node.bootstrap())) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
        }
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(node.bootstrap(), Map.of(
                ProducerConfig.LINGER_MS_CONFIG, 0))) {
            for (int i = 0; i < 100; i++) {
                // Several batches; the max timestamp sits in the middle of the log.
                long ts = i == 42 ? t0 + 10_000 : t0 + i * 10L;
                producer.send(new ProducerRecord<>(topic, 0, ts, null, ("v" + i).getBytes(StandardCharsets.UTF_8)))
                        .get();
            }
        }
        TopicPartition tp = new TopicPartition(topic, 0);
        try (KafkaConsumer<byte[], byte[]> consumer = Clients.consumer(node.bootstrap(), Map.of())) {
            Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(Map.of(tp, t0 + 55));
            assertThat(found.get(tp).offset()).isEqualTo(6);
            assertThat(found.get(tp).timestamp()).isEqualTo(t0 + 60);
            assertThat(consumer.offsetsForTimes(Map.of(tp, t0)).get(tp).offset()).isZero();
            assertThat(consumer.offsetsForTimes(Map.of(tp, t0 + 20_000)).get(tp)).isNull();
            assertThat(consumer.beginningOffsets(List.of(tp))).containsEntry(tp, 0L);
            assertThat(consumer.endOffsets(List.of(tp))).containsEntry(tp, 100L);
        }
        try (Admin admin = Clients.admin(node.bootstrap())) {
            ListOffsetsResult.ListOffsetsResultInfo max = admin.listOffsets(Map.of(tp, OffsetSpec.maxTimestamp()))
                    .partitionResult(tp).get();
            assertThat(max.offset()).isEqualTo(42);
            assertThat(max.timestamp()).isEqualTo(t0 + 10_000);
        }
    }

    private static List<ConsumerRecord<byte[], byte[]>> readAll(String topic, int expected) {
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = Clients.consumer(node.bootstrap(), Map.of())) {
            TopicPartition tp = new TopicPartition(topic, 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (out.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }

    private static List<CompressionType> codecsOnDisk(String partitionDir) throws Exception {
        return batchesOnDisk(dir, partitionDir).stream().map(RecordBatch::compressionType).toList();
    }

    /** The batches in the partition's segment files under a node's data directory, as stored. */
    private static List<RecordBatch> batchesOnDisk(Path nodeDir, String partitionDir) throws Exception {
        List<RecordBatch> batches = new ArrayList<>();
        try (Stream<Path> files = Files.list(nodeDir.resolve("logs").resolve(partitionDir))) {
            for (Path segment : files.filter(f -> f.toString().endsWith(".log")).sorted().toList()) {
                // Read whole: batches of a closed FileRecords could no longer load their headers.
                MemoryRecords.readableRecords(ByteBuffer.wrap(Files.readAllBytes(segment))).batches()
                        .forEach(batches::add);
            }
        }
        assertThat(batches).isNotEmpty();
        return batches;
    }
}
