package io.strata.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MemoryRecordsBuilder;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.ProduceResponse;
import org.apache.kafka.common.utils.Crc32C;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Batches whose records disagree with their header, or that cannot be decompressed, are refused with Kafka's error
 * codes (issue 15's two examples sent as raw Produce requests) and leave the partition untouched; a gzip bomb is
 * accepted, as Kafka does, without the broker's memory noticing.
 */
class BatchValidationIT {
    private static final int LAST_OFFSET_DELTA = 23;
    private static final int RECORDS_COUNT = 57;
    private static final int HEADER_SIZE = 61;
    private static final int ATTRIBUTES = 21;
    private static final int CRC = 17;

    @TempDir
    static Path dir;
    static TestNode node;

    @BeforeAll
    static void startNode() throws Exception {
        node = TestNode.start(dir);
        try (Admin admin = Clients.admin(node.bootstrap())) {
            admin.createTopics(List.of(new NewTopic("plain", 1, (short) 1), new NewTopic("compacted", 1, (short) 1)
                    .configs(Map.of("cleanup.policy", "compact")))).all().get();
        }
    }

    @AfterAll
    static void stopNode() {
        node.close();
    }

    @Test
    void aBatchClaimingMoreRecordsThanItHoldsIsRefusedWithInvalidRecord() throws Exception {
        long before = produceTwo("plain");
        MemoryRecords records = MemoryRecords.withRecords(Compression.NONE, new SimpleRecord(bytes("v")));
        ByteBuffer buf = records.buffer();
        buf.putInt(LAST_OFFSET_DELTA, Integer.MAX_VALUE - 1).putInt(RECORDS_COUNT, Integer.MAX_VALUE);
        resign(buf);
        ProduceResponseData.PartitionProduceResponse response = produce("plain", records, (short) 12);
        assertThat(Errors.forCode(response.errorCode())).isEqualTo(Errors.INVALID_RECORD);
        assertThat(response.errorMessage()).contains("premature EOF");
        assertThat(endOffset("plain")).isEqualTo(before);
    }

    @Test
    void aGzipBatchOfRandomBytesIsRefusedWithUnknownServerErrorAsKafkaDoes() throws Exception {
        long before = produceTwo("plain");
        MemoryRecords records = MemoryRecords.withRecords(Compression.gzip().build(),
                new SimpleRecord(bytes("v".repeat(100))));
        ByteBuffer buf = records.buffer();
        byte[] garbage = new byte[buf.limit() - HEADER_SIZE];
        new SplittableRandom(15).nextBytes(garbage);
        buf.put(HEADER_SIZE, garbage);
        resign(buf);
        ProduceResponseData.PartitionProduceResponse response = produce("plain", records, (short) 12);
        assertThat(Errors.forCode(response.errorCode())).isEqualTo(Errors.UNKNOWN_SERVER_ERROR);
        assertThat(endOffset("plain")).isEqualTo(before);
    }

    @Test
    void keylessRecordsOnACompactedTopicAreListedInRecordErrors() throws Exception {
        long before = produceTwo("compacted");
        MemoryRecords v12 = MemoryRecords.withRecords(Compression.lz4().build(),
                new SimpleRecord(bytes("k"), bytes("v")), new SimpleRecord(null, bytes("v")));
        ProduceResponseData.PartitionProduceResponse response = produce("compacted", v12, (short) 12);
        assertThat(Errors.forCode(response.errorCode())).isEqualTo(Errors.INVALID_RECORD);
        assertThat(response.recordErrors()).singleElement().satisfies(e -> {
            assertThat(e.batchIndex()).isEqualTo(1);
            assertThat(e.batchIndexErrorMessage()).contains("without key");
        });
        // Before KIP-467 (v8) the response has no place for them: the code alone.
        MemoryRecords v7 = MemoryRecords.withRecords(Compression.NONE, new SimpleRecord(null, bytes("v")));
        assertThat(Errors.forCode(produce("compacted", v7, (short) 7).errorCode())).isEqualTo(Errors.INVALID_RECORD);
        assertThat(endOffset("compacted")).isEqualTo(before);
    }

    @Test
    void futureTimestampsAndACompressedBatchShortOfItsCountAreRefused() throws Exception {
        long before = produceTwo("plain");
        // message.timestamp.after.max.ms defaults to one hour: the second record is two hours ahead.
        long now = System.currentTimeMillis();
        MemoryRecords future = MemoryRecords.withRecords(Compression.zstd().build(), new SimpleRecord(now, bytes("v")),
                new SimpleRecord(now + 7_200_000, bytes("v")));
        ProduceResponseData.PartitionProduceResponse late = produce("plain", future, (short) 12);
        assertThat(Errors.forCode(late.errorCode())).isEqualTo(Errors.INVALID_TIMESTAMP);
        assertThat(late.recordErrors()).extracting(ProduceResponseData.BatchIndexAndErrorMessage::batchIndex)
                .containsExactly(1);
        // Three records compressed, a header that says two.
        MemoryRecords extra = MemoryRecords.withRecords(Compression.snappy().build(), new SimpleRecord(bytes("a")),
                new SimpleRecord(bytes("b")), new SimpleRecord(bytes("c")));
        extra.buffer().putInt(LAST_OFFSET_DELTA, 1).putInt(RECORDS_COUNT, 2);
        resign(extra.buffer());
        ProduceResponseData.PartitionProduceResponse response = produce("plain", extra, (short) 12);
        assertThat(Errors.forCode(response.errorCode())).isEqualTo(Errors.INVALID_RECORD);
        assertThat(response.errorMessage()).contains("records still remaining");
        assertThat(endOffset("plain")).isEqualTo(before);
    }

    @Test
    void aGzipBombIsWalkedWithoutTheBrokerHoldingItsInflatedSize() throws Exception {
        // Half a MiB of gzip that inflates to 512 MiB: Kafka accepts it, and so do we, in a -Xmx512m node process.
        MemoryRecordsBuilder builder = MemoryRecords.builder(ByteBuffer.allocate(1 << 20), Compression.gzip().build(),
                TimestampType.CREATE_TIME, 0L);
        byte[] mib = new byte[1 << 20];
        for (int i = 0; i < 512; i++) {
            builder.append(System.currentTimeMillis(), bytes("k"), mib);
        }
        MemoryRecords bomb = builder.build();
        assertThat(bomb.sizeInBytes()).isLessThan(1 << 20);
        try (NodeProcess process = new NodeProcess(dir.resolve("bomb"), new HashMap<>())) {
            process.start();
            try (Admin admin = Clients.admin(process.bootstrap())) {
                admin.createTopics(List.of(new NewTopic("bomb", 1, (short) 1))).all().get();
            }
            int port = Integer.parseInt(process.bootstrap().substring(process.bootstrap().lastIndexOf(':') + 1));
            long rssBefore = procStatusKib(process.pid(), "VmRSS:");
            long started = System.nanoTime();
            ProduceResponseData.PartitionProduceResponse response = produce(port, "bomb", bomb, (short) 12);
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            assertThat(Errors.forCode(response.errorCode())).isEqualTo(Errors.NONE);
            assertThat(took).isLessThan(Duration.ofSeconds(30));
            // The peak resident size since start grew by a fraction of the inflated 512 MiB.
            assertThat(procStatusKib(process.pid(), "VmHWM:") - rssBefore).isLessThan(128 * 1024);
        }
    }

    /** A {@code /proc/PID/status} field in KiB. */
    private static long procStatusKib(long pid, String field) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith(field)) {
                return Long.parseLong(line.substring(field.length()).replace("kB", "").trim());
            }
        }
        throw new IllegalStateException(field + " missing from /proc/" + pid + "/status");
    }

    /** Produces two good records with a real producer; returns the log end offset after them. */
    private static long produceTwo(String topic) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(node.bootstrap(), Map.of())) {
            for (int i = 0; i < 2; i++) {
                producer.send(new ProducerRecord<>(topic, 0, bytes("k"), bytes("ok"))).get();
            }
        }
        return endOffset(topic);
    }

    private static ProduceResponseData.PartitionProduceResponse produce(String topic, MemoryRecords records,
                                                                        short version) throws Exception {
        return produce(node.port(), topic, records, version);
    }

    private static ProduceResponseData.PartitionProduceResponse produce(int port, String topic, MemoryRecords records,
                                                                        short version) throws Exception {
        ProduceRequestData data = new ProduceRequestData().setAcks((short) 1).setTimeoutMs(5_000);
        ProduceRequestData.TopicProduceData topicData = new ProduceRequestData.TopicProduceData().setName(topic);
        topicData.partitionData().add(new ProduceRequestData.PartitionProduceData().setIndex(0).setRecords(records));
        data.topicData().add(topicData);
        try (RawClient raw = new RawClient(port, Duration.ofSeconds(60))) {
            ProduceResponse response = raw.request(ProduceRequest.builder(data).build(version));
            return response.data().responses().iterator().next().partitionResponses().get(0);
        }
    }

    private static long endOffset(String topic) throws Exception {
        TopicPartition tp = new TopicPartition(topic, 0);
        try (Admin admin = Clients.admin(node.bootstrap())) {
            return admin.listOffsets(Map.of(tp, OffsetSpec.latest())).partitionResult(tp).get().offset();
        }
    }

    /** Recomputes the CRC of a single batch after its header or payload was altered, as a hostile client would. */
    private static void resign(ByteBuffer buf) {
        buf.putInt(CRC, (int) Crc32C.compute(buf, ATTRIBUTES, buf.limit() - ATTRIBUTES));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
