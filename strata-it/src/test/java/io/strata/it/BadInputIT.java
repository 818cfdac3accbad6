package io.strata.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.PolicyViolationException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.ApiVersionsResponse;
import org.apache.kafka.common.requests.MetadataRequest;
import org.apache.kafka.common.requests.MetadataResponse;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.ProduceResponse;
import org.apache.kafka.common.requests.RequestHeader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input gets Kafka's error code or a clean disconnect; the node keeps serving everyone else and its logs stay
 * intact. After every test a well-behaved client still produces and reads back.
 */
class BadInputIT {

    @TempDir
    static Path dir;
    static TestNode node;

    @BeforeAll
    static void startNode() throws Exception {
        node = TestNode.start(dir, Map.of("socket.request.max.bytes", "1048576"));
        try (Admin admin = Clients.admin(node.bootstrap())) {
            admin.createTopics(List.of(new NewTopic("healthy", 1, (short) 1))).all().get();
        }
    }

    @AfterAll
    static void stopNode() {
        node.close();
    }

    private static int produced;

    @AfterEach
    void nodeStillServesWellBehavedClients() throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(node.bootstrap(), Map.of())) {
            producer.send(new ProducerRecord<>("healthy", 0, null, ("ok-" + produced).getBytes(StandardCharsets.UTF_8)))
                    .get();
            produced++;
        }
        assertThat(readAll("healthy")).hasSize(produced);
    }

    @Test
    void garbageHeaderClosesTheConnection() throws Exception {
        try (RawClient raw = new RawClient(node.port())) {
            raw.sendFrame(8, new byte[] {(byte) 0x7f, 0x11, 0, 1, 0, 0, 0, 1});
            assertThat(raw.closedByServer()).isTrue();
        }
    }

    @Test
    void oversizedAndNegativeFramesCloseTheConnection() throws Exception {
        try (RawClient raw = new RawClient(node.port())) {
            raw.sendFrame(1_048_577, new byte[0]);
            assertThat(raw.closedByServer()).isTrue();
        }
        try (RawClient raw = new RawClient(node.port())) {
            raw.sendFrame(-5, new byte[0]);
            assertThat(raw.closedByServer()).isTrue();
        }
    }

    @Test
    void truncatedBodyClosesTheConnection() throws Exception {
        MetadataRequest request = MetadataRequest.Builder.allTopics().build((short) 12);
        ByteBuffer full = request.serializeWithHeader(new RequestHeader(ApiKeys.METADATA, (short) 12, "c", 1));
        byte[] cut = new byte[full.remaining() - 2];
        full.get(cut);
        try (RawClient raw = new RawClient(node.port())) {
            raw.sendFrame(cut.length, cut);
            assertThat(raw.closedByServer()).isTrue();
        }
    }

    @Test
    void unadvertisedApiKeyClosesTheConnection() throws Exception {
        // LeaderAndIsr (key 4) is an inter-broker API of ZooKeeper-era Kafka; we never advertise it.
        byte[] header = ByteBuffer.allocate(10).putShort((short) 4).putShort((short) 0).putInt(7)
                .putShort((short) -1).array();
        try (RawClient raw = new RawClient(node.port())) {
            raw.sendFrame(header.length, header);
            assertThat(raw.closedByServer()).isTrue();
        }
        byte[] unknown = ByteBuffer.allocate(10).putShort((short) 999).putShort((short) 0).putInt(7)
                .putShort((short) -1).array();
        try (RawClient raw = new RawClient(node.port())) {
            raw.sendFrame(unknown.length, unknown);
            assertThat(raw.closedByServer()).isTrue();
        }
    }

    @Test
    void unsupportedVersionOfApiVersionsIsAnsweredWithOurRanges() throws Exception {
        // A future ApiVersions version: the header is readable, the body may not be; we answer v0.
        byte[] frame = ByteBuffer.allocate(12).putShort(ApiKeys.API_VERSIONS.id).putShort((short) 99).putInt(42)
                .putShort((short) -1).put((byte) 0).put((byte) 0).array();
        try (RawClient raw = new RawClient(node.port())) {
            raw.sendFrame(frame.length, frame);
            ByteBuffer response = ByteBuffer.wrap(raw.receive());
            assertThat(response.getInt()).isEqualTo(42);
            ApiVersionsResponse parsed = ApiVersionsResponse.parse(
                    new org.apache.kafka.common.protocol.ByteBufferAccessor(response), (short) 0);
            assertThat(Errors.forCode(parsed.data().errorCode())).isEqualTo(Errors.UNSUPPORTED_VERSION);
            assertThat(parsed.data().apiKeys().find(ApiKeys.PRODUCE.id)).isNotNull();
        }
        try (RawClient raw = new RawClient(node.port())) {
            ApiVersionsResponse ok = raw.request(new ApiVersionsRequest(new ApiVersionsRequestData()
                    .setClientSoftwareName("raw").setClientSoftwareVersion("1"), (short) 3));
            assertThat(ok.data().errorCode()).isZero();
        }
    }

    @Test
    void unsupportedVersionOfOtherApisClosesTheConnection() throws Exception {
        byte[] frame = ByteBuffer.allocate(10).putShort(ApiKeys.METADATA.id).putShort((short) 99).putInt(1)
                .putShort((short) -1).array();
        try (RawClient raw = new RawClient(node.port())) {
            raw.sendFrame(frame.length, frame);
            assertThat(raw.closedByServer()).isTrue();
        }
    }

    @Test
    void invalidTopicNamesAreRejected() throws Exception {
        try (Admin admin = Clients.admin(node.bootstrap())) {
            for (String name : List.of("bad name", "..", "a".repeat(250), "slash/topic")) {
                assertThatThrownBy(() -> admin.createTopics(List.of(new NewTopic(name, 1, (short) 1))).all().get())
                        .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(InvalidTopicException.class);
            }
        }
        try (RawClient raw = new RawClient(node.port())) {
            MetadataResponse response = raw.request(new MetadataRequest.Builder(List.of("bad name"), true)
                    .build((short) 12));
            assertThat(response.errors()).containsEntry("bad name", Errors.INVALID_TOPIC_EXCEPTION);
        }
    }

    @Test
    void createPartitionsForThirtyTwoThousandPartitionsIsRefusedAsAWhole() throws Exception {
        try (Admin admin = Clients.admin(node.bootstrap())) {
            admin.createTopics(List.of(new NewTopic("grown", 1, (short) 1))).all().get();
            var result = admin.createPartitions(Map.of("grown", NewPartitions.increaseTo(32_000),
                    "healthy", NewPartitions.increaseTo(2)));
            for (String topic : List.of("grown", "healthy")) {
                assertThatThrownBy(() -> result.values().get(topic).get())
                        .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(PolicyViolationException.class)
                        .hasMessageContaining("Excessively large number of partitions per request.");
            }
            assertThat(admin.describeTopics(List.of("grown", "healthy")).allTopicNames().get().values())
                    .allSatisfy(t -> assertThat(t.partitions()).hasSize(1));
        }
    }

    @Test
    void recordsOverMaxMessageBytesAreRejected() throws Exception {
        try (Admin admin = Clients.admin(node.bootstrap())) {
            admin.createTopics(List.of(new NewTopic("small", 1, (short) 1)
                    .configs(Map.of("max.message.bytes", "1000")))).all().get();
        }
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(node.bootstrap(), Map.of(
                ProducerConfig.RETRIES_CONFIG, 0, ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 10_000,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000))) {
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>("small", 0, null, new byte[5_000])).get())
                    .hasCauseInstanceOf(RecordTooLargeException.class);
            producer.send(new ProducerRecord<>("small", 0, null, new byte[100])).get();
        }
        assertThat(readAll("small")).hasSize(1);
    }

    @Test
    void corruptBatchIsRejectedWithCorruptMessage() throws Exception {
        MemoryRecords records = MemoryRecords.withRecords(org.apache.kafka.common.compress.Compression.NONE,
                new SimpleRecord("k".getBytes(StandardCharsets.UTF_8), "payload".getBytes(StandardCharsets.UTF_8)));
        ByteBuffer buffer = records.buffer();
        buffer.put(buffer.limit() - 3, (byte) (buffer.get(buffer.limit() - 3) ^ 0x5a));
        ProduceRequestData data = new ProduceRequestData().setAcks((short) 1).setTimeoutMs(5_000);
        ProduceRequestData.TopicProduceData topicData = new ProduceRequestData.TopicProduceData().setName("healthy");
        topicData.partitionData().add(new ProduceRequestData.PartitionProduceData().setIndex(0).setRecords(records));
        data.topicData().add(topicData);
        try (RawClient raw = new RawClient(node.port())) {
            ProduceResponse response = raw.request(ProduceRequest.builder(data).build((short) 12));
            assertThat(response.data().responses().iterator().next().partitionResponses().get(0).errorCode())
                    .isEqualTo(Errors.CORRUPT_MESSAGE.code());
        }
    }

    @Test
    void fetchOutOfRangeIsReported() throws Exception {
        TopicPartition tp = new TopicPartition("healthy", 0);
        try (KafkaConsumer<byte[], byte[]> consumer = Clients.consumer(node.bootstrap(),
                Map.of("auto.offset.reset", "none"))) {
            consumer.assign(List.of(tp));
            consumer.seek(tp, 1_000_000);
            assertThatThrownBy(() -> {
                for (int i = 0; i < 20; i++) {
                    consumer.poll(Duration.ofMillis(500));
                }
            }).isInstanceOf(OffsetOutOfRangeException.class);
        }
    }

    private static List<ConsumerRecord<byte[], byte[]>> readAll(String topic) {
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = Clients.consumer(node.bootstrap(), Map.of())) {
            TopicPartition tp = new TopicPartition(topic, 0);
            consumer.assign(List.of(tp));
            long end = consumer.endOffsets(List.of(tp)).get(tp);
            consumer.seekToBeginning(List.of(tp));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (consumer.position(tp) < end && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }
}
