package io.strata.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.StreamSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code strata topic}, {@code cluster} and {@code config} against a real node, checked with the Admin client. */
class AdminCommandsTest {

    @TempDir
    static Path dir;

    static TestNode node;
    static Admin admin;

    @BeforeAll
    static void start() throws Exception {
        node = TestNode.start(dir);
        admin = node.admin();
    }

    @AfterAll
    static void stop() {
        if (node != null) {
            node.close();
        }
    }

    @Test
    void createListDescribeDeleteTopic() throws Exception {
        Cli.Result created = Cli.run(node, "topic", "create", "orders", "--partitions", "3",
                "--config", "retention.ms=3600000");
        assertThat(created.exit()).as(created.err()).isZero();
        assertThat(created.out()).isEqualTo("Created topic 'orders' with 3 partitions, replication factor 1.\n");
        assertThat(admin.describeTopics(List.of("orders")).allTopicNames().get().get("orders").partitions())
                .hasSize(3);

        Cli.Result list = Cli.run(node, "topic", "list");
        assertThat(list.lines()).first().asString().matches("TOPIC +PARTITIONS +REPLICATION-FACTOR");
        assertThat(list.lines()).anyMatch(l -> l.matches("orders +3 +1"));

        JsonNode listJson = Cli.run(node, "topic", "list", "--output", "json").json();
        JsonNode orders = find(listJson.get("topics"), "name", "orders");
        assertThat(orders.get("partitions").asInt()).isEqualTo(3);
        assertThat(orders.get("replicationFactor").asInt()).isEqualTo(1);
        assertThat(orders.get("internal").asBoolean()).isFalse();

        Cli.Result describe = Cli.run(node, "topic", "describe", "orders");
        assertThat(describe.exit()).as(describe.err()).isZero();
        assertThat(describe.lines().get(0)).startsWith("Topic: orders  Id: ").endsWith("Partitions: 3  "
                + "Replication factor: 1");
        assertThat(describe.lines().get(1)).matches("PARTITION +LEADER +REPLICAS +ISR +STATUS");
        assertThat(describe.lines().subList(2, 5)).containsExactly("0          1       1         1    ok",
                "1          1       1         1    ok", "2          1       1         1    ok");
        assertThat(describe.lines()).contains("Configs:").anyMatch(l -> l.matches(
                "retention.ms +3600000 +DYNAMIC_TOPIC_CONFIG"));

        JsonNode describeJson = Cli.run(node, "topic", "describe", "orders", "-o", "json").json();
        JsonNode topic = describeJson.get("topics").get(0);
        assertThat(topic.get("name").asText()).isEqualTo("orders");
        assertThat(topic.get("id").asText()).isEqualTo(
                admin.describeTopics(List.of("orders")).allTopicNames().get().get("orders").topicId().toString());
        assertThat(topic.get("partitions")).hasSize(3);
        JsonNode p0 = topic.get("partitions").get(0);
        assertThat(p0.get("partition").asInt()).isZero();
        assertThat(p0.get("leader").asInt()).isEqualTo(1);
        assertThat(p0.get("replicas").toString()).isEqualTo("[1]");
        assertThat(p0.get("isr").toString()).isEqualTo("[1]");
        assertThat(p0.get("status").asText()).isEqualTo("ok");

        // Nothing needs attention on a healthy node.
        Cli.Result attention = Cli.run(node, "topic", "list", "--under-replicated");
        assertThat(attention.exit()).as(attention.err()).isZero();
        assertThat(attention.lines()).containsExactly("TOPIC  PARTITION  LEADER  REPLICAS  ISR  STATUS");
        assertThat(Cli.run(node, "topic", "list", "--unavailable", "-o", "json").json().get("partitions"))
                .isEmpty();
        JsonNode retention = find(topic.get("configs"), "name", "retention.ms");
        assertThat(retention.get("value").asText()).isEqualTo("3600000");
        assertThat(retention.get("source").asText()).isEqualTo("DYNAMIC_TOPIC_CONFIG");

        Cli.Result deleted = Cli.run(node, "topic", "delete", "orders");
        assertThat(deleted.exit()).as(deleted.err()).isZero();
        assertThat(deleted.out()).isEqualTo("Deleted topic 'orders'.\n");
        assertThat(admin.listTopics().names().get()).doesNotContain("orders");
    }

