package io.strata.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Broker-side schema id validation on a real node, with real producers sending the schema registry's wire format:
 * Confluent Server's topic configs through CreateTopics, IncrementalAlterConfigs and DescribeConfigs, ids refused
 * with {@code InvalidRecordException} naming why, valid records (plain and compressed) readable, and a topic without
 * the configs taking anything, and a leader without an HTTP server validating from its own copy of the registry.
 */
class SchemaIdValidationIT {

    private static final String ORDER = "{\"type\":\"record\",\"name\":\"Order\",\"namespace\":\"demo\","
            + "\"fields\":[{\"name\":\"id\",\"type\":\"string\"}]}";
    private static final String OTHER = "{\"type\":\"record\",\"name\":\"Other\",\"namespace\":\"demo\","
            + "\"fields\":[{\"name\":\"n\",\"type\":\"int\"}]}";
    private static final String RECORD_STRATEGY = "io.confluent.kafka.serializers.subject.RecordNameStrategy";

    /**
     * One two-node cluster for every test, each with its own subjects and topics: node 1 serves the registry, node 2
     * has no HTTP server. Topics are placed explicitly, so that each test knows which node validates.
     */
    @TempDir
    static Path dir;
    private static List<TestNode> nodes;
    private static TestNode node;
    private static Admin admin;

    @BeforeAll
    static void start() throws Exception {
        nodes = TestNode.cluster(dir, 2, Map.of());
        nodes.get(1).override("http.listeners", "");
        TestNode.startAll(nodes);
        node = nodes.get(0);
        admin = Clients.admin(node.bootstrap());
    }

    @AfterAll
    static void stop() {
        admin.close();
        nodes.forEach(TestNode::close);
    }

    /** A one-partition topic led by node {@code leader}. */
    private static NewTopic topic(String name, int leader) {
        return new NewTopic(name, Map.of(0, List.of(leader)));
    }

    private static byte[] wire(int id, String payload) {
        byte[] body = payload.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(5 + body.length).put((byte) 0).putInt(id).put(body).array();
    }

    private static void send(KafkaProducer<byte[], byte[]> producer, String topic, byte[] key, byte[] value)
            throws Exception {
        producer.send(new ProducerRecord<>(topic, 0, key, value)).get();
    }

    private static String refusal(KafkaProducer<byte[], byte[]> producer, String topic, byte[] key, byte[] value) {
        Throwable[] cause = new Throwable[1];
        assertThatThrownBy(() -> send(producer, topic, key, value)).isInstanceOf(ExecutionException.class)
                .satisfies(e -> cause[0] = e.getCause());
        assertThat(cause[0]).isInstanceOf(InvalidRecordException.class);
        return cause[0].getMessage();
    }

    @Test
    void refusesRecordsWhoseIdsAreNotRegisteredForTheTopic() throws Exception {
        int order = SchemaRegistryIT.register(node, "orders-value", ORDER);
        int key = SchemaRegistryIT.register(node, "orders-key", "{\"type\":\"string\"}");
        int other = SchemaRegistryIT.register(node, "other-value", OTHER);
        admin.createTopics(List.of(
                topic("orders", 1).configs(Map.of("confluent.value.schema.validation", "true",
                        "confluent.key.schema.validation", "true")),
                topic("plain", 1))).all().get();
        ConfigResource orders = new ConfigResource(ConfigResource.Type.TOPIC, "orders");
        Config described = admin.describeConfigs(List.of(orders)).all().get().get(orders);
        assertThat(described.get("confluent.value.schema.validation").value()).isEqualTo("true");
        assertThat(described.get("confluent.value.schema.validation").source())
                .isEqualTo(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG);
        assertThat(described.get("confluent.value.subject.name.strategy").value())
                .isEqualTo("io.confluent.kafka.serializers.subject.TopicNameStrategy");
        assertThat(described.get("confluent.value.subject.name.strategy").isDefault()).isTrue();

        try (KafkaProducer<byte[], byte[]> plain = Clients.producer(node.bootstrap(), Map.of());
             KafkaProducer<byte[], byte[]> zstd = Clients.producer(node.bootstrap(),
                     Map.of(ProducerConfig.COMPRESSION_TYPE_CONFIG, "zstd"))) {
            send(plain, "orders", wire(key, "k1"), wire(order, "v1"));
            assertThat(refusal(plain, "orders", wire(key, "k2"), wire(other, "v2")))
                    .isEqualTo("Schema id " + other + " of the value is not registered under subject orders-value");
            assertThat(refusal(plain, "orders", wire(key, "k3"), wire(999, "v3")))
                    .isEqualTo("Schema id 999 of the value is not known to the schema registry");
            assertThat(refusal(plain, "orders", wire(key, "k4"), "not wire".getBytes(StandardCharsets.UTF_8)))
                    .isEqualTo("The value is not in the schema registry's wire format (magic byte 0 and a 4-byte "
                            + "schema id)");
            assertThat(refusal(plain, "orders", wire(order, "k5"), wire(order, "v5")))
                    .isEqualTo("Schema id " + order + " of the key is not registered under subject orders-key");
            // A tombstone has no value to check, only its key.
            send(plain, "orders", wire(key, "k6"), null);
            send(zstd, "orders", wire(key, "k7"), wire(order, "v7"));
            assertThat(refusal(zstd, "orders", wire(key, "k8"), wire(other, "v8"))).contains("orders-value");
            // Without the configs, anything goes.
            send(plain, "plain", null, "not wire".getBytes(StandardCharsets.UTF_8));
        }
        try (KafkaConsumer<byte[], byte[]> consumer = Clients.consumer(node.bootstrap(), Map.of())) {
            consumer.assign(List.of(new org.apache.kafka.common.TopicPartition("orders", 0)));
            List<ConsumerRecord<byte[], byte[]>> read = Clients.poll(consumer, 3);
            assertThat(read).extracting(r -> new String(r.key(), 5, r.key().length - 5, StandardCharsets.UTF_8))
                    .containsExactly("k1", "k6", "k7");
            assertThat(read).extracting(ConsumerRecord::offset).containsExactly(0L, 1L, 2L);
        }
    }

