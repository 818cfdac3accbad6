package io.strata.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.strata.server.cluster.Partition;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeProducersResult;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.ProduceResponse;
import org.apache.kafka.common.requests.TransactionResult;
import org.apache.kafka.common.requests.WriteTxnMarkersRequest;
import org.apache.kafka.common.requests.WriteTxnMarkersResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The transactional data path without a coordinator: transactional batches built with kafka-clients' record
 * builders and sent over a raw connection, COMMIT and ABORT markers written with raw WriteTxnMarkers requests (as a
 * coordinator sends them), and real consumers in both isolation levels, before and after a restart; then the last
 * stable offset on a new leader after failover.
 */
class TransactionalLogIT {

    private static final String TOPIC = "txn";
    private static final TopicPartition TP = new TopicPartition(TOPIC, 0);
    private static final short EPOCH = 0;
    private static final int COORDINATOR_EPOCH = 5;
    /** No coordinator knows these producers: KIP-890's verification, which would refuse their writes, is off. */
    private static final Map<String, String> NO_VERIFICATION = Map.of("transaction.partition.verification.enable",
            "false");

    @TempDir
    Path dir;

    private final List<TestNode> nodes = new ArrayList<>();

    @AfterEach
    void stop() {
        nodes.forEach(TestNode::close);
    }