    @Test
    void existingAndMissingTopicsFailWithOneLine() {
        assertThat(Cli.run(node, "topic", "create", "twice").exit()).isZero();

        Cli.Result again = Cli.run(node, "topic", "create", "twice");
        assertThat(again.exit()).isEqualTo(1);
        assertThat(again.err()).isEqualTo("strata topic create: topic 'twice' already exists\n");

        Cli.Result tolerated = Cli.run(node, "topic", "create", "twice", "--if-not-exists");
        assertThat(tolerated.exit()).isZero();
        assertThat(tolerated.out()).isEqualTo("Topic 'twice' already exists.\n");

        Cli.Result describeMissing = Cli.run(node, "topic", "describe", "nope");
        assertThat(describeMissing.exit()).isEqualTo(1);
        assertThat(describeMissing.err()).isEqualTo("strata topic describe: topic 'nope' does not exist\n");

        Cli.Result deleteMissing = Cli.run(node, "topic", "delete", "nope");
        assertThat(deleteMissing.exit()).isEqualTo(1);
        assertThat(deleteMissing.err()).isEqualTo("strata topic delete: topic 'nope' does not exist\n");
        assertThat(Cli.run(node, "topic", "delete", "nope", "--if-exists").exit()).isZero();

        Cli.Result badPartitions = Cli.run(node, "topic", "create", "zero", "--partitions", "0");
        assertThat(badPartitions.exit()).isEqualTo(1);
        assertThat(badPartitions.errLines()).hasSize(1);
    }

    @Test
    void alterAddsPartitionsAndChangesConfigs() throws Exception {
        assertThat(Cli.run(node, "topic", "create", "growing", "--partitions", "3").exit()).isZero();

        Cli.Result grown = Cli.run(node, "topic", "alter", "growing", "--partitions", "6",
                "--config", "retention.ms=60000", "--config", "segment.ms=600000");
        assertThat(grown.exit()).as(grown.err()).isZero();
        assertThat(grown.lines()).containsExactly("Topic 'growing' now has 6 partitions.",
                "Updated configs of topic 'growing': set retention.ms=60000, segment.ms=600000.");
        assertThat(admin.describeTopics(List.of("growing")).allTopicNames().get().get("growing").partitions())
                .hasSize(6);
        assertThat(topicConfig("growing", "retention.ms").value()).isEqualTo("60000");

        Cli.Result removed = Cli.run(node, "topic", "alter", "growing", "--delete-config", "retention.ms");
        assertThat(removed.exit()).as(removed.err()).isZero();
        assertThat(topicConfig("growing", "retention.ms").source()).isEqualTo(ConfigEntry.ConfigSource.DEFAULT_CONFIG);
        assertThat(topicConfig("growing", "segment.ms").value()).isEqualTo("600000");

        Cli.Result shrink = Cli.run(node, "topic", "alter", "growing", "--partitions", "2");
        assertThat(shrink.exit()).isEqualTo(1);
        assertThat(shrink.errLines()).singleElement().asString().startsWith("strata topic alter: ");
    }

