package io.strata.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.tools.TransactionsCommand;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Transactions with the real Kafka clients against one node: the transaction coordinator found through
 * FindCoordinator, producers initialised and fenced, transactions described and listed by the Admin client and by
 * Kafka's {@code kafka-transactions.sh}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TransactionsIT {

    private TestNode node;
    private Admin admin;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        node = TestNode.start(dir.resolve("node"), Map.of("transaction.state.log.num.partitions", "3",
                "offsets.topic.num.partitions", "3", "group.initial.rebalance.delay.ms", "0"));
        admin = Clients.admin(node.bootstrap());
        admin.createTopics(List.of(new NewTopic("a", 2, (short) 1), new NewTopic("b", 1, (short) 1),
                new NewTopic("c", 1, (short) 1))).all().get();
    }

    @AfterAll
    void stop() {
        if (admin != null) {
            admin.close();
        }
        if (node != null) {
            node.close();
        }
    }

    private KafkaProducer<byte[], byte[]> transactional(String id, Map<String, Object> overrides) {
        Map<String, Object> config = new java.util.HashMap<>(Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, id,
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 20_000));
        config.putAll(overrides);
        return Clients.producer(node.bootstrap(), config);
    }

    private static ProducerRecord<byte[], byte[]> record(String topic, String value) {
        return new ProducerRecord<>(topic, value.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aSecondProducerWithTheSameTransactionalIdFencesTheFirst() {
        try (KafkaProducer<byte[], byte[]> first = transactional("fenced", Map.of());
             KafkaProducer<byte[], byte[]> second = transactional("fenced", Map.of())) {
            first.initTransactions();
            second.initTransactions();
            first.beginTransaction();
            assertThatThrownBy(() -> {
                first.send(record("a", "zombie"));
                first.commitTransaction();
            }).satisfiesAnyOf(
                    e -> assertThat(e).isInstanceOf(ProducerFencedException.class),
                    e -> assertThat(e).isInstanceOf(KafkaException.class)
                            .hasRootCauseInstanceOf(ProducerFencedException.class));
        }
    }

    @Test
    void aTimeoutAboveTheMaximumIsRefused() {
        try (KafkaProducer<byte[], byte[]> producer = transactional("too-long",
                Map.of(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 900_001))) {
            // The producer reports INVALID_TRANSACTION_TIMEOUT as an unexpected error, as it does against Kafka.
            assertThatThrownBy(producer::initTransactions).isInstanceOf(KafkaException.class)
                    .hasMessageContaining("transaction.max.timeout.ms");
        }
    }

    @Test
    void adminAndKafkaTransactionsToolDescribeAndList() throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = transactional("described", Map.of())) {
            producer.initTransactions();
            TransactionDescription d = admin.describeTransactions(List.of("described")).description("described")
                    .get();
            assertThat(d.state()).isEqualTo(TransactionState.EMPTY);
            assertThat(d.producerEpoch()).isZero();
            assertThat(d.coordinatorId()).isEqualTo(1);
            assertThat(d.topicPartitions()).isEmpty();
            assertThat(admin.listTransactions().all().get()).extracting(TransactionListing::transactionalId)
                    .contains("described");

            InProcessTool list = InProcessTool.run(() -> TransactionsCommand.main(new String[] {
                    "--bootstrap-server", node.bootstrap(), "list"}));
            assertThat(list.status()).as(list.err()).isZero();
            assertThat(list.out()).containsPattern("described\\s+1\\s+" + d.producerId() + "\\s+Empty");
            InProcessTool describe = InProcessTool.run(() -> TransactionsCommand.main(new String[] {
                    "--bootstrap-server", node.bootstrap(), "describe", "--transactional-id", "described"}));
            assertThat(describe.status()).as(describe.err()).isZero();
            assertThat(describe.out()).contains("described").contains("Empty");
        }
    }
}