    @Test
    void readCommittedSeesExactlyTheCommittedRecordsBeforeAndAfterARestart() throws Exception {
        TestNode node = TestNode.start(dir, NO_VERIFICATION);
        nodes.add(node);
        try (Admin admin = Clients.admin(node.bootstrap())) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1))).all().get();
        }
        long a = 1000;
        long b = 2000;
        long c = 3000;
        try (RawClient raw = new RawClient(node.port())) {
            produce(raw, a, 0, "a1", "a2");             // offsets 0-1, transaction of a opens at 0
            produce(raw, b, 0, "b1");                   // offset 2
            assertOffsets(node, 3, 0);
            assertThat(marker(raw, a, COORDINATOR_EPOCH, true, TP)).isEqualTo(Errors.NONE); // offset 3
            assertOffsets(node, 4, 2);                  // b still open
            produce(raw, a, 2, "a3");                   // offset 4: a's second transaction
            assertThat(marker(raw, b, COORDINATOR_EPOCH, false, TP)).isEqualTo(Errors.NONE); // offset 5
            assertOffsets(node, 6, 4);
            assertThat(marker(raw, a, COORDINATOR_EPOCH, false, TP)).isEqualTo(Errors.NONE); // offset 6
            assertOffsets(node, 7, 7);
            produce(raw, c, 0, "c1");                   // offset 7, left open across the restart
            assertOffsets(node, 8, 7);

            // A marker from an older coordinator than a's last one is fenced; a partition nobody has is unknown.
            assertThat(marker(raw, a, COORDINATOR_EPOCH - 1, true, TP))
                    .isEqualTo(Errors.TRANSACTION_COORDINATOR_FENCED);
            assertThat(marker(raw, c, COORDINATOR_EPOCH, true, new TopicPartition("missing", 0)))
                    .isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION);
        }
        assertThat(read(node, IsolationLevel.READ_COMMITTED)).containsExactly("a1", "a2");
        assertThat(read(node, IsolationLevel.READ_UNCOMMITTED)).containsExactly("a1", "a2", "b1", "a3", "c1");
        assertThat(openTransactionStart(node, c)).isEqualTo(7);
        assertThat(txnIndexFiles(node)).isNotEmpty();

        node.restart();
        assertOffsets(node, 8, 7);
        assertThat(openTransactionStart(node, c)).isEqualTo(7);
        assertThat(read(node, IsolationLevel.READ_COMMITTED)).containsExactly("a1", "a2");
        try (RawClient raw = new RawClient(node.port())) {
            assertThat(marker(raw, c, COORDINATOR_EPOCH, true, TP)).isEqualTo(Errors.NONE); // offset 8
        }
        assertOffsets(node, 9, 9);
        assertThat(read(node, IsolationLevel.READ_COMMITTED)).containsExactly("a1", "a2", "c1");
        assertThat(read(node, IsolationLevel.READ_UNCOMMITTED)).containsExactly("a1", "a2", "b1", "a3", "c1");
        assertThat(openTransactionStart(node, c)).isEqualTo(-1);
    }

    @Test
    void aNewLeaderKeepsTheLastStableOffsetOfAnOpenTransaction() throws Exception {
        nodes.addAll(TestNode.cluster(dir, 3, Map.of("replica.fetch.wait.max.ms", "100",
                "broker.session.timeout.ms", "3000", "transaction.partition.verification.enable", "false")));
        TestNode.startAll(nodes);
        try (Admin admin = Clients.admin(nodes.get(0).bootstrap())) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 3))).all().get();
        }
        TestNode leader = leaderOf(TP);
        long a = 1000;
        long b = 2000;
        try (RawClient raw = new RawClient(leader.port())) {
            produce(raw, a, 0, "a1");                   // offset 0
            produce(raw, b, 0, "b1");                   // offset 1, left open
            assertThat(marker(raw, a, COORDINATOR_EPOCH, true, TP)).isEqualTo(Errors.NONE); // offset 2
        }
        // Followers learn of the transactions from the replicated batches and the high watermark from the leader.
        for (TestNode node : nodes) {
            Partition replica = node.server().replicas().partition(TP).orElseThrow();
            await().atMost(Duration.ofSeconds(20)).until(() -> replica.log().highWatermark() == 3);
            await().atMost(Duration.ofSeconds(20)).until(() -> replica.log().lastStableOffset() == 1);
        }
        leader.close();
        nodes.remove(leader);
        TestNode newLeader = leaderOf(TP);
        assertThat(newLeader.server().replicas().partition(TP).orElseThrow().log().lastStableOffset()).isEqualTo(1);
        try (RawClient raw = new RawClient(newLeader.port())) {
            assertThat(marker(raw, b, COORDINATOR_EPOCH, false, TP)).isEqualTo(Errors.NONE); // offset 3
        }
        assertOffsets(newLeader, 4, 4);
        assertThat(read(newLeader, IsolationLevel.READ_COMMITTED)).containsExactly("a1");
    }

    /** Appends one transactional batch of {@code values} for producer {@code pid} with acks=all. */
    private static void produce(RawClient raw, long pid, int baseSequence, String... values) throws IOException {
        SimpleRecord[] records = Stream.of(values)
                .map(v -> new SimpleRecord(System.currentTimeMillis(), null, v.getBytes(StandardCharsets.UTF_8)))
                .toArray(SimpleRecord[]::new);
        MemoryRecords batch = MemoryRecords.withTransactionalRecords(Compression.NONE, pid, EPOCH, baseSequence,
                records);
        ProduceRequestData data = new ProduceRequestData().setAcks((short) -1).setTimeoutMs(10_000)
                .setTransactionalId("txn-" + pid);
        ProduceRequestData.TopicProduceData topic = new ProduceRequestData.TopicProduceData().setName(TOPIC);
        topic.partitionData().add(new ProduceRequestData.PartitionProduceData().setIndex(0).setRecords(batch));
        data.topicData().add(topic);
        // v11, the older protocol's: from v12 the leader has the coordinator add the partition (KIP-890).
        ProduceResponse response = raw.request(new ProduceRequest(data, (short) 11));
        short error = response.data().responses().iterator().next().partitionResponses().get(0).errorCode();
        assertThat(Errors.forCode(error)).isEqualTo(Errors.NONE);
    }

    /** Writes a COMMIT or ABORT marker for {@code pid} as a coordinator would; returns the partition's error. */
    private static Errors marker(RawClient raw, long pid, int coordinatorEpoch, boolean commit, TopicPartition tp)
            throws IOException {
        WriteTxnMarkersRequest request = new WriteTxnMarkersRequest.Builder(List.of(
                new WriteTxnMarkersRequest.TxnMarkerEntry(pid, EPOCH, coordinatorEpoch,
                        commit ? TransactionResult.COMMIT : TransactionResult.ABORT, List.of(tp), (short) 0)))
                .build((short) 1);
        WriteTxnMarkersResponse response = raw.request(request);
        return response.errorsByProducerId().get(pid).get(tp);
    }

    /** Checks the offsets as Admin's ListOffsets reports them: the high watermark and the last stable offset. */
    private static void assertOffsets(TestNode node, long highWatermark, long lastStable) throws Exception {
        try (Admin admin = Clients.admin(node.bootstrap())) {
            long latest = admin.listOffsets(Map.of(TP, OffsetSpec.latest()),
                    new ListOffsetsOptions(IsolationLevel.READ_UNCOMMITTED)).partitionResult(TP).get().offset();
            long committed = admin.listOffsets(Map.of(TP, OffsetSpec.latest()),
                    new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).partitionResult(TP).get().offset();
            assertThat(latest).as("high watermark").isEqualTo(highWatermark);
            assertThat(committed).as("last stable offset").isEqualTo(lastStable);
        }
    }

    /** Every value a consumer of {@code isolation} reads from the beginning up to its end offset. */
    private static List<String> read(TestNode node, IsolationLevel isolation) {
        try (KafkaConsumer<byte[], byte[]> consumer = Clients.consumer(node.bootstrap(),
                Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation.toString()))) {
            consumer.assign(List.of(TP));
            consumer.seekToBeginning(List.of(TP));
            long end = consumer.endOffsets(List.of(TP)).get(TP);
            List<String> values = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (consumer.position(TP) < end && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    values.add(new String(r.value(), StandardCharsets.UTF_8));
                }
            }
            assertThat(consumer.position(TP)).as("position of a " + isolation + " consumer").isEqualTo(end);
            return values;
        }
    }

    /** DescribeProducers (as kafka-transactions.sh describe-producers): the producer's open transaction start. */
    private static long openTransactionStart(TestNode node, long pid) throws Exception {
        try (Admin admin = Clients.admin(node.bootstrap())) {
            DescribeProducersResult.PartitionProducerState state = admin.describeProducers(List.of(TP))
                    .partitionResult(TP).get();
            ProducerState producer = state.activeProducers().stream().filter(p -> p.producerId() == pid)
                    .findFirst().orElseThrow();
            return producer.currentTransactionStartOffset().orElse(-1);
        }
    }

    private static List<Path> txnIndexFiles(TestNode node) throws IOException {
        Path partitionDir = node.server().replicas().partition(TP).orElseThrow().log().dir();
        try (Stream<Path> files = Files.list(partitionDir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".txnindex")).toList();
        }
    }

    private TestNode leaderOf(TopicPartition tp) {
        await().atMost(Duration.ofSeconds(30)).until(() -> leaderOrNull(tp) != null);
        return leaderOrNull(tp);
    }

    private TestNode leaderOrNull(TopicPartition tp) {
        for (TestNode node : nodes) {
            var partition = node.server().replicas().partition(tp);
            if (partition.isPresent() && partition.get().isLeader()) {
                return node;
            }
        }
        return null;
    }
}