    @Test
    void clusterDescribe() throws Exception {
        String clusterId = admin.describeCluster().clusterId().get();

        Cli.Result table = Cli.run(node, "cluster", "describe");
        assertThat(table.exit()).as(table.err()).isZero();
        assertThat(table.lines()).hasSize(9);
        assertThat(table.lines().subList(0, 3)).containsExactly("Cluster id: " + clusterId, "Controller: 1",
                "Brokers:    1");
        // Columns are aligned: each header starts where its values start.
        String header = table.lines().get(3);
        String row = table.lines().get(4);
        assertThat(header).matches("ID +HOST +PORT +RACK +STATE");
        assertThat(row).matches("1 +127\\.0\\.0\\.1 +" + node.port() + " +- +alive");
        assertThat(row.indexOf(String.valueOf(node.port()))).isEqualTo(header.indexOf("PORT"));
        assertThat(row.lastIndexOf('-')).isEqualTo(header.indexOf("RACK"));
        assertThat(row.indexOf("alive")).isEqualTo(header.indexOf("STATE"));
        // the metadata quorum: this node is its only voter and leads it
        assertThat(table.lines().get(5)).isEmpty();
        assertThat(table.lines().get(6))
                .matches("Metadata quorum: leader 1, epoch [1-9]\\d*, high watermark [1-9]\\d*");
        assertThat(table.lines().get(7)).matches("NODE +ROLE +LOG END +LAG +LAST FETCH");
        assertThat(table.lines().get(8)).matches("1 +leader +[1-9]\\d* +0 +\\d+ ms ago");

        JsonNode json = Cli.run(node, "cluster", "describe", "--output", "json").json();
        assertThat(json.get("clusterId").asText()).isEqualTo(clusterId);
        assertThat(json.get("controller").asInt()).isEqualTo(1);
        assertThat(json.get("brokers")).hasSize(1);
        JsonNode broker = json.get("brokers").get(0);
        assertThat(broker.get("id").asInt()).isEqualTo(1);
        assertThat(broker.get("state").asText()).isEqualTo("alive");
        assertThat(broker.get("host").asText()).isEqualTo("127.0.0.1");
        assertThat(broker.get("port").asInt()).isEqualTo(node.port());
        assertThat(broker.get("rack").isNull()).isTrue();
        JsonNode quorum = json.get("quorum");
        assertThat(quorum.get("leader").asInt()).isEqualTo(1);
        assertThat(quorum.get("leaderEpoch").asInt()).isPositive();
        assertThat(quorum.get("observers")).isEmpty();
        assertThat(quorum.get("voters")).singleElement().satisfies(v -> {
            assertThat(v.get("id").asInt()).isEqualTo(1);
            assertThat(v.get("role").asText()).isEqualTo("leader");
            assertThat(v.get("logEndOffset").asLong()).isGreaterThanOrEqualTo(quorum.get("highWatermark").asLong());
            assertThat(v.get("lag").asLong()).isZero();
            assertThat(v.get("lastFetchTimestamp").asLong()).isPositive();
            assertThat(v.get("lastCaughtUpTimestamp").asLong()).isPositive();
        });
    }

