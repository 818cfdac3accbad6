package io.strata.it.compat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kafka's own verification tools from {@code kafka-tools}, each in a child JVM as Kafka's system tests run them:
 * VerifiableProducer with acks=all, then a check that every acknowledged message is stored, and VerifiableConsumer
 * in a consumer group, which must consume every acknowledged message with no offset gaps and commit the end.
 */
class VerifiableToolsIT {

    private static final int MESSAGES = 5_000;
    private static final int PARTITIONS = 3;
    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    static CompatNode node;

    /** A record as both tools report it. */
    record Event(int partition, long offset, String value) {
    }

    @BeforeAll
    static void start() throws Exception {
        node = CompatNode.start(dir.resolve("node"));
    }

    @AfterAll
    static void stop() {
        if (node != null) {
            node.close();
        }
    }

    /** The tool's JSON events on stdout, in order. */
    private static List<JsonNode> tool(String mainClass, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-XX:TieredStopAtLevel=1", "-Xmx256m",
                "-Dlogback.configurationFile=" + Resources.path("tools/logback-stderr.xml"),
                "-cp", System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
                mainClass, "--bootstrap-server", node.bootstrap()));
        command.addAll(List.of(args));
        ExternalProcess.Result result = ExternalProcess.run(command, Map.of(), "", dir.resolve("tools"), TIMEOUT)
                .assertSuccess();
        List<JsonNode> events = new ArrayList<>();
        for (String line : result.stdoutLines()) {
            if (line.startsWith("{")) {
                events.add(JSON.readTree(line));
            }
        }
        return events;
    }

    private static List<JsonNode> named(List<JsonNode> events, String name) {
        return events.stream().filter(e -> name.equals(e.path("name").asText())).toList();
    }

    private static Event event(JsonNode n) {
        return new Event(n.get("partition").asInt(), n.get("offset").asLong(), n.get("value").asText());
    }

    /** Runs VerifiableProducer with acks=all and returns what it reports as acknowledged. */
    private static List<Event> verifiableProducer(String topic) throws Exception {
        JavaClients.createTopic(node.bootstrap(), topic, PARTITIONS);
        List<JsonNode> events = tool("org.apache.kafka.tools.VerifiableProducer", "--topic", topic,
                "--max-messages", String.valueOf(MESSAGES), "--acks", "-1");
        assertThat(named(events, "producer_send_error")).isEmpty();
        List<Event> acked = named(events, "producer_send_success").stream().map(VerifiableToolsIT::event).toList();
        assertThat(acked).hasSize(MESSAGES);
        return acked;
    }

    /** Offsets in each partition are exactly 0..n-1, each once. */
    private static void assertNoOffsetGaps(List<Event> events) {
        Map<Integer, List<Long>> byPartition = events.stream().collect(Collectors.groupingBy(Event::partition,
                TreeMap::new, Collectors.mapping(Event::offset, Collectors.toList())));
        byPartition.forEach((partition, offsets) -> assertThat(offsets.stream().sorted().toList())
                .as("offsets of partition %d", partition)
                .isEqualTo(java.util.stream.LongStream.range(0, offsets.size()).boxed().toList()));
    }

    @Test
    @CompatCell(client = Client.KAFKA_TOOLS, feature = Feature.PRODUCE)
    void everyMessageVerifiableProducerAcknowledgesIsStoredWithoutGaps() throws Exception {
        List<Event> acked = verifiableProducer("verifiable-produce");

        assertNoOffsetGaps(acked);
        List<Event> stored = JavaClients.read(node.bootstrap(), "verifiable-produce", PARTITIONS, MESSAGES).stream()
                .map(a -> new Event(a.partition(), a.offset(), a.line().value())).toList();
        assertThat(stored).containsExactlyInAnyOrderElementsOf(acked);
    }

    @Test
    @CompatCell(client = Client.KAFKA_TOOLS, feature = Feature.CONSUMER_GROUP)
    void verifiableConsumerInAClassicGroupConsumesEveryAcknowledgedMessageAndCommitsTheEnd() throws Exception {
        assertVerifiableConsumerConsumesEveryAcknowledgedMessage("classic");
    }

    @Test
    @CompatCell(client = Client.KAFKA_TOOLS, feature = Feature.CONSUMER_PROTOCOL_GROUP)
    void verifiableConsumerInAConsumerProtocolGroupConsumesEveryAcknowledgedMessageAndCommitsTheEnd()
            throws Exception {
        assertVerifiableConsumerConsumesEveryAcknowledgedMessage("consumer");
    }

    private static void assertVerifiableConsumerConsumesEveryAcknowledgedMessage(String protocol) throws Exception {
        String topic = "verifiable-" + protocol;
        List<Event> acked = verifiableProducer(topic);

        List<JsonNode> events = tool("org.apache.kafka.tools.VerifiableConsumer", "--topic", topic,
                "--group-id", topic, "--group-protocol", protocol, "--reset-policy", "earliest",
                "--max-messages", String.valueOf(acked.size()), "--verbose");

        List<Event> consumed = named(events, "record_data").stream().map(VerifiableToolsIT::event).toList();
        assertThat(Set.copyOf(consumed)).containsAll(acked);
        assertNoOffsetGaps(Set.copyOf(consumed).stream().toList());
        assertThat(named(events, "partitions_assigned")).isNotEmpty();
        List<JsonNode> commits = named(events, "offsets_committed");
        assertThat(commits).isNotEmpty().allSatisfy(c -> assertThat(c.get("success").asBoolean())
                .as("commit %s", c).isTrue());
        Map<Integer, Long> lastCommitted = new TreeMap<>();
        commits.forEach(c -> c.get("offsets").forEach(o -> lastCommitted.put(o.get("partition").asInt(),
                o.get("offset").asLong())));
        Map<Integer, Long> endOffsets = acked.stream().collect(Collectors.toMap(Event::partition,
                e -> e.offset() + 1, Math::max, TreeMap::new));
        assertThat(lastCommitted).isEqualTo(endOffsets);
    }
}
