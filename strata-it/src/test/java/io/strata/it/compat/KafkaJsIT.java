package io.strata.it.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * KafkaJS (a pure JavaScript client, pinned by {@code compat/kafkajs/package-lock.json}) on Node.js against a Strata
 * node, through {@code compat/kafkajs/kafkajs_client.js}: admin topic operations with metadata and offsets, an
 * idempotent producer, a consumer group (KafkaJS has no consumer without a group), and a transactional producer
 * whose committed and aborted transactions a {@code read_committed} Java consumer tells apart.
 */
class KafkaJsIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    static CompatNode node;
    static Path nodeJs;
    static Path modules;

    @BeforeAll
    static void start() throws Exception {
        nodeJs = ExternalProcess.require("node", "`apt-get install nodejs npm`");
        modules = KafkaJs.modules();
        node = CompatNode.start(dir.resolve("node"));
    }

    @AfterAll
    static void stop() {
        if (node != null) {
            node.close();
        }
    }

    private static List<JsonNode> kafkajs(String stdin, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(nodeJs.toString(),
                Resources.path("kafkajs/kafkajs_client.js").toString(), node.bootstrap()));
        command.addAll(List.of(args));
        List<JsonNode> out = new ArrayList<>();
        for (String line : ExternalProcess.run(command, Map.of("NODE_PATH", modules.toString()), stdin,
                dir.resolve("kafkajs"), TIMEOUT).assertSuccess().stdoutLines()) {
            out.add(JSON.readTree(line));
        }
        return out;
    }

    @Test
    @CompatCell(client = Client.KAFKAJS, feature = Feature.ADMIN_TOPICS)
    @CompatCell(client = Client.KAFKAJS, feature = Feature.METADATA)
    void createsDescribesAndDeletesATopic() throws Exception {
        List<JsonNode> steps = kafkajs("", "admin-topics", "js-admin", "3");

        assertThat(steps).extracting(s -> s.get("step").asText())
                .containsExactly("created", "described", "offsets", "deleted", "listed");
        assertThat(steps.get(0).get("created").asBoolean()).isTrue();
        assertThat(steps.get(1).get("partitions").toString()).isEqualTo("[0,1,2]");
        assertThat(steps.get(1).get("leaders").toString()).isEqualTo("[1]");
        assertThat(steps.get(2).get("offsets").toString()).isEqualTo(
                "[{\"partition\":0,\"low\":\"0\",\"high\":\"0\"},{\"partition\":1,\"low\":\"0\",\"high\":\"0\"},"
                        + "{\"partition\":2,\"low\":\"0\",\"high\":\"0\"}]");
        assertThat(steps.get(4).get("topics").toString()).doesNotContain("js-admin");
    }

    @Test
    @CompatCell(client = Client.KAFKAJS, feature = Feature.PRODUCE)
    @CompatCell(client = Client.KAFKAJS, feature = Feature.IDEMPOTENT_PRODUCE)
    void idempotentProducerRecordsAreStoredAtTheReportedOffsetsInJavaPartitions() throws Exception {
        int partitions = 3;
        JavaClients.createTopic(node.bootstrap(), "js-produce", partitions);
        List<JavaClients.Line> sent = JavaClients.lines(1_000);

        List<JsonNode> batches = kafkajs(JavaClients.Line.asKcatInput(sent), "produce", "js-produce");

        List<JavaClients.Acked> stored = JavaClients.read(node.bootstrap(), "js-produce", partitions, sent.size());
        assertThat(stored).extracting(JavaClients.Acked::line).containsExactlyInAnyOrderElementsOf(sent);
        JavaClients.assertInOrderPerKey(stored.stream().map(JavaClients.Acked::line).toList());
        // KafkaJS's default partitioner must put each key where the Java producer would.
        for (JavaClients.Acked a : stored) {
            assertThat(a.partition()).as("partition of %s", a.line().key()).isEqualTo(
                    Utils.toPositive(Utils.murmur2(a.line().key().getBytes(StandardCharsets.UTF_8))) % partitions);
        }
        // Each reported base offset is where that batch's first record in the partition was stored.
        Map<String, Long> storedAt = stored.stream().collect(Collectors.toMap(
                a -> a.partition() + "/" + a.offset(), a -> (long) a.line().sequence() / 100));
        assertThat(batches).hasSize(10);
        for (JsonNode batch : batches) {
            for (JsonNode result : batch.get("results")) {
                assertThat(result.get("errorCode").asInt()).isZero();
                String where = result.get("partition").asInt() + "/" + result.get("baseOffset").asLong();
                assertThat(storedAt.get(where)).as("batch of the record at %s", where)
                        .isEqualTo(batch.get("batch").asLong());
            }
        }
    }

    @Test
    @CompatCell(client = Client.KAFKAJS, feature = Feature.CONSUMER_GROUP)
    void groupConsumerReadsEverythingAndCommitsTheEnd() throws Exception {
        JavaClients.createTopic(node.bootstrap(), "js-group", 3);
        List<JavaClients.Acked> acked = JavaClients.produce(node.bootstrap(), "js-group", JavaClients.lines(900));

        List<JavaClients.Acked> read = kafkajs("", "group", "js-group", "js-group", String.valueOf(acked.size()))
                .stream().map(n -> new JavaClients.Acked(n.get("partition").asInt(), n.get("offset").asLong(),
                        new JavaClients.Line(n.get("key").asText(), n.get("value").asText()))).toList();

        assertThat(read).containsExactlyInAnyOrderElementsOf(acked);
        assertThat(JavaClients.committedOffsets(node.bootstrap(), "js-group"))
                .isEqualTo(JavaClients.endOffsets(acked));
    }

    @Test
    @CompatCell(client = Client.KAFKAJS, feature = Feature.TRANSACTIONS)
    void transactionalProducerCommitsAndAbortsAsAReadCommittedJavaConsumerSees() throws Exception {
        JavaClients.createTopic(node.bootstrap(), "js-txn", 1);

        List<JsonNode> transactions = kafkajs("", "transactions", "js-txn", "js-txn", "50");

        assertThat(transactions).extracting(t -> t.get("outcome").asText())
                .containsExactly("commit", "abort", "commit");
        JavaClients.assertCommitAbortCommit(node.bootstrap(), "js-txn", 50);
    }

    /** Where {@code .ci/run} installs KafkaJS: {@code npm ci} of the pinned lock file under strata-it/target. */
    static final class KafkaJs {

        private KafkaJs() {
        }

        static Path modules() throws Exception {
            Path installDir = Path.of(System.getProperty("compat.dir", "target/compat")).resolve("kafkajs");
            Path modules = installDir.resolve("node_modules");
            Path lock = installDir.resolve("package-lock.json");
            if (!Files.isRegularFile(modules.resolve("kafkajs/package.json")) || !Files.isRegularFile(lock)) {
                fail("KafkaJS is not installed in %s, so this compatibility test cannot run. Run `.ci/run --deps-only`, or copy "
                        + "strata-it/src/test/resources/compat/kafkajs/package*.json there and run `npm ci` in it.",
                        installDir.toAbsolutePath());
            }
            if (!Files.readString(lock).equals(Files.readString(Resources.path("kafkajs/package-lock.json")))) {
                fail("KafkaJS in %s was installed from another package-lock.json than the pinned one: run "
                        + "`.ci/run --deps-only` again to reinstall it.", installDir.toAbsolutePath());
            }
            return modules.toAbsolutePath();
        }
    }
}
