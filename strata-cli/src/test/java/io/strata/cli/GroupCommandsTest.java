package io.strata.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code strata group} against a real node, with real consumers (classic and KIP-848 protocols) committing offsets;
 * every result is checked with the Admin client.
 */
class GroupCommandsTest {

    /** Records per partition; record i of a partition has timestamp BASE_TIME + i seconds. */
    private static final int RECORDS = 10;
    private static final long BASE_TIME = Instant.parse("2024-05-01T12:00:00Z").toEpochMilli();

    @TempDir
    static Path dir;

    static TestNode node;
    static Admin admin;
    static KafkaProducer<String, String> producer;

    @BeforeAll
    static void start() throws Exception {
        // No initial rebalance delay: the first member joins at once. Few offsets partitions: a faster first lookup.
        node = TestNode.start(dir, Map.of("group.initial.rebalance.delay.ms", "0",
                "offsets.topic.num.partitions", "3"));
        admin = node.admin();
        producer = node.producer();
    }

    @AfterAll
    static void stop() {
        if (node != null) {
            node.close();
        }
    }

    @Test
    void listAndDescribeAClassicGroupWithLag() throws Exception {
        createTopicWithRecords("lagging", 2);
        try (KafkaConsumer<String, String> consumer = joined("g-classic", "reader-1", "classic", "lagging", 2)) {
            commit(consumer, Map.of(tp("lagging", 0), 4L, tp("lagging", 1), 10L));

            Cli.Result list = Cli.run(node, "group", "list");
            assertThat(list.exit()).as(list.err()).isZero();
            assertThat(list.lines()).first().asString().matches("GROUP +TYPE +STATE");
            assertThat(list.lines()).anyMatch(l -> l.matches("g-classic +classic +Stable"));
            JsonNode listed = find(Cli.run(node, "group", "list", "-o", "json").json().get("groups"), "group",
                    "g-classic");
            assertThat(listed.get("type").asText()).isEqualTo("classic");
            assertThat(listed.get("state").asText()).isEqualTo("Stable");
            assertThat(groupIds(Cli.run(node, "group", "list", "--state", "empty", "-o", "json")))
                    .doesNotContain("g-classic");
            assertThat(groupIds(Cli.run(node, "group", "list", "--state", "Stable", "--type", "classic", "-o",
                    "json"))).contains("g-classic");
            assertThat(groupIds(Cli.run(node, "group", "list", "--type", "consumer", "-o", "json")))
                    .doesNotContain("g-classic");

            Cli.Result describe = Cli.run(node, "group", "describe", "g-classic");
            assertThat(describe.exit()).as(describe.err()).isZero();
            List<String> lines = describe.lines();
            assertThat(lines.get(0)).isEqualTo("Group: g-classic  Type: classic  State: Stable  Assignor: range  "
                    + "Coordinator: 1 (127.0.0.1:" + node.port() + ")");
            assertThat(lines.get(1)).isEqualTo("Members:");
            assertThat(lines.get(2)).matches("MEMBER-ID +INSTANCE-ID +CLIENT-ID +HOST +ASSIGNMENT");
            String memberId = lines.get(3).split(" +")[0];
            assertThat(lines.get(3)).matches("\\Q" + memberId + "\\E +- +reader-1 +/?127\\.0\\.0\\.1 +lagging:0,1");
            assertThat(lines.get(4)).isEqualTo("Offsets:");
            assertThat(lines.get(5)).matches("TOPIC +PARTITION +COMMITTED-OFFSET +LOG-END-OFFSET +LAG +MEMBER-ID");
            assertThat(lines.subList(6, lines.size())).satisfiesExactly(
                    l -> assertThat(l).matches("lagging +0 +4 +10 +6 +\\Q" + memberId + "\\E"),
                    l -> assertThat(l).matches("lagging +1 +10 +10 +0 +\\Q" + memberId + "\\E"));

            JsonNode group = Cli.run(node, "group", "describe", "g-classic", "-o", "json").json().get("groups")
                    .get(0);
            assertThat(group.get("group").asText()).isEqualTo("g-classic");
            assertThat(group.get("type").asText()).isEqualTo("classic");
            assertThat(group.get("state").asText()).isEqualTo("Stable");
            assertThat(group.get("assignor").asText()).isEqualTo("range");
            assertThat(group.get("coordinator").get("id").asInt()).isEqualTo(1);
            assertThat(group.get("coordinator").get("port").asInt()).isEqualTo(node.port());
            JsonNode member = group.get("members").get(0);
            assertThat(group.get("members")).hasSize(1);
            assertThat(member.get("memberId").asText()).isEqualTo(memberId);
            assertThat(member.get("clientId").asText()).isEqualTo("reader-1");
            assertThat(member.get("instanceId").isNull()).isTrue();
            assertThat(member.get("assignment").toString())
                    .isEqualTo("[{\"topic\":\"lagging\",\"partition\":0},{\"topic\":\"lagging\",\"partition\":1}]");
            JsonNode p0 = group.get("partitions").get(0);
            assertThat(p0.get("partition").asInt()).isZero();
            assertThat(p0.get("committedOffset").asLong()).isEqualTo(4);
            assertThat(p0.get("logEndOffset").asLong()).isEqualTo(10);
            assertThat(p0.get("lag").asLong()).isEqualTo(6);
            assertThat(p0.get("memberId").asText()).isEqualTo(memberId);
            assertThat(group.get("partitions").get(1).get("lag").asLong()).isZero();
        }

        // Without members the group keeps its offsets: Empty, partitions without an owner.
        awaitState("g-classic", "Empty");
        JsonNode empty = Cli.run(node, "group", "describe", "g-classic", "-o", "json").json().get("groups").get(0);
        assertThat(empty.get("members")).isEmpty();
        assertThat(empty.get("partitions").get(0).get("memberId").isNull()).isTrue();
        assertThat(empty.get("partitions").get(0).get("lag").asLong()).isEqualTo(6);
        assertThat(groupIds(Cli.run(node, "group", "list", "--state", "empty", "-o", "json"))).contains("g-classic");

        Cli.Result missing = Cli.run(node, "group", "describe", "nope");
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.err()).isEqualTo("strata group describe: group 'nope' does not exist\n");
    }

    @Test
    void consumerProtocolGroupIsListedAndDescribedWithItsType() throws Exception {
        createTopicWithRecords("modern", 3);
        try (KafkaConsumer<String, String> consumer = joined("g-848", "reader-848", "consumer", "modern", 3)) {
            commit(consumer, Map.of(tp("modern", 0), 1L, tp("modern", 1), 2L, tp("modern", 2), 3L));

            assertThat(groupIds(Cli.run(node, "group", "list", "--type", "consumer", "-o", "json")))
                    .contains("g-848");
            assertThat(groupIds(Cli.run(node, "group", "list", "--type", "classic", "-o", "json")))
                    .doesNotContain("g-848");
            assertThat(Cli.run(node, "group", "list").lines()).anyMatch(l -> l.matches("g-848 +consumer +Stable"));

            JsonNode group = Cli.run(node, "group", "describe", "g-848", "-o", "json").json().get("groups").get(0);
            assertThat(group.get("type").asText()).isEqualTo("consumer");
            assertThat(group.get("state").asText()).isEqualTo("Stable");
            assertThat(group.get("assignor").asText()).isEqualTo("uniform");
            assertThat(group.get("members")).hasSize(1);
            assertThat(group.get("members").get(0).get("clientId").asText()).isEqualTo("reader-848");
            assertThat(group.get("members").get(0).get("assignment")).hasSize(3);
            List<Long> lags = new ArrayList<>();
            group.get("partitions").forEach(p -> lags.add(p.get("lag").asLong()));
            assertThat(lags).containsExactly(9L, 8L, 7L);

            Cli.Result table = Cli.run(node, "group", "describe", "g-848");
            assertThat(table.lines().get(0)).startsWith("Group: g-848  Type: consumer  State: Stable  Assignor: "
                    + "uniform  Coordinator: 1 ");
        }
    }

    @Test
    void resetOffsetsInEveryModeOnlyWhenTheGroupIsInactive() throws Exception {
        createTopicWithRecords("resets", 2);
        try (KafkaConsumer<String, String> consumer = joined("g-reset", "resetter", "classic", "resets", 2)) {
            commit(consumer, Map.of(tp("resets", 0), 5L, tp("resets", 1), 5L));

            Cli.Result refused = Cli.run(node, "group", "reset-offsets", "g-reset", "--topic", "resets",
                    "--to-earliest", "--execute");
            assertThat(refused.exit()).isEqualTo(1);
            assertThat(refused.errLines()).singleElement().asString()
                    .startsWith("strata group reset-offsets: cannot reset the offsets of group 'g-reset' while it "
                            + "is active (state Stable, 1 members)");
            assertThat(refused.out()).isEmpty();
            assertThat(committed("g-reset")).containsExactlyInAnyOrderEntriesOf(Map.of(0, 5L, 1, 5L));
        }
        awaitState("g-reset", "Empty");

        // The default is a dry run: the plan is printed, nothing changes.
        Cli.Result dryRun = Cli.run(node, "group", "reset-offsets", "g-reset", "--topic", "resets", "--to-earliest");
        assertThat(dryRun.exit()).as(dryRun.err()).isZero();
        assertThat(dryRun.lines()).containsExactly("TOPIC   PARTITION  CURRENT-OFFSET  NEW-OFFSET",
                "resets  0          5               0", "resets  1          5               0");
        assertThat(dryRun.err()).startsWith("Dry run:");
        JsonNode explicitDryRun = Cli.run(node, "group", "reset-offsets", "g-reset", "--all-topics", "--to-latest",
                "--dry-run", "-o", "json").json();
        assertThat(explicitDryRun.get("group").asText()).isEqualTo("g-reset");
        assertThat(explicitDryRun.get("executed").asBoolean()).isFalse();
        assertThat(explicitDryRun.get("partitions").get(1).toString())
                .isEqualTo("{\"topic\":\"resets\",\"partition\":1,\"currentOffset\":5,\"newOffset\":10}");
        assertThat(committed("g-reset")).containsExactlyInAnyOrderEntriesOf(Map.of(0, 5L, 1, 5L));

        assertReset(Map.of(0, 0L, 1, 0L), "--topic", "resets", "--to-earliest");
        assertReset(Map.of(0, 10L, 1, 10L), "--all-topics", "--to-latest");
        assertReset(Map.of(0, 3L, 1, 10L), "--topic", "resets:0", "--to-offset", "3");
        assertReset(Map.of(0, 3L, 1, 10L), "--topic", "resets:1", "--to-offset", "99"); // clamped to the end
        assertReset(Map.of(0, 0L, 1, 5L), "--all-topics", "--shift-by", "-5");          // clamped to 0
        assertReset(Map.of(0, 2L, 1, 7L), "--topic", "resets:0,1", "--shift-by", "2");
        assertReset(Map.of(0, 4L, 1, 4L), "--topic", "resets", "--to-datetime",
                Instant.ofEpochMilli(BASE_TIME + 3500).toString());
        assertReset(Map.of(0, 10L, 1, 10L), "--topic", "resets", "--to-datetime", "2100-01-01T00:00:00Z");

        // Offsets below the log start move up to it.
        admin.deleteRecords(Map.of(tp("resets", 0), RecordsToDelete.beforeOffset(6))).all().get();
        assertReset(Map.of(0, 6L, 1, 2L), "--topic", "resets", "--to-offset", "2");

        JsonNode executed = Cli.run(node, "group", "reset-offsets", "g-reset", "--topic", "resets:1",
                "--to-earliest", "--execute", "-o", "json").json();
        assertThat(executed.get("executed").asBoolean()).isTrue();
        assertThat(executed.get("partitions").get(0).get("currentOffset").asLong()).isEqualTo(2);
        assertThat(executed.get("partitions").get(0).get("newOffset").asLong()).isZero();

        // A group that does not exist yet can be given offsets to start from.
        Cli.Result fresh = Cli.run(node, "group", "reset-offsets", "g-fresh", "--topic", "resets:1", "--to-offset",
                "7", "--execute");
        assertThat(fresh.exit()).as(fresh.err()).isZero();
        assertThat(committed("g-fresh")).containsExactlyEntriesOf(Map.of(1, 7L));

        Cli.Result unknownTopic = Cli.run(node, "group", "reset-offsets", "g-reset", "--topic", "nope",
                "--to-earliest");
        assertThat(unknownTopic.exit()).isEqualTo(1);
        assertThat(unknownTopic.err()).isEqualTo("strata group reset-offsets: topic 'nope' does not exist\n");
        Cli.Result noPartition = Cli.run(node, "group", "reset-offsets", "g-reset", "--topic", "resets:7",
                "--to-earliest");
        assertThat(noPartition.exit()).isEqualTo(1);
        assertThat(noPartition.err()).isEqualTo("strata group reset-offsets: topic 'resets' has no partition 7\n");
    }

    @Test
    void resetOffsetsUsageErrors() {
        for (List<String> args : List.of(
                List.of("g", "--topic", "t"),
                List.of("g", "--topic", "t", "--to-earliest", "--to-latest"),
                List.of("g", "--to-earliest"),
                List.of("g", "--topic", "t", "--all-topics", "--to-earliest"),
                List.of("g", "--topic", "t", "--to-earliest", "--dry-run", "--execute"),
                List.of("g", "--topic", "t:x", "--to-earliest"),
                List.of("g", "--topic", "t", "--to-datetime", "yesterday"))) {
            List<String> all = new ArrayList<>(List.of("group", "reset-offsets"));
            all.addAll(args);
            // Usage errors come before any connection: no broker listens at port 1.
            all.addAll(List.of("--bootstrap-server", "127.0.0.1:1"));
            Cli.Result result = Cli.run(all.toArray(String[]::new));
            assertThat(result.exit()).as("%s: %s", args, result.err()).isEqualTo(2);
            assertThat(result.errLines()).as("%s", args).singleElement().asString()
                    .startsWith("strata group reset-offsets: ").endsWith("(see 'strata group reset-offsets --help')");
        }
    }

    @Test
    void deleteRefusesActiveGroupsAndDeletesInactiveOnes() throws Exception {
        createTopicWithRecords("deletable", 1);
        try (KafkaConsumer<String, String> consumer = joined("g-del-1", "deleter", "classic", "deletable", 1)) {
            commit(consumer, Map.of(tp("deletable", 0), 3L));
            Cli.Result refused = Cli.run(node, "group", "delete", "g-del-1");
            assertThat(refused.exit()).isEqualTo(1);
            assertThat(refused.err()).isEqualTo(
                    "strata group delete: group 'g-del-1' has active members: stop its consumers first\n");
        }
        try (KafkaConsumer<String, String> consumer = joined("g-del-2", "deleter", "classic", "deletable", 1)) {
            commit(consumer, Map.of(tp("deletable", 0), 4L));
        }
        awaitState("g-del-1", "Empty");
        awaitState("g-del-2", "Empty");

        Cli.Result deleted = Cli.run(node, "group", "delete", "g-del-1", "g-del-2");
        assertThat(deleted.exit()).as(deleted.err()).isZero();
        assertThat(deleted.lines()).containsExactly("Deleted group 'g-del-1'.", "Deleted group 'g-del-2'.");
        assertThat(admin.listGroups().all().get()).noneMatch(g -> g.groupId().startsWith("g-del-"));
        assertThat(committed("g-del-1")).isEmpty();

        Cli.Result again = Cli.run(node, "group", "delete", "g-del-1");
        assertThat(again.exit()).isEqualTo(1);
        assertThat(again.err()).isEqualTo("strata group delete: group 'g-del-1' does not exist\n");
    }

    /** Runs reset-offsets with --execute on g-reset and checks both the printed plan and the committed offsets. */
    private static void assertReset(Map<Integer, Long> expected, String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of("group", "reset-offsets", "g-reset", "--execute", "-o", "json"));
        all.addAll(List.of(args));
        Cli.Result result = Cli.run(node, all.toArray(String[]::new));
        assertThat(result.exit()).as("%s: %s", List.of(args), result.err()).isZero();
        Map<Integer, Long> planned = new HashMap<>();
        result.json().get("partitions").forEach(p -> planned.put(p.get("partition").asInt(),
                p.get("newOffset").asLong()));
        Map<Integer, Long> committed = committed("g-reset");
        assertThat(committed).as("%s", List.of(args)).containsExactlyInAnyOrderEntriesOf(expected);
        assertThat(committed).as("the plan of %s", List.of(args)).containsAllEntriesOf(planned);
    }

    private static void createTopicWithRecords(String topic, int partitions) throws Exception {
        admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get();
        for (int p = 0; p < partitions; p++) {
            for (int i = 0; i < RECORDS; i++) {
                producer.send(new ProducerRecord<>(topic, p, BASE_TIME + i * 1000L, "k" + i, "v" + i));
            }
        }
        producer.flush();
    }

    /** A consumer of {@code group} that has joined and owns {@code partitions} partitions of {@code topic}. */
    private static KafkaConsumer<String, String> joined(String group, String clientId, String protocol,
                                                        String topic, int partitions) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, node.bootstrap());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        props.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, protocol);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new StringDeserializer());
        consumer.subscribe(List.of(topic));
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            consumer.poll(Duration.ofMillis(100));
            return consumer.assignment().size() == partitions;
        });
        return consumer;
    }

    private static void commit(KafkaConsumer<String, String> consumer, Map<TopicPartition, Long> offsets) {
        Map<TopicPartition, OffsetAndMetadata> commit = new HashMap<>();
        offsets.forEach((tp, o) -> commit.put(tp, new OffsetAndMetadata(o)));
        consumer.commitSync(commit);
    }

    /** The group's committed offsets by partition, as the Admin client sees them. */
    private static Map<Integer, Long> committed(String group) throws Exception {
        Map<Integer, Long> result = new HashMap<>();
        admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().forEach((tp, o) -> {
            if (o != null) {
                result.put(tp.partition(), o.offset());
            }
        });
        return result;
    }

    private static void awaitState(String group, String state) {
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(
                find(Cli.run(node, "group", "list", "-o", "json").json().get("groups"), "group", group)
                        .get("state").asText()).isEqualTo(state));
    }

    private static List<String> groupIds(Cli.Result result) {
        assertThat(result.exit()).as(result.err()).isZero();
        List<String> ids = new ArrayList<>();
        result.json().get("groups").forEach(g -> ids.add(g.get("group").asText()));
        return ids;
    }

    private static TopicPartition tp(String topic, int partition) {
        return new TopicPartition(topic, partition);
    }

    private static JsonNode find(JsonNode array, String field, String value) {
        List<JsonNode> matches = new ArrayList<>();
        StreamSupport.stream(array.spliterator(), false).filter(n -> value.equals(n.get(field).asText()))
                .forEach(matches::add);
        assertThat(matches).as("%s=%s in %s", field, value, array).hasSize(1);
        return matches.get(0);
    }
}