    @Test
    void configSetDescribeDeleteOnATopic() throws Exception {
        assertThat(Cli.run(node, "topic", "create", "configured").exit()).isZero();

        Cli.Result set = Cli.run(node, "config", "set", "--topic", "configured", "retention.ms=120000",
                "cleanup.policy=compact");
        assertThat(set.exit()).as(set.err()).isZero();
        assertThat(set.out()).isEqualTo(
                "Updated configs of topic 'configured': set retention.ms=120000, cleanup.policy=compact.\n");
        assertThat(topicConfig("configured", "retention.ms").value()).isEqualTo("120000");

        Cli.Result table = Cli.run(node, "config", "describe", "--topic", "configured");
        assertThat(table.lines()).first().asString().matches("NAME +VALUE +SOURCE");
        assertThat(table.lines()).anyMatch(l -> l.matches("cleanup.policy +compact +DYNAMIC_TOPIC_CONFIG"))
                .anyMatch(l -> l.matches("retention.ms +120000 +DYNAMIC_TOPIC_CONFIG"))
                .noneMatch(l -> l.contains("DEFAULT_CONFIG"));

        JsonNode all = Cli.run(node, "config", "describe", "--topic", "configured", "--all", "-o", "json").json();
        assertThat(all.get("resource").get("type").asText()).isEqualTo("topic");
        assertThat(all.get("resource").get("name").asText()).isEqualTo("configured");
        assertThat(find(all.get("configs"), "name", "retention.ms").get("source").asText())
                .isEqualTo("DYNAMIC_TOPIC_CONFIG");
        JsonNode segmentBytes = find(all.get("configs"), "name", "segment.bytes");
        assertThat(segmentBytes.get("source").asText()).isEqualTo("DEFAULT_CONFIG");
        assertThat(segmentBytes.get("value").asText()).isEqualTo("1073741824");
        assertThat(segmentBytes.get("readOnly").asBoolean()).isFalse();

        Cli.Result deleted = Cli.run(node, "config", "delete", "--topic", "configured", "retention.ms");
        assertThat(deleted.exit()).as(deleted.err()).isZero();
        assertThat(topicConfig("configured", "retention.ms").source())
                .isEqualTo(ConfigEntry.ConfigSource.DEFAULT_CONFIG);

        Cli.Result invalid = Cli.run(node, "config", "set", "--topic", "configured", "retention.ms=soon");
        assertThat(invalid.exit()).isEqualTo(1);
        assertThat(invalid.errLines()).singleElement().asString().startsWith("strata config set: ")
                .contains("retention.ms");

        Cli.Result missing = Cli.run(node, "config", "describe", "--topic", "nope");
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.err()).isEqualTo("strata config describe: topic 'nope' does not exist\n");
    }

    @Test
    void configOnBrokerAndBrokerDefaults() throws Exception {
        Cli.Result set = Cli.run(node, "config", "set", "--broker", "1", "log.retention.ms=7200000");
        assertThat(set.exit()).as(set.err()).isZero();
        JsonNode broker = Cli.run(node, "config", "describe", "--broker", "1", "-o", "json").json();
        assertThat(find(broker.get("configs"), "name", "log.retention.ms").get("source").asText())
                .isEqualTo("DYNAMIC_BROKER_CONFIG");

        Cli.Result defaults = Cli.run(node, "config", "set", "--broker-defaults", "log.retention.bytes=1000000000");
        assertThat(defaults.exit()).as(defaults.err()).isZero();
        assertThat(defaults.out()).contains("the broker defaults");
        JsonNode described = Cli.run(node, "config", "describe", "--broker-defaults", "-o", "json").json();
        assertThat(described.get("resource").get("type").asText()).isEqualTo("broker-defaults");
        assertThat(find(described.get("configs"), "name", "log.retention.bytes").get("value").asText())
                .isEqualTo("1000000000");

        assertThat(Cli.run(node, "config", "delete", "--broker", "1", "log.retention.ms").exit()).isZero();
        assertThat(Cli.run(node, "config", "delete", "--broker-defaults", "log.retention.bytes").exit()).isZero();
        ConfigResource resource = new ConfigResource(ConfigResource.Type.BROKER, "1");
        assertThat(admin.describeConfigs(List.of(resource)).all().get().get(resource).get("log.retention.ms")
                .source()).isNotEqualTo(ConfigEntry.ConfigSource.DYNAMIC_BROKER_CONFIG);
    }

    private static ConfigEntry topicConfig(String topic, String name) throws Exception {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        return admin.describeConfigs(List.of(resource)).all().get().get(resource).get(name);
    }

    private static JsonNode find(JsonNode array, String field, String value) {
        List<JsonNode> matches = new ArrayList<>();
        StreamSupport.stream(array.spliterator(), false).filter(n -> value.equals(n.get(field).asText()))
                .forEach(matches::add);
        assertThat(matches).as("%s=%s in %s", field, value, array).hasSize(1);
        return matches.get(0);
    }
}
