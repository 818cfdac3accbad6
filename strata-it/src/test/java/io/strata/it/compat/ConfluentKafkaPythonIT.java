package io.strata.it.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * confluent-kafka-python (Debian's {@code python3-confluent-kafka} on Debian's own python3, over librdkafka) against
 * a Strata node, through {@code compat/python/confluent_client.py}: admin topic operations, an idempotent producer,
 * an assigned consumer, and a transactional producer whose committed and aborted transactions a {@code read_committed}
 * Java consumer tells apart.
 */
class ConfluentKafkaPythonIT {

    /** Debian's interpreter, which has Debian's confluent_kafka; another python3 on the PATH may not. */
    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    static CompatNode node;

    @BeforeAll
    static void start() throws Exception {
        ExternalProcess.Result probe = Files.isExecutable(PYTHON)
                ? ExternalProcess.run(List.of(PYTHON.toString(), "-c", "import confluent_kafka"), cleanEnv(), "",
                        dir.resolve("probe"), TIMEOUT)
                : null;
        if (probe == null || probe.exitCode() != 0) {
            fail("confluent-kafka-python is not installed for %s, so this compatibility test cannot run. Install it "
                    + "with `apt-get install python3-confluent-kafka` (`.ci/run --deps-only` installs every client "
                    + "the compatibility tests need).%s", PYTHON, probe == null ? "" : "\n" + probe.stderr());
        }
        node = CompatNode.start(dir.resolve("node"));
    }

    @AfterAll
    static void stop() {
        if (node != null) {
            node.close();
        }
    }

    /** Nothing from a developer's Python environment (pyenv, virtualenvs) may leak into Debian's python3. */
    private static Map<String, String> cleanEnv() {
        return Map.of("PYTHONNOUSERSITE", "1", "PYTHONPATH", "", "PYTHONHOME", "/usr");
    }

    private static List<JsonNode> python(String stdin, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(PYTHON.toString(),
                Resources.path("python/confluent_client.py").toString(), node.bootstrap()));
        command.addAll(List.of(args));
        List<JsonNode> out = new ArrayList<>();
        for (String line : ExternalProcess.run(command, cleanEnv(), stdin, dir.resolve("python"), TIMEOUT)
                .assertSuccess().stdoutLines()) {
            out.add(JSON.readTree(line));
        }
        return out;
    }

    @Test
    @CompatCell(client = Client.CONFLUENT_KAFKA_PYTHON, feature = Feature.ADMIN_TOPICS)
    @CompatCell(client = Client.CONFLUENT_KAFKA_PYTHON, feature = Feature.METADATA)
    void createsDescribesAndDeletesATopic() throws Exception {
        List<JsonNode> steps = python("", "admin-topics", "py-admin", "3");

        assertThat(steps).extracting(s -> s.get("step").asText())
                .containsExactly("created", "described", "deleted", "gone");
        assertThat(steps.get(1).get("partitions").toString()).isEqualTo("[0,1,2]");
        assertThat(steps.get(1).get("leaders").toString()).isEqualTo("[1]");
        try (var admin = JavaClients.admin(node.bootstrap())) {
            assertThat(admin.listTopics().names().get()).doesNotContain("py-admin");
        }
    }

    @Test
    @CompatCell(client = Client.CONFLUENT_KAFKA_PYTHON, feature = Feature.PRODUCE)
    @CompatCell(client = Client.CONFLUENT_KAFKA_PYTHON, feature = Feature.IDEMPOTENT_PRODUCE)
    void idempotentProducerDeliveriesAreStoredWhereReported() throws Exception {
        JavaClients.createTopic(node.bootstrap(), "py-produce", 3);
        List<JavaClients.Line> sent = JavaClients.lines(2_000);

        List<JavaClients.Acked> reported = python(JavaClients.Line.asKcatInput(sent), "produce", "py-produce")
                .stream().map(ConfluentKafkaPythonIT::acked).toList();

        assertThat(reported).extracting(JavaClients.Acked::line).containsExactlyInAnyOrderElementsOf(sent);
        List<JavaClients.Acked> stored = JavaClients.read(node.bootstrap(), "py-produce", 3, sent.size());
        assertThat(stored).containsExactlyInAnyOrderElementsOf(reported);
        JavaClients.assertInOrderPerKey(stored.stream().map(JavaClients.Acked::line).toList());
    }

    @Test
    @CompatCell(client = Client.CONFLUENT_KAFKA_PYTHON, feature = Feature.CONSUME_ASSIGN)
    void assignedConsumerReadsEveryRecordFromTheBeginning() throws Exception {
        JavaClients.createTopic(node.bootstrap(), "py-consume", 3);
        List<JavaClients.Acked> acked = JavaClients.produce(node.bootstrap(), "py-consume", JavaClients.lines(900));

        List<JavaClients.Acked> read = python("", "consume", "py-consume", "3", String.valueOf(acked.size()))
                .stream().map(ConfluentKafkaPythonIT::acked).toList();

        assertThat(read).containsExactlyInAnyOrderElementsOf(acked);
    }

    @Test
    @CompatCell(client = Client.CONFLUENT_KAFKA_PYTHON, feature = Feature.CONSUMER_GROUP)
    void groupConsumerReadsEverythingAndCommitsTheEnd() throws Exception {
        JavaClients.createTopic(node.bootstrap(), "py-group", 3);
        List<JavaClients.Acked> acked = JavaClients.produce(node.bootstrap(), "py-group", JavaClients.lines(900));

        List<JsonNode> out = python("", "group", "py-group", "py-group", String.valueOf(acked.size()));

        assertThat(out.subList(0, out.size() - 1)).extracting(ConfluentKafkaPythonIT::acked)
                .containsExactlyInAnyOrderElementsOf(acked);
        Map<Integer, Long> end = JavaClients.endOffsets(acked);
        JsonNode reported = out.get(out.size() - 1).get("committed");
        end.forEach((partition, offset) -> assertThat(reported.get(String.valueOf(partition)).asLong())
                .as("committed offset of partition %d as the client reads it", partition).isEqualTo(offset));
        assertThat(JavaClients.committedOffsets(node.bootstrap(), "py-group")).isEqualTo(end);
    }

    @Test
    @CompatCell(client = Client.CONFLUENT_KAFKA_PYTHON, feature = Feature.TRANSACTIONS)
    void transactionalProducerCommitsAndAbortsAsAReadCommittedJavaConsumerSees() throws Exception {
        JavaClients.createTopic(node.bootstrap(), "py-txn", 1);

        List<JsonNode> transactions = python("", "transactions", "py-txn", "py-txn", "50");

        assertThat(transactions).extracting(t -> t.get("outcome").asText())
                .containsExactly("commit", "abort", "commit");
        JavaClients.assertCommitAbortCommit(node.bootstrap(), "py-txn", 50);
    }

    private static JavaClients.Acked acked(JsonNode n) {
        return new JavaClients.Acked(n.get("partition").asInt(), n.get("offset").asLong(),
                new JavaClients.Line(n.get("key").asText(), n.get("value").asText()));
    }
}
