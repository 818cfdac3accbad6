package io.strata.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
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
import org.apache.kafka.tools.TransactionalMessageCopier;
import org.apache.kafka.tools.TransactionsCommand;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Transactions with the real Kafka clients against one node: interleaved committed and aborted transactions seen
 * by read_committed and read_uncommitted consumers, fencing, consume-transform-produce with
 * {@code sendOffsetsToTransaction} (classic and KIP-848 groups) across a crashed instance, Admin and Kafka's
 * {@code kafka-transactions.sh}; and a {@code kill -9} of a node process mid-transaction. The node finalizes
 * transactions version 2 (the default of {@code strata.transaction.version}), which the clients then use; the
 * interleaved, fencing and epoch cases run against a second node finalizing version 1 too, where the same clients
 * use the older protocol. (Verification of that protocol's writes is {@code TransactionVerificationIT}'s.)
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TransactionsIT {

    private Path dir;
    private TestNode node;
    private Admin admin;
    /** A node pinned to transactions version 1, and its Admin. */
    private TestNode v1Node;
    private Admin v1Admin;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        this.dir = dir;
        Map<String, String> config = Map.of("transaction.state.log.num.partitions", "3",
                "offsets.topic.num.partitions", "3", "group.initial.rebalance.delay.ms", "0");
        node = TestNode.start(dir.resolve("node"), config);
        admin = Clients.admin(node.bootstrap());
        Map<String, String> v1Config = new HashMap<>(config);
        v1Config.put("strata.transaction.version", "1");
        v1Node = TestNode.start(dir.resolve("v1-node"), v1Config);
        v1Admin = Clients.admin(v1Node.bootstrap());
        v1Admin.createTopics(List.of(new NewTopic("a", 2, (short) 1), new NewTopic("b", 1, (short) 1),
                new NewTopic("c", 1, (short) 1))).all().get();
        admin.createTopics(List.of(new NewTopic("a", 2, (short) 1), new NewTopic("b", 1, (short) 1),
                new NewTopic("c", 1, (short) 1), new NewTopic("in-classic", 1, (short) 1),
                new NewTopic("out-classic", 1, (short) 1), new NewTopic("in-consumer", 1, (short) 1),
                new NewTopic("out-consumer", 1, (short) 1), new NewTopic("hanging", 1, (short) 1),
                new NewTopic("copier-in", 1, (short) 1), new NewTopic("copier-out", 1, (short) 1))).all().get();
    }

    @AfterAll
    void stop() {
        for (AutoCloseable c : new AutoCloseable[] {admin, node, v1Admin, v1Node}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** The node that finalizes {@code transaction.version} at {@code version} (1 or 2). */
    private TestNode node(int version) {
        return version == 1 ? v1Node : node;
    }

    private Admin admin(int version) {
        return version == 1 ? v1Admin : admin;
    }

    private KafkaProducer<byte[], byte[]> transactional(String id, Map<String, Object> overrides) {
        return transactional(2, id, overrides);
    }

    private KafkaProducer<byte[], byte[]> transactional(int version, String id, Map<String, Object> overrides) {
        Map<String, Object> config = new java.util.HashMap<>(Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, id,
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 20_000));
        config.putAll(overrides);
        return Clients.producer(node(version).bootstrap(), config);
    }

    private static ProducerRecord<byte[], byte[]> record(String topic, String value) {
        return new ProducerRecord<>(topic, value.getBytes(StandardCharsets.UTF_8));
    }

    @ParameterizedTest(name = "transaction.version={0}")
    @ValueSource(ints = {1, 2})
    void aSecondProducerWithTheSameTransactionalIdFencesTheFirst(int version) {
        try (KafkaProducer<byte[], byte[]> first = transactional(version, "fenced", Map.of());
             KafkaProducer<byte[], byte[]> second = transactional(version, "fenced", Map.of())) {
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

    @Test
    void kafkaTransactionsToolAbortsAHangingTransactionFoundByItsStartOffset() throws Exception {
        TopicPartition tp = new TopicPartition("hanging", 0);
        KafkaProducer<byte[], byte[]> producer = transactional("hanging", Map.of());
        producer.initTransactions();
        producer.beginTransaction();
        producer.send(new ProducerRecord<>(tp.topic(), tp.partition(), null, "stuck".getBytes(StandardCharsets.UTF_8)));
        producer.flush();
        producer.close(Duration.ZERO);

        InProcessTool producers = InProcessTool.run(() -> TransactionsCommand.main(new String[] {
                "--bootstrap-server", node.bootstrap(), "describe-producers", "--topic", tp.topic(),
                "--partition", "0"}));
        assertThat(producers.status()).as(producers.err()).isZero();
        InProcessTool abort = InProcessTool.run(() -> TransactionsCommand.main(new String[] {
                "--bootstrap-server", node.bootstrap(), "abort", "--topic", tp.topic(), "--partition", "0",
                "--start-offset", "0"}));
        assertThat(abort.status()).as(abort.err()).isZero();
        // The marker ends the transaction in the partition: the LSO passes it and nothing of it is committed.
        assertThat(readAll(admin, node.bootstrap(), IsolationLevel.READ_COMMITTED, List.of(tp)).get(tp)).isEmpty();
    }

    @Test
    void kafkasTransactionalMessageCopierCopiesExactlyOnceWithRandomAborts() throws Exception {
        List<String> input = IntStream.range(0, 50).mapToObj(i -> "m" + i).toList();
        try (KafkaProducer<byte[], byte[]> plain = Clients.producer(node.bootstrap(), Map.of())) {
            input.forEach(v -> plain.send(new ProducerRecord<>("copier-in", 0, null,
                    v.getBytes(StandardCharsets.UTF_8))));
        }
        InProcessTool copier = InProcessTool.run(() -> TransactionalMessageCopier.main(new String[] {
                "--broker-list", node.bootstrap(), "--transactional-id", "copier", "--consumer-group", "copier",
                "--input-topic", "copier-in", "--input-partition", "0", "--output-topic", "copier-out",
                "--max-messages", "50", "--transaction-size", "10", "--enable-random-aborts",
                "--use-group-metadata"}));
        assertThat(copier.status()).as(copier.err()).isZero();
        TopicPartition out = new TopicPartition("copier-out", 0);
        assertThat(readAll(admin, node.bootstrap(), IsolationLevel.READ_COMMITTED, List.of(out)).get(out))
                .isEqualTo(input);
    }

    private static String text(ConsumerRecord<byte[], byte[]> r) {
        return new String(r.value(), StandardCharsets.UTF_8);
    }

    /**
     * Every record of the partitions as a consumer of {@code isolation} reads them, once no transaction is open in
     * them (the last stable offset reached the high watermark): values by partition, in offset order.
     */
    static Map<TopicPartition, List<String>> readAll(Admin admin, String bootstrap, IsolationLevel isolation,
                                                     List<TopicPartition> partitions) {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        partitions.forEach(tp -> latest.put(tp, OffsetSpec.latest()));
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            var stable = admin.listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all().get();
            var end = admin.listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_UNCOMMITTED)).all().get();
            return partitions.stream().allMatch(tp -> stable.get(tp).offset() == end.get(tp).offset());
        });
        Map<TopicPartition, List<String>> values = new HashMap<>();
        partitions.forEach(tp -> values.put(tp, new ArrayList<>()));
        try (KafkaConsumer<byte[], byte[]> consumer = Clients.consumer(bootstrap, Map.of(
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation.toString()))) {
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(100)).forEach(r ->
                        values.get(new TopicPartition(r.topic(), r.partition())).add(text(r)));
                return partitions.stream().allMatch(tp -> consumer.position(tp) >= end.get(tp));
            });
        }
        return values;
    }

    @ParameterizedTest(name = "transaction.version={0}")
    @ValueSource(ints = {1, 2})
    void readCommittedConsumersSeeExactlyTheCommittedTransactionsInOrder(int version) {
        TopicPartition a = new TopicPartition("a", 1);
        TopicPartition b = new TopicPartition("b", 0);
        TopicPartition c = new TopicPartition("c", 0);
        List<TopicPartition> partitions = List.of(a, b, c);
        Map<TopicPartition, List<String>> committed = new HashMap<>();
        Map<TopicPartition, List<String>> written = new HashMap<>();
        partitions.forEach(tp -> {
            committed.put(tp, new ArrayList<>());
            written.put(tp, new ArrayList<>());
        });
        try (KafkaProducer<byte[], byte[]> producer = transactional(version, "interleaved", Map.of())) {
            producer.initTransactions();
            for (int t = 0; t < 10; t++) {
                producer.beginTransaction();
                for (TopicPartition tp : partitions) {
                    for (int i = 0; i < 3; i++) {
                        String value = "t" + t + "-" + tp + "-" + i;
                        producer.send(new ProducerRecord<>(tp.topic(), tp.partition(), null,
                                value.getBytes(StandardCharsets.UTF_8)));
                        written.get(tp).add(value);
                        if (t % 2 == 0) {
                            committed.get(tp).add(value);
                        }
                    }
                }
                if (t % 2 == 0) {
                    producer.commitTransaction();
                } else {
                    // Written first: an abort drops the batches not sent yet.
                    producer.flush();
                    producer.abortTransaction();
                }
            }
        }
        assertThat(readAll(admin(version), node(version).bootstrap(), IsolationLevel.READ_COMMITTED, partitions))
                .isEqualTo(committed);
        assertThat(readAll(admin(version), node(version).bootstrap(), IsolationLevel.READ_UNCOMMITTED, partitions))
                .isEqualTo(written);
    }

    /**
     * KIP-890: under version 2 every commit bumps the producer epoch (EndTxn v5 hands the producer the new one) and
     * the markers carry it, as DescribeTransactions and DescribeProducers show; under version 1 it stays.
     */
    @ParameterizedTest(name = "transaction.version={0}")
    @ValueSource(ints = {1, 2})
    void theEpochIsBumpedAtEveryCommitOnlyUnderVersion2(int version) throws Exception {
        TopicPartition tp = new TopicPartition("c", 0);
        String id = "epochs";
        try (KafkaProducer<byte[], byte[]> producer = transactional(version, id, Map.of())) {
            producer.initTransactions();
            int initial = admin(version).describeTransactions(List.of(id)).description(id).get().producerEpoch();
            for (int t = 1; t <= 3; t++) {
                producer.beginTransaction();
                producer.send(new ProducerRecord<>(tp.topic(), tp.partition(), null, ("e" + t).getBytes(
                        StandardCharsets.UTF_8)));
                producer.commitTransaction();
                int expected = initial + (version == 2 ? t : 0);
                TransactionDescription txn = admin(version).describeTransactions(List.of(id)).description(id).get();
                assertThat((int) txn.producerEpoch()).as("coordinator's epoch after commit " + t).isEqualTo(expected);
                long producerId = txn.producerId();
                String after = "partition's epoch after commit " + t;
                // The markers are written after EndTxn answers: the partition's producer state follows shortly.
                await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(admin(version)
                        .describeProducers(List.of(tp)).partitionResult(tp).get().activeProducers().stream()
                        .filter(p -> p.producerId() == producerId).findFirst().orElseThrow().producerEpoch())
                        .as(after).isEqualTo(expected));
            }
        }
    }

    @Test
    void consumeTransformProduceWithAClassicGroupIsExactlyOnceAcrossACrashedInstance() {
        consumeTransformProduce("classic", "in-classic", "out-classic");
    }

    @Test
    void consumeTransformProduceWithAConsumerProtocolGroupIsExactlyOnceAcrossACrashedInstance() {
        consumeTransformProduce("consumer", "in-consumer", "out-consumer");
    }

    /**
     * Copies 30 input records to the output as "out-" + value in transactions of up to 10, with the input offsets
     * sent to the transaction. The first instance commits one transaction and crashes in the middle of the next
     * (its producer closed without waiting, its transaction left open); a second instance with the same
     * transactional id and group fences it and finishes. The output must hold every input exactly once, in order.
     */
    private void consumeTransformProduce(String protocol, String in, String out) {
        try (KafkaProducer<byte[], byte[]> plain = Clients.producer(node.bootstrap(), Map.of())) {
            for (int i = 0; i < 30; i++) {
                plain.send(new ProducerRecord<>(in, 0, null, Integer.toString(i).getBytes(StandardCharsets.UTF_8)));
            }
        }
        String group = "copier-" + protocol;
        String txnId = "copier-" + protocol;
        Map<String, Object> consumerConfig = Map.of(ConsumerConfig.GROUP_ID_CONFIG, group,
                ConsumerConfig.GROUP_PROTOCOL_CONFIG, protocol, ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed", ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 10);

        KafkaConsumer<byte[], byte[]> firstConsumer = Clients.consumer(node.bootstrap(), consumerConfig);
        KafkaProducer<byte[], byte[]> first = transactional(txnId, Map.of());
        first.initTransactions();
        firstConsumer.subscribe(List.of(in));
        copyOneBatch(firstConsumer, first, out, true);
        copyOneBatch(firstConsumer, first, out, false);
        // The crash: the producer goes without ending its transaction. The consumer leaves the group, committing
        // nothing (its offsets travel only in transactions), so that the next instance need not wait out its session.
        first.close(Duration.ZERO);
        firstConsumer.close();

        try (KafkaConsumer<byte[], byte[]> consumer = Clients.consumer(node.bootstrap(), consumerConfig);
             KafkaProducer<byte[], byte[]> producer = transactional(txnId, Map.of())) {
            producer.initTransactions();
            consumer.subscribe(List.of(in));
            TopicPartition input = new TopicPartition(in, 0);
            await().atMost(Duration.ofSeconds(40)).until(() -> {
                copyOneBatch(consumer, producer, out, true);
                return consumer.assignment().contains(input) && consumer.position(input) == 30;
            });
        }
        List<String> expected = IntStream.range(0, 30).mapToObj(i -> "out-" + i).toList();
        assertThat(readAll(admin, node.bootstrap(), IsolationLevel.READ_COMMITTED,
                List.of(new TopicPartition(out, 0))).get(new TopicPartition(out, 0))).isEqualTo(expected);
    }

    /** Polls once and, if records came, copies them in one transaction with their offsets: committed or left open. */
    private static void copyOneBatch(KafkaConsumer<byte[], byte[]> consumer, KafkaProducer<byte[], byte[]> producer,
                                     String out, boolean commit) {
        List<ConsumerRecord<byte[], byte[]>> batch = new ArrayList<>();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            consumer.poll(Duration.ofMillis(100)).forEach(batch::add);
            return !batch.isEmpty() || (!consumer.assignment().isEmpty() && consumer.assignment().stream()
                    .allMatch(tp -> consumer.position(tp) == 30));
        });
        if (batch.isEmpty()) {
            return;
        }
        producer.beginTransaction();
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : batch) {
            producer.send(new ProducerRecord<>(out, 0, null, ("out-" + text(r)).getBytes(StandardCharsets.UTF_8)));
            offsets.put(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
        }
        producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
        if (commit) {
            producer.commitTransaction();
        } else {
            producer.flush();
        }
    }

    @Test
    void killNineOfTheNodeMidTransactionAbortsItAndKeepsWhatWasCommitted() throws Exception {
        try (NodeProcess crashing = new NodeProcess(dir.resolve("crashing"), Map.of(
                "transaction.state.log.num.partitions", "1",
                "transaction.abort.timed.out.transaction.cleanup.interval.ms", "200"))) {
            crashing.start();
            TopicPartition tp = new TopicPartition("crashy", 0);
            try (Admin crashAdmin = Clients.admin(crashing.bootstrap())) {
                crashAdmin.createTopics(List.of(new NewTopic("crashy", 1, (short) 1))).all().get();
            }
            KafkaProducer<byte[], byte[]> producer = Clients.producer(crashing.bootstrap(), Map.of(
                    ProducerConfig.TRANSACTIONAL_ID_CONFIG, "crashy", ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 2000));
            producer.initTransactions();
            producer.beginTransaction();
            for (int i = 0; i < 10; i++) {
                producer.send(new ProducerRecord<>("crashy", 0, null, ("committed-" + i).getBytes(StandardCharsets.UTF_8)));
            }
            producer.commitTransaction();
            producer.beginTransaction();
            for (int i = 0; i < 10; i++) {
                producer.send(new ProducerRecord<>("crashy", 0, null, ("open-" + i).getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush();

            crashing.kill9();
            producer.close(Duration.ZERO);
            crashing.start();

            try (Admin crashAdmin = Clients.admin(crashing.bootstrap())) {
                // The coordinator reloads the open transaction and aborts it once past its timeout: the LSO moves on.
                List<String> committed = readAll(crashAdmin, crashing.bootstrap(), IsolationLevel.READ_COMMITTED,
                        List.of(tp)).get(tp);
                assertThat(committed).isEqualTo(IntStream.range(0, 10).mapToObj(i -> "committed-" + i).toList());
                await().atMost(Duration.ofSeconds(20)).until(() -> crashAdmin.describeTransactions(List.of("crashy"))
                        .description("crashy").get().state() == TransactionState.COMPLETE_ABORT);
            }
        }
    }
}
