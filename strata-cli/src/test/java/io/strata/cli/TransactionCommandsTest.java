package io.strata.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code strata transactions} against a real node with real transactional producers. */
class TransactionCommandsTest {

    @TempDir
    static Path dir;

    static TestNode node;
    static KafkaProducer<String, String> idle;
    static KafkaProducer<String, String> open;

    @BeforeAll
    static void start() throws Exception {
        node = TestNode.start(dir, Map.of("transaction.state.log.num.partitions", "2"));
        node.admin().createTopics(List.of(new NewTopic("txn-out", 2, (short) 1))).all().get();
        idle = transactional("idle-app");
        idle.initTransactions();
        open = transactional("open-app");
        open.initTransactions();
        open.beginTransaction();
        open.send(new ProducerRecord<>("txn-out", 1, "k", "v")).get();
    }

    private static KafkaProducer<String, String> transactional(String id) {
        return new KafkaProducer<>(Map.of("bootstrap.servers", node.bootstrap(), "transactional.id", id),
                new StringSerializer(), new StringSerializer());
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable c : new AutoCloseable[] {idle, open, node}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception ignored) {
                // Best effort: the node goes anyway.
            }
        }
    }

    private static JsonNode find(JsonNode array, String id) {
        return StreamSupport.stream(array.spliterator(), false)
                .filter(n -> n.get("transactionalId").asText().equals(id)).findFirst().orElseThrow();
    }

    @Test
    void listShowsEveryTransactionalIdWithItsCoordinatorAndState() {
        Cli.Result table = Cli.run(node, "transactions", "list");
        assertThat(table.exit()).as(table.err()).isZero();
        assertThat(table.lines()).first().asString().matches("TRANSACTIONAL ID +COORDINATOR +PRODUCER ID +STATE");
        assertThat(table.lines()).anyMatch(l -> l.matches("idle-app +1 +\\d+ +Empty"))
                .anyMatch(l -> l.matches("open-app +1 +\\d+ +Ongoing"));

        JsonNode listed = Cli.run(node, "transactions", "list", "-o", "json").json().get("transactions");
        assertThat(find(listed, "open-app").get("state").asText()).isEqualTo("Ongoing");
        assertThat(find(listed, "open-app").get("coordinator").asInt()).isEqualTo(1);

        JsonNode ongoing = Cli.run(node, "transactions", "list", "--state", "ongoing", "-o", "json").json()
                .get("transactions");
        assertThat(ongoing).extracting(n -> n.get("transactionalId").asText()).containsExactly("open-app");
        JsonNode old = Cli.run(node, "transactions", "list", "--duration-ms", "3600000", "-o", "json").json()
                .get("transactions");
        assertThat(old).isEmpty();
        JsonNode running = Cli.run(node, "transactions", "list", "--duration-ms", "0", "-o", "json").json()
                .get("transactions");
        assertThat(running).extracting(n -> n.get("transactionalId").asText()).containsExactly("open-app");
    }

    @Test
    void describeShowsTheOpenTransaction() {
        JsonNode d = Cli.run(node, "transactions", "describe", "open-app", "-o", "json").json()
                .get("transactions").get(0);
        assertThat(d.get("state").asText()).isEqualTo("Ongoing");
        assertThat(d.get("producerEpoch").asInt()).isZero();
        assertThat(d.get("timeoutMs").asInt()).isEqualTo(60_000);
        assertThat(d.get("startTimeMs").asLong()).isPositive();
        assertThat(d.get("partitions").get(0).get("topic").asText()).isEqualTo("txn-out");
        assertThat(d.get("partitions").get(0).get("partition").asInt()).isEqualTo(1);

        Cli.Result table = Cli.run(node, "transactions", "describe", "idle-app");
        assertThat(table.exit()).as(table.err()).isZero();
        assertThat(table.lines().get(1)).matches("idle-app +1 +\\d+ +0 +Empty +60000 +- +- +-");
    }

    @Test
    void abortWritesTheMarkerOfTheTransactionStartingAtAnOffset() throws Exception {
        node.admin().createTopics(List.of(new NewTopic("stuck", 1, (short) 1))).all().get();
        try (KafkaProducer<String, String> stuck = transactional("stuck-app")) {
            stuck.initTransactions();
            stuck.beginTransaction();
            stuck.send(new ProducerRecord<>("stuck", 0, "k", "v")).get();

            Cli.Result wrongOffset = Cli.run(node, "transactions", "abort", "--topic", "stuck", "--partition", "0",
                    "--start-offset", "7");
            assertThat(wrongOffset.exit()).isEqualTo(1);
            assertThat(wrongOffset.err()).contains("no open transaction in stuck-0 starts at offset 7");

            Cli.Result aborted = Cli.run(node, "transactions", "abort", "--topic", "stuck", "--partition", "0",
                    "--start-offset", "0");
            assertThat(aborted.exit()).as(aborted.err()).isZero();
            assertThat(aborted.out()).startsWith("Aborted the transaction of producer ");
            TopicPartition tp = new TopicPartition("stuck", 0);
            await().atMost(Duration.ofSeconds(20)).until(() -> node.admin().listOffsets(
                    Map.of(tp, OffsetSpec.latest()), new ListOffsetsOptions(IsolationLevel.READ_COMMITTED))
                    .partitionResult(tp).get().offset() == 2);
        }
    }

    @Test
    void unknownIdsAndMissingArgumentsFail() {
        Cli.Result unknown = Cli.run(node, "transactions", "describe", "nobody");
        assertThat(unknown.exit()).isEqualTo(1);
        assertThat(unknown.err()).contains("transactional id 'nobody' does not exist");

        Cli.Result noTarget = Cli.run(node, "transactions", "abort", "--topic", "txn-out", "--partition", "0");
        assertThat(noTarget.exit()).isEqualTo(2);
    }
}
