package io.strata.server.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.junit.jupiter.api.Test;

class V3RecordParserTest {

    private static final Node NODE = new Node(1, "h", 9092);
    private static final TopicDescription TOPIC = new TopicDescription("t", false, List.of(
            new TopicPartitionInfo(0, NODE, List.of(NODE), List.of(NODE)),
            new TopicPartitionInfo(1, NODE, List.of(NODE), List.of(NODE))));
    /** No registry: these records are not schema-based, or are refused before the registry is asked. */
    private final V3RecordParser parser = new V3RecordParser(new SchemaCodec(null));

    private V3RecordParser.Parsed parse(String json) throws Exception {
        return parser.parse(Exchanges.MAPPER.readTree(json), TOPIC);
    }

    private static JsonNode described(V3RecordParser.Data data) {
        ObjectNode result = Exchanges.MAPPER.createObjectNode();
        data.describe(result, "field");
        return result.get("field");
    }

    @Test
    void aFullRecordBecomesTheRecordToSend() throws Exception {
        V3RecordParser.Parsed parsed = parse("{\"partition_id\":1,\"key\":{\"type\":\"STRING\",\"data\":\"k\"},"
                + "\"value\":{\"type\":\"BINARY\",\"data\":\"AAE=\"},\"timestamp\":\"2024-05-01T10:00:00Z\","
                + "\"headers\":[{\"name\":\"h1\",\"value\":\"aGk=\"},{\"name\":\"h2\",\"value\":null}]}");
        ProducerRecord<byte[], byte[]> record = parsed.record();
        assertThat(record.topic()).isEqualTo("t");
        assertThat(record.partition()).isEqualTo(1);
        assertThat(record.timestamp()).isEqualTo(Instant.parse("2024-05-01T10:00:00Z").toEpochMilli());
        assertThat(record.key()).isEqualTo("k".getBytes(StandardCharsets.UTF_8));
        assertThat(record.value()).containsExactly(0, 1);
        assertThat(record.headers().toArray()).containsExactly(
                new RecordHeader("h1", "hi".getBytes(StandardCharsets.UTF_8)), new RecordHeader("h2", null));
        assertThat(described(parsed.key())).isEqualTo(Exchanges.MAPPER.readTree("{\"type\":\"STRING\",\"size\":1}"));
        assertThat(described(parsed.value())).isEqualTo(Exchanges.MAPPER.readTree("{\"type\":\"BINARY\",\"size\":2}"));
    }

    @Test
    void whatIsLeftOutIsLeftToTheProducer() throws Exception {
        V3RecordParser.Parsed parsed = parse("{\"value\":{\"data\":{\"a\":[1,2]}}}");
        ProducerRecord<byte[], byte[]> record = parsed.record();
        assertThat(record.partition()).isNull();
        assertThat(record.timestamp()).isNull();
        assertThat(record.key()).isNull();
        assertThat(record.headers().toArray()).isEmpty();
        // No type is JSON.
        assertThat(new String(record.value(), StandardCharsets.UTF_8)).isEqualTo("{\"a\":[1,2]}");
        assertThat(described(parsed.key()).isNull()).isTrue();
        assertThat(described(parsed.value()).get("type").asText()).isEqualTo("JSON");
        assertThat(described(parse("{\"value\":{\"type\":\"string\",\"data\":null}}").value()))
                .isEqualTo(Exchanges.MAPPER.readTree("{\"type\":\"STRING\",\"size\":0}"));
    }

    @Test
    void malformedRecordsAreBadRequestsAndUnknownPartitionsNotFound() {
        assertRefused("[1]", 400, "A record must be a JSON object");
        assertRefused("{\"partition_id\":2}", 404, "This server does not host this topic-partition.");
        assertRefused("{\"partition_id\":-1}", 404, "This server does not host this topic-partition.");
        assertRefused("{\"key\":\"k\"}", 400, "key must be an object with type and data");
        assertRefused("{\"value\":{\"type\":\"BINARY\",\"data\":1}}", 400, "value.data must be base64 text");
        assertRefused("{\"value\":{\"type\":\"BINARY\",\"data\":\"%%\"}}", 400, "value.data is not valid base64");
        assertRefused("{\"value\":{\"type\":\"XML\",\"data\":\"x\"}}", 400, "value.type XML is not supported");
        assertRefused("{\"timestamp\":\"yesterday\"}", 400, "timestamp must be ISO-8601: yesterday");
        assertRefused("{\"headers\":{}}", 400, "headers must be an array");
        assertRefused("{\"headers\":[{\"value\":\"aGk=\"}]}", 400, "a header needs a name");
        assertRefused("{\"headers\":[{\"name\":\"h\",\"value\":\"%%\"}]}", 400, "header h is not valid base64");
    }

    @Test
    void unsupportedSchemaRequestsAreRefusedBeforeTheRegistry() {
        assertRefused("{\"value\":{\"type\":\"PROTOBUF\",\"schema\":\"x\",\"data\":{}}}", 400,
                "value.type PROTOBUF is not supported");
        assertRefused("{\"key\":{\"schema_id\":1,\"subject_name_strategy\":\"RECORD_NAME\",\"data\":{}}}", 400,
                "key.subject_name_strategy: only TOPIC_NAME is supported");
        assertRefused("{\"value\":{\"schema\":\"{}\",\"data\":{}}}", 400, "value.type is required with a schema");
        assertRefused("{\"value\":{\"schema_id\":\"one\",\"data\":{}}}", 400, "value.schema_id must be an integer");
    }

    private void assertRefused(String json, int status, String message) {
        assertThatThrownBy(() -> parse(json)).isInstanceOfSatisfying(RestException.class, e -> {
            assertThat(e.status()).isEqualTo(status);
            assertThat(e.getMessage()).startsWith(message);
        });
    }
}
