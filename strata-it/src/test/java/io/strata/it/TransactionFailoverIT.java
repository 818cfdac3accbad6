package io.strata.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A transaction survives the loss of its coordinator's broker: the leadership of its {@code __transaction_state}
 * partition moves, the new leader loads the open transaction, and the producer commits it there.
 */
class TransactionFailoverIT {

    @TempDir
    Path dir;

    private List<TestNode> nodes = List.of();

    @AfterEach
    void stop() {
        nodes.forEach(TestNode::close);
    }

    @Test
    void anOpenTransactionCommitsThroughTheNextCoordinator() throws Exception {
        nodes = TestNode.cluster(dir, 3, Map.of("broker.session.timeout.ms", "3000",
                "replica.fetch.wait.max.ms", "100", "transaction.state.log.num.partitions", "3"));
        TestNode.startAll(nodes);
        String bootstrap = String.join(",", nodes.stream().map(TestNode::bootstrap).toList());
        TopicPartition tp = new TopicPartition("moving", 0);
        try (Admin admin = Clients.admin(bootstrap);
             KafkaProducer<byte[], byte[]> producer = Clients.producer(bootstrap, Map.of(
                     ProducerConfig.TRANSACTIONAL_ID_CONFIG, "mover", ProducerConfig.MAX_BLOCK_MS_CONFIG, 60_000))) {
            admin.createTopics(List.of(new NewTopic("moving", 1, (short) 3))).all().get();
            producer.initTransactions();
            producer.beginTransaction();
            for (int i = 0; i < 10; i++) {
                producer.send(new ProducerRecord<>("moving", 0, null, ("v" + i).getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush();
            TransactionDescription before = admin.describeTransactions(List.of("mover")).description("mover").get();
            assertThat(before.state()).isEqualTo(TransactionState.ONGOING);
            nodes.get(before.coordinatorId() - 1).close();

            producer.commitTransaction();
            List<TestNode> alive = nodes.stream().filter(n -> n != nodes.get(before.coordinatorId() - 1)).toList();
            String aliveBootstrap = String.join(",", alive.stream().map(TestNode::bootstrap).toList());
            try (Admin survivors = Clients.admin(aliveBootstrap)) {
                await().atMost(Duration.ofSeconds(30)).until(() -> {
                    TransactionDescription d = survivors.describeTransactions(List.of("mover")).description("mover")
                            .get();
                    return d.state() == TransactionState.COMPLETE_COMMIT && d.coordinatorId() != before.coordinatorId();
                });
                assertThat(TransactionsIT.readAll(survivors, aliveBootstrap, IsolationLevel.READ_COMMITTED,
                        List.of(tp)).get(tp)).isEqualTo(IntStream.range(0, 10).mapToObj(i -> "v" + i).toList());
            }
        }
    }
}