    @Test
    void aNodeWithoutAnHttpServerValidatesFromItsCopyOfTheRegistry() throws Exception {
        int id = SchemaRegistryIT.register(node, "quiet-value", ORDER);
        // Led by node 2, which serves no registry API but reads _schemas.
        admin.createTopics(List.of(topic("quiet", 2).configs(Map.of("confluent.value.schema.validation", "true"))))
                .all().get();
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(node.bootstrap(), Map.of())) {
            // Refused (not retried by the producer) until node 2 has read the registration: milliseconds.
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                    .untilAsserted(() -> send(producer, "quiet", null, wire(id, "v")));
            assertThat(refusal(producer, "quiet", null, wire(id + 1000, "x")))
                    .isEqualTo("Schema id " + (id + 1000) + " of the value is not known to the schema registry");
        }
    }

    @Test
    void configsAlterAndRecordNameStrategiesNameTheSubject() throws Exception {
        int order = SchemaRegistryIT.register(node, "demo.Order", ORDER);
        int other = SchemaRegistryIT.register(node, "another-value", OTHER);
        admin.createTopics(List.of(topic("events", 1))).all().get();
        ConfigResource events = new ConfigResource(ConfigResource.Type.TOPIC, "events");
        assertThatThrownBy(() -> admin.incrementalAlterConfigs(Map.of(events, List.of(new AlterConfigOp(
                new ConfigEntry("confluent.value.subject.name.strategy", "RecordNameStrategy"),
                AlterConfigOp.OpType.SET)))).all().get()).hasCauseInstanceOf(InvalidConfigurationException.class);
        // Redpanda's names are not aliases here: refused as unknown rather than accepted and ignored.
        assertThatThrownBy(() -> admin.createTopics(List.of(topic("rp", 1)
                .configs(Map.of("redpanda.value.schema.id.validation", "true")))).all().get())
                .hasCauseInstanceOf(InvalidConfigurationException.class);
        admin.incrementalAlterConfigs(Map.of(events, List.of(
                new AlterConfigOp(new ConfigEntry("confluent.value.schema.validation", "true"),
                        AlterConfigOp.OpType.SET),
                new AlterConfigOp(new ConfigEntry("confluent.value.subject.name.strategy", RECORD_STRATEGY),
                        AlterConfigOp.OpType.SET)))).all().get();
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(node.bootstrap(), Map.of())) {
            send(producer, "events", null, wire(order, "o"));
            assertThat(refusal(producer, "events", null, wire(other, "x")))
                    .isEqualTo("Schema id " + other + " of the value is not registered under subject demo.Other");
            admin.incrementalAlterConfigs(Map.of(events, List.of(new AlterConfigOp(
                    new ConfigEntry("confluent.value.schema.validation", ""), AlterConfigOp.OpType.DELETE))))
                    .all().get();
            send(producer, "events", null, wire(other, "x"));
        }
    }
}
