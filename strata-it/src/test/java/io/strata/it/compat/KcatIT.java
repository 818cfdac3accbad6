package io.strata.it.compat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
 * kcat, on Debian's librdkafka (a C client no one here wrote), against a Strata node: metadata, producing with
 * acks=all (plain and idempotent with a codec) and consuming assigned partitions from the beginning.
 */
class KcatIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @TempDir
    static Path dir;
    static CompatNode node;
    static Path kcat;

    @BeforeAll
    static void start() throws Exception {
        kcat = ExternalProcess.require("kcat", "`apt-get install kcat`");
        node = CompatNode.start(dir.resolve("node"));
    }

    @AfterAll
    static void stop() {
        if (node != null) {
            node.close();
        }
    }

    private ExternalProcess.Result kcat(String stdin, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(kcat.toString(), "-b", node.bootstrap()));
        command.addAll(List.of(args));
        return ExternalProcess.run(command, Map.of(), stdin, dir.resolve("kcat"), TIMEOUT).assertSuccess();
    }

    @Test
    @CompatCell(client = Client.KCAT, feature = Feature.METADATA)
    void listsTheBrokerAndEveryPartitionOfATopic() throws Exception {
        JavaClients.createTopic(node.bootstrap(), "kcat-metadata", 3);

        JsonNode metadata = new ObjectMapper().readTree(kcat("", "-L", "-J", "-t", "kcat-metadata").stdout());

        assertThat(metadata.get("brokers")).hasSize(1);
        assertThat(metadata.get("brokers").get(0).get("id").asInt()).isEqualTo(1);
        assertThat(metadata.get("brokers").get(0).get("name").asText()).isEqualTo(node.bootstrap());
        JsonNode topic = metadata.get("topics").get(0);
        assertThat(topic.get("topic").asText()).isEqualTo("kcat-metadata");
        assertThat(topic.has("error")).as("topic error in %s", topic).isFalse();
        assertThat(topic.get("partitions")).hasSize(3);
        for (JsonNode partition : topic.get("partitions")) {
            assertThat(partition.get("leader").asInt()).isEqualTo(1);
            assertThat(partition.get("replicas").get(0).get("id").asInt()).isEqualTo(1);
            assertThat(partition.get("isrs").get(0).get("id").asInt()).isEqualTo(1);
        }
    }

    @Test
    @CompatCell(client = Client.KCAT, feature = Feature.PRODUCE)
    void producedKeyedLinesAreReadBackInOrderPerKey() throws Exception {
        JavaClients.createTopic(node.bootstrap(), "kcat-produce", 3);
        List<JavaClients.Line> sent = JavaClients.lines(500);

        kcat(JavaClients.Line.asKcatInput(sent), "-P", "-t", "kcat-produce", "-K", "\t", "-X", "acks=all");

        assertThat(JavaClients.readAll(node.bootstrap(), "kcat-produce", 3, sent.size()))
                .containsExactlyInAnyOrderElementsOf(sent)
                .satisfies(JavaClients::assertInOrderPerKey);
    }

    @Test
    @CompatCell(client = Client.KCAT, feature = Feature.IDEMPOTENT_PRODUCE)
    void idempotentCompressedProduceIsReadBackExactlyOnce() throws Exception {
        JavaClients.createTopic(node.bootstrap(), "kcat-idempotent", 2);
        List<JavaClients.Line> sent = JavaClients.lines(2_000);

        kcat(JavaClients.Line.asKcatInput(sent), "-P", "-t", "kcat-idempotent", "-K", "\t",
                "-X", "enable.idempotence=true", "-X", "acks=all", "-z", "zstd", "-X", "linger.ms=20");

        assertThat(JavaClients.readAll(node.bootstrap(), "kcat-idempotent", 2, sent.size()))
                .containsExactlyInAnyOrderElementsOf(sent)
                .satisfies(JavaClients::assertInOrderPerKey);
    }

    @Test
    @CompatCell(client = Client.KCAT, feature = Feature.CONSUME_ASSIGN)
    void consumesEveryPartitionFromTheBeginningToTheEnd() throws Exception {
        JavaClients.createTopic(node.bootstrap(), "kcat-consume", 3);
        List<JavaClients.Acked> acked = JavaClients.produce(node.bootstrap(), "kcat-consume", JavaClients.lines(600));

        List<String> out = kcat("", "-C", "-t", "kcat-consume", "-o", "beginning", "-e", "-q",
                "-f", "%p\\t%o\\t%k\\t%s\\n").stdoutLines();

        assertThat(out).containsExactlyInAnyOrderElementsOf(
                acked.stream().map(a -> a.partition() + "\t" + a.offset() + "\t" + a.line().key() + "\t"
                        + a.line().value()).toList());
    }

    @Test
    @CompatCell(client = Client.KCAT, feature = Feature.CONSUMER_GROUP)
    void balancedConsumerReadsEveryPartitionAndCommitsTheEnd() throws Exception {
        JavaClients.createTopic(node.bootstrap(), "kcat-group", 3);
        List<JavaClients.Acked> acked = JavaClients.produce(node.bootstrap(), "kcat-group", JavaClients.lines(600));

        // -G: librdkafka's balanced consumer (JoinGroup/SyncGroup); -e exits at the end of every assigned
        // partition, and closing commits the auto-committed offsets.
        List<String> out = kcat("", "-G", "kcat-group", "kcat-group", "-X", "auto.offset.reset=earliest", "-e", "-q",
                "-f", "%p\\t%o\\t%k\\t%s\\n").stdoutLines();

        assertThat(out).containsExactlyInAnyOrderElementsOf(
                acked.stream().map(a -> a.partition() + "\t" + a.offset() + "\t" + a.line().key() + "\t"
                        + a.line().value()).toList());
        assertThat(JavaClients.committedOffsets(node.bootstrap(), "kcat-group"))
                .isEqualTo(JavaClients.endOffsets(acked));
    }
}
