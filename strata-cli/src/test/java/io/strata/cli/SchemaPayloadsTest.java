package io.strata.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code strata produce --value-schema|--value-schema-id|--key-schema} and {@code strata consume --schema-registry}
 * against a real node's registry: Avro and JSON Schema payloads in the registry's wire format (checked byte by byte
 * with Avro's own reader), schemas registered under TopicNameStrategy's subjects, evolution, and the errors for lines
 * that do not fit, unknown ids and payloads that are not in the wire format.
 */
class SchemaPayloadsTest {

    private static final String V1 = "{\"type\":\"record\",\"name\":\"User\",\"namespace\":\"demo\",\"fields\":["
            + "{\"name\":\"id\",\"type\":\"string\"},{\"name\":\"plan\",\"type\":[\"null\",\"string\"]}]}";
    private static final String V2 = "{\"type\":\"record\",\"name\":\"User\",\"namespace\":\"demo\",\"fields\":["
            + "{\"name\":\"id\",\"type\":\"string\"},{\"name\":\"plan\",\"type\":[\"null\",\"string\"]},"
            + "{\"name\":\"country\",\"type\":\"string\",\"default\":\"unknown\"}]}";

    @TempDir
    static Path dir;
    static TestNode node;

    @BeforeAll
    static void start() throws Exception {
        node = TestNode.start(dir.resolve("node"));
    }

    @AfterAll
    static void stop() {
        if (node != null) {
            node.close();
        }
    }

    private static Cli.Result produce(String topic, String input, String... args) throws Exception {
        createTopic(topic);
        InputStream stdin = System.in;
        try {
            System.setIn(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)));
            List<String> all = new ArrayList<>(List.of("produce", topic, "--schema-registry", node.schemaRegistry()));
            all.addAll(List.of(args));
            return Cli.run(node, all.toArray(String[]::new));
        } finally {
            System.setIn(stdin);
        }
    }

    private static Cli.Result consume(String topic, String... args) {
        List<String> all = new ArrayList<>(List.of("consume", topic, "--schema-registry", node.schemaRegistry()));
        all.addAll(List.of(args));
        return Cli.run(node, all.toArray(String[]::new));
    }

    private static void createTopic(String topic) throws Exception {
        if (!node.admin().listTopics().names().get().contains(topic)) {
            node.admin().createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
        }
    }

    private static List<ConsumerRecord<byte[], byte[]>> raw(String topic) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
                Map.of("bootstrap.servers", node.bootstrap()), new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            TopicPartition tp = new TopicPartition(topic, 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long end = consumer.endOffsets(List.of(tp)).get(tp);
            List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
            while (consumer.position(tp) < end) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            return records;
        }
    }

    private static int schemaId(byte[] framed) {
        assertThat(framed[0]).as("magic byte").isZero();
        return ByteBuffer.wrap(framed, 1, 4).getInt();
    }

    @Test
    void avroValuesAreRegisteredEncodedAndDecodedAcrossAnEvolution() throws Exception {
        Path v1 = Files.writeString(dir.resolve("user-v1.avsc"), V1);
        Path v2 = Files.writeString(dir.resolve("user-v2.avsc"), V2);
        Cli.Result first = produce("users", "u1|{\"id\":\"u1\",\"plan\":{\"string\":\"pro\"}}\n"
                + "u2|{\"id\":\"u2\",\"plan\":null}\n", "--key-separator", "|", "--value-schema", v1.toString());
        assertThat(first.exit()).as(first.err()).isZero();
        assertThat(first.out()).startsWith("Produced 2 records");
        assertThat(first.err()).containsPattern("Registered .*user-v1.avsc under users-value: schema id \\d+");
        JsonNode version1 = Cli.run("schema", "get", "users-value", "--version", "1", "-o", "json",
                "--schema-registry", node.schemaRegistry()).json();
        int id1 = version1.get("id").asInt();

        Cli.Result second = produce("users", "u3|{\"id\":\"u3\",\"plan\":null,\"country\":\"NL\"}\n",
                "--key-separator", "|", "--value-schema", v2.toString());
        assertThat(second.exit()).as(second.err()).isZero();
        int id2 = Cli.run("schema", "get", "users-value", "-o", "json", "--schema-registry", node.schemaRegistry())
                .json().get("id").asInt();
        assertThat(id2).isNotEqualTo(id1);

        List<ConsumerRecord<byte[], byte[]>> records = raw("users");
        assertThat(records).extracting(r -> new String(r.key(), StandardCharsets.UTF_8))
                .containsExactly("u1", "u2", "u3");
        assertThat(records).extracting(r -> schemaId(r.value())).containsExactly(id1, id1, id2);
        byte[] value = records.getFirst().value();
        GenericRecord decoded = new GenericDatumReader<GenericRecord>(new Schema.Parser().parse(V1)).read(null,
                DecoderFactory.get().binaryDecoder(value, 5, value.length - 5, null));
        assertThat(decoded.get("id")).hasToString("u1");
        assertThat(decoded.get("plan")).hasToString("pro");

        Cli.Result text = consume("users", "--print-key");
        assertThat(text.exit()).as(text.err()).isZero();
        assertThat(text.lines()).containsExactly("u1\t{\"id\":\"u1\",\"plan\":{\"string\":\"pro\"}}",
                "u2\t{\"id\":\"u2\",\"plan\":null}", "u3\t{\"id\":\"u3\",\"plan\":null,\"country\":\"NL\"}");
        JsonNode json = consume("users", "--format", "json").jsonLines().get(2);
        assertThat(json.get("key").asText()).isEqualTo("u3");
        assertThat(json.get("value").get("country").asText()).as("embedded as JSON").isEqualTo("NL");

        Cli.Result byId = produce("users", "u4|{\"id\":\"u4\",\"plan\":null,\"country\":\"SE\"}\n",
                "--key-separator", "|", "--value-schema-id", Integer.toString(id2));
        assertThat(byId.exit()).as(byId.err()).isZero();
        assertThat(byId.err()).contains("Using schema id " + id2);
        assertThat(consume("users", "--offset", "3", "--partition", "0").lines())
                .containsExactly("{\"id\":\"u4\",\"plan\":null,\"country\":\"SE\"}");
    }

    @Test
    void jsonSchemaValuesAndKeys() throws Exception {
        Path value = Files.writeString(dir.resolve("order.json"),
                "{\"type\":\"object\",\"properties\":{\"total\":{\"type\":\"number\"}}}");
        Path key = Files.writeString(dir.resolve("order-key.json"), "{\"type\":\"string\"}");
        Cli.Result produced = produce("orders", "\"o-1\"\t{ \"total\": 12.5 }\n", "--key-separator", "\t",
                "--schema-type", "JSON", "--value-schema", value.toString(), "--key-schema", key.toString());
        assertThat(produced.exit()).as(produced.err()).isZero();
        assertThat(produced.err()).contains("under orders-value", "under orders-key");

        ConsumerRecord<byte[], byte[]> record = raw("orders").getFirst();
        assertThat(new String(record.value(), 5, record.value().length - 5, StandardCharsets.UTF_8))
                .isEqualTo("{\"total\":12.5}");
        assertThat(schemaId(record.key())).isNotEqualTo(schemaId(record.value()));
        JsonNode listed = Cli.run("schema", "get", "orders-value", "-o", "json", "--schema-registry",
                node.schemaRegistry()).json();
        assertThat(listed.get("schemaType").asText()).isEqualTo("JSON");

        assertThat(consume("orders", "--print-key").lines()).containsExactly("\"o-1\"\t{\"total\":12.5}");
    }

    @Test
    void refusesLinesThatDoNotFitUnknownIdsAndPlainPayloads() throws Exception {
        Path v1 = Files.writeString(dir.resolve("strict.avsc"), V1);
        Cli.Result misfit = produce("strict", "{\"id\":\"a\",\"plan\":null}\n{\"plan\":null}\n",
                "--value-schema", v1.toString());
        assertThat(misfit.exit()).isEqualTo(1);
        assertThat(misfit.err()).contains("strata produce: line 2: the value is not a demo.User in Avro's JSON "
                + "encoding");

        Cli.Result unknownId = produce("strict", "{}\n", "--value-schema-id", "987654");
        assertThat(unknownId.exit()).isEqualTo(1);
        assertThat(unknownId.err()).startsWith("strata produce: schema id 987654 is unknown to the registry at "
                + node.schemaRegistry()).contains("(error 40403)");

        Cli.Result keyWithoutSeparator = produce("strict", "{}\n", "--key-schema", v1.toString());
        assertThat(keyWithoutSeparator.exit()).isEqualTo(2);
        assertThat(keyWithoutSeparator.err()).contains("--key-schema needs --key-separator");

        createTopic("plain");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
                Map.of("bootstrap.servers", node.bootstrap()), new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>("plain", "hello".getBytes(StandardCharsets.UTF_8))).get();
            producer.send(new ProducerRecord<>("unknown-id", new byte[] {0, 0, 0, 0x7f, 0x7f, 2})).get();
        }
        Cli.Result plain = consume("plain");
        assertThat(plain.exit()).isEqualTo(1);
        assertThat(plain.err()).isEqualTo("strata consume: partition 0 offset 0: not in the schema registry's wire "
                + "format (first byte 0x68, not the magic byte 0, then a schema id)\n");
        Cli.Result unknown = consume("unknown-id");
        assertThat(unknown.exit()).isEqualTo(1);
        assertThat(unknown.err()).startsWith("strata consume: partition 0 offset 0: schema id 32639 is unknown to "
                + "the registry at " + node.schemaRegistry());
        Cli.Result unreachable = Cli.run(node, "consume", "unknown-id", "--schema-registry",
                "http://127.0.0.1:1/schema-registry");
        assertThat(unreachable.exit()).isEqualTo(1);
        assertThat(unreachable.err()).startsWith("strata consume: partition 0 offset 0: cannot look schema id 32639 "
                + "up: cannot reach the schema registry at http://127.0.0.1:1/schema-registry");
    }
}
