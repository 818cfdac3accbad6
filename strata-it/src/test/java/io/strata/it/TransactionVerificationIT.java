package io.strata.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.errors.TransactionAbortableException;
import org.apache.kafka.common.message.EndTxnRequestData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.EndTxnRequest;
import org.apache.kafka.common.requests.EndTxnResponse;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.ProduceResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * KIP-890 part 1 with the real Kafka clients: partition leaders verify the older protocol's first transactional
 * write to a partition with the transaction coordinator, against a node whose cluster finalizes transactions
 * version 1 (so that Kafka's 4.3 producer uses that protocol), and answer a write outside its transaction with the
 * error the client knows.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TransactionVerificationIT {

    private TestNode node;
    private Admin admin;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        node = TestNode.start(dir.resolve("node"), Map.of("strata.transaction.version", "1",
                "transaction.state.log.num.partitions", "3"));
        admin = Clients.admin(node.bootstrap());
        admin.createTopics(List.of(new NewTopic("a", 1, (short) 1), new NewTopic("b", 1, (short) 1))).all().get();
    }

    @AfterAll
    void stop() {
        admin.close();
        node.close();
    }

    private KafkaProducer<byte[], byte[]> transactional(String id) {
        return Clients.producer(node.bootstrap(), Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, id,
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 20_000));
    }

    /**
     * KIP-890 part 1 (transaction.partition.verification.enable, on by default): a transactional write of the
     * older protocol to a partition that is not in the producer's transaction is refused, so it cannot open a
     * transaction that no marker would close: with TRANSACTION_ABORTABLE for a Produce v11 client, which knows it,
     * and INVALID_TXN_STATE for an older one.
     */
    @ParameterizedTest(name = "Produce v{0}")
    @ValueSource(shorts = {10, 11})
    void aWriteToAPartitionOutsideTheTransactionIsRefusedByVerification(short produceVersion) throws Exception {
        String id = "verified-" + produceVersion;
        try (KafkaProducer<byte[], byte[]> producer = transactional(id)) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>("a", 0, null, "in".getBytes(StandardCharsets.UTF_8)));
            producer.flush();
            TransactionDescription txn = admin.describeTransactions(List.of(id)).description(id).get();
            assertThat(txn.topicPartitions()).containsExactly(new TopicPartition("a", 0));
            MemoryRecords batch = MemoryRecords.withTransactionalRecords(Compression.NONE, txn.producerId(),
                    (short) txn.producerEpoch(), 0, new SimpleRecord("out".getBytes(StandardCharsets.UTF_8)));
            ProduceRequestData data = new ProduceRequestData().setAcks((short) -1).setTimeoutMs(10_000)
                    .setTransactionalId(id);
            ProduceRequestData.TopicProduceData topic = new ProduceRequestData.TopicProduceData().setName("b");
            topic.partitionData().add(new ProduceRequestData.PartitionProduceData().setIndex(0).setRecords(batch));
            data.topicData().add(topic);
            try (RawClient raw = new RawClient(node.port())) {
                ProduceResponse response = raw.request(new ProduceRequest(data, produceVersion));
                assertThat(Errors.forCode(response.data().responses().iterator().next().partitionResponses().get(0)
                        .errorCode())).isEqualTo(produceVersion >= 11 ? Errors.TRANSACTION_ABORTABLE
                        : Errors.INVALID_TXN_STATE);
            }
            producer.abortTransaction();
        }
        TopicPartition b = new TopicPartition("b", 0);
        assertThat(admin.describeProducers(List.of(b)).partitionResult(b).get().activeProducers())
                .noneMatch(p -> p.currentTransactionStartOffset().isPresent());
    }

    /**
     * TRANSACTION_ABORTABLE with Kafka's producer: its transaction is ended behind its back (a raw EndTxn abort,
     * as from an operator's tool), so its next write to one of its partitions belongs to no transaction and
     * verification refuses it. The 4.3 producer, told TRANSACTION_ABORTABLE, aborts and carries on with its next
     * transaction instead of failing for good.
     */
    @Test
    void aProducerWhoseWriteVerificationRefusesAbortsAndCarriesOn() throws Exception {
        String id = "abortable";
        admin.createTopics(List.of(new NewTopic(id, 1, (short) 1))).all().get();
        TopicPartition tp = new TopicPartition(id, 0);
        try (KafkaProducer<byte[], byte[]> producer = transactional(id)) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(id, 0, null, "ended".getBytes(StandardCharsets.UTF_8))).get();
            TransactionDescription txn = admin.describeTransactions(List.of(id)).description(id).get();
            try (RawClient raw = new RawClient(node.port())) {
                EndTxnResponse ended = raw.request(new EndTxnRequest.Builder(new EndTxnRequestData()
                        .setTransactionalId(id).setProducerId(txn.producerId())
                        .setProducerEpoch((short) txn.producerEpoch()).setCommitted(false), false).build((short) 4));
                assertThat(ended.error()).isEqualTo(Errors.NONE);
            }
            // Once the abort marker closes the transaction on the partition, the next write there is verified.
            await().atMost(Duration.ofSeconds(10)).until(() -> admin.describeProducers(List.of(tp))
                    .partitionResult(tp).get().activeProducers().stream()
                    .noneMatch(p -> p.currentTransactionStartOffset().isPresent()));
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>(id, 0, null,
                    "refused".getBytes(StandardCharsets.UTF_8))).get())
                    .hasCauseInstanceOf(TransactionAbortableException.class);
            producer.abortTransaction();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(id, 0, null, "committed".getBytes(StandardCharsets.UTF_8)));
            producer.commitTransaction();
        }
        assertThat(TransactionsIT.readAll(admin, node.bootstrap(), IsolationLevel.READ_COMMITTED, List.of(tp)))
                .isEqualTo(Map.of(tp, List.of("committed")));
    }
}
