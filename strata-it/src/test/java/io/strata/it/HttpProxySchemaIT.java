package io.strata.it;

import static io.strata.it.HttpProxyNode.AVRO;
import static io.strata.it.HttpProxyNode.DRAIN;
import static io.strata.it.HttpProxyNode.JSON;
import static io.strata.it.HttpProxyNode.JSON_SCHEMA;
import static io.strata.it.HttpProxyNode.V2;
import static io.strata.it.HttpProxyNode.mapper;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Avro and JSON Schema data through the HTTP proxy of a real node ({@link HttpProxyNode}) and its schema registry,
 * in Confluent's wire format both ways: produced over HTTP with a schema or a schema id, read back by a real
 * KafkaConsumer as the registry's header and the encoded value, and by a proxy consumer instance as JSON.
 */
class HttpProxySchemaIT {

    private static HttpProxyNode proxy;

    @BeforeAll
    static void shareTheNode() throws Exception {
        proxy = HttpProxyNode.shared();
    }

    @Test
    void avroProducedOverHttpIsInTheRegistrysWireFormatAndReadBackAsJson() throws Exception {
        String user = "{\"type\":\"record\",\"name\":\"User\",\"fields\":[{\"name\":\"id\",\"type\":\"string\"},"
                + "{\"name\":\"plan\",\"type\":[\"null\",\"string\"],\"default\":null}]}";
        String body = mapper.createObjectNode().put("key_schema", "\"string\"").put("value_schema", user)
                .set("records", mapper.readTree("[{\"key\":\"u1\",\"value\":{\"id\":\"u1\",\"plan\":{\"string\":\"pro\"}}},"
                        + "{\"key\":\"u2\",\"value\":{\"id\":\"u2\",\"plan\":null}}]")).toString();
        JsonNode produced = proxy.json(proxy.send("POST", "/topics/http-avro", AVRO, body, null));
        int keyId = produced.get("key_schema_id").asInt();
        int valueId = produced.get("value_schema_id").asInt();
        assertThat(produced.get("offsets").findValues("error_code")).allMatch(JsonNode::isNull);
        // Registered under Confluent's TopicNameStrategy subjects, in the registry every client sees.
        JsonNode latest = proxy.json(proxy.send("GET", "/schema-registry/subjects/http-avro-value/versions/latest", null, null,
                null));
        assertThat(latest.get("id").asInt()).isEqualTo(valueId);
        assertThat(proxy.json(proxy.send("GET", "/schema-registry/subjects/http-avro-key/versions/1", null, null, null))
                .get("id").asInt()).isEqualTo(keyId);
        // By id, as a producer that has the id already sends it.
        JsonNode byId = proxy.json(proxy.send("POST", "/topics/http-avro", AVRO, "{\"value_schema_id\":" + valueId
                + ",\"records\":[{\"value\":{\"id\":\"u3\",\"plan\":null}}]}", null));
        assertThat(byId.get("value_schema_id").asInt()).isEqualTo(valueId);
        assertThat(byId.get("key_schema_id").isNull()).isTrue();

        Schema schema = new Schema.Parser().parse(latest.get("schema").asText());
        List<ConsumerRecord<byte[], byte[]>> read = proxy.readBytes("http-avro", 3);
        List<String> ids = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : read) {
            assertThat(schemaId(record.value())).isEqualTo(valueId);
            GenericRecord value = new GenericDatumReader<GenericRecord>(schema).read(null, DecoderFactory.get()
                    .binaryDecoder(record.value(), 5, record.value().length - 5, null));
            ids.add(value.get("id").toString());
            if (record.key() != null) {
                assertThat(schemaId(record.key())).isEqualTo(keyId);
                // An Avro string: its zig-zag length (2 * 2), then its UTF-8 bytes.
                assertThat(Arrays.copyOfRange(record.key(), 5, record.key().length))
                        .isEqualTo(("\u0004" + value.get("id")).getBytes(StandardCharsets.UTF_8));
            }
        }
        assertThat(ids).containsExactly("u1", "u2", "u3");

        // A proxy consumer in avro format decodes the wire format back to Avro's JSON.
        String group = "/consumers/http-avro-group";
        assertThat(proxy.send("POST", group, V2, "{\"name\":\"a\",\"format\":\"avro\",\"auto.offset.reset\":\"earliest\"}",
                null).statusCode()).isEqualTo(200);
        String instance = group + "/instances/a";
        proxy.send("POST", instance + "/subscription", V2, "{\"topics\":[\"http-avro\"]}", null);
        List<JsonNode> records = new ArrayList<>();
        await().atMost(Duration.ofSeconds(20)).pollInterval(DRAIN).until(() -> {
            HttpResponse<String> polled = proxy.send("GET", instance + "/records?timeout=500", null, null, AVRO);
            assertThat(polled.statusCode()).as(polled.body()).isEqualTo(200);
            proxy.json(polled).forEach(records::add);
            return records.size() >= 3;
        });
        assertThat(records.get(0).get("key").asText()).isEqualTo("u1");
        assertThat(records.get(0).get("value")).isEqualTo(mapper.readTree("{\"id\":\"u1\",\"plan\":{\"string\":\"pro\"}}"));
        assertThat(records.get(2).get("key").isNull()).isTrue();
        assertThat(proxy.send("DELETE", instance, null, null, null).statusCode()).isEqualTo(204);

        // An evolution the subject's BACKWARD level refuses: the registry's 409, and nothing produced.
        String incompatible = "{\"type\":\"record\",\"name\":\"User\",\"fields\":[{\"name\":\"id\",\"type\":\"string\"},"
                + "{\"name\":\"age\",\"type\":\"int\"}]}";
        HttpResponse<String> refused = proxy.send("POST", "/topics/http-avro", AVRO, mapper.createObjectNode()
                .put("value_schema", incompatible).set("records", mapper.readTree("[{\"value\":{\"id\":\"x\","
                        + "\"age\":1}}]")).toString(), null);
        assertThat(refused.statusCode()).isEqualTo(409);
        assertThat(proxy.json(refused).get("error_code").asInt()).isEqualTo(409);
        HttpResponse<String> noSchema = proxy.send("POST", "/topics/http-avro", AVRO,
                "{\"records\":[{\"value\":{\"id\":\"x\"}}]}", null);
        assertThat(proxy.json(noSchema).get("error_code").asInt()).isEqualTo(42202);
        HttpResponse<String> misfit = proxy.send("POST", "/topics/http-avro", AVRO, "{\"value_schema_id\":" + valueId
                + ",\"records\":[{\"value\":{\"id\":5}}]}", null);
        assertThat(proxy.json(misfit).get("error_code").asInt()).isEqualTo(42203);

        // v3: a record encoded with a registered schema named by id.
        String records3 = "/v3/clusters/" + proxy.admin().describeCluster().clusterId().get() + "/topics/http-avro/records";
        JsonNode v3 = proxy.json(proxy.send("POST", records3, "application/json", "{\"value\":{\"schema_id\":" + valueId
                + ",\"data\":{\"id\":\"u4\",\"plan\":null}}}", null));
        assertThat(v3.get("error_code").asInt()).as(v3.toString()).isEqualTo(200);
        assertThat(v3.get("value").get("type").asText()).isEqualTo("AVRO");
        assertThat(v3.get("value").get("schema_id").asInt()).isEqualTo(valueId);
        assertThat(schemaId(proxy.readBytes("http-avro", 4).get(3).value())).isEqualTo(valueId);
        assertThat(proxy.readAll("http-avro", 4)).hasSize(4);
    }

    @Test
    void jsonSchemaProducedOverHttpIsItsJsonAfterTheRegistrysHeader() throws Exception {
        String schema = "{\"type\":\"object\",\"properties\":{\"item\":{\"type\":\"string\"}}}";
        String body = mapper.createObjectNode().put("value_schema", schema)
                .set("records", mapper.readTree("[{\"key\":null,\"value\":{\"item\":\"pen\"}}]")).toString();
        JsonNode produced = proxy.json(proxy.send("POST", "/topics/http-jsonschema", JSON_SCHEMA, body, null));
        int valueId = produced.get("value_schema_id").asInt();
        assertThat(proxy.json(proxy.send("GET", "/schema-registry/schemas/ids/" + valueId, null, null, null))
                .get("schemaType").asText()).isEqualTo("JSON");
        byte[] value = proxy.readBytes("http-jsonschema", 1).getFirst().value();
        assertThat(schemaId(value)).isEqualTo(valueId);
        assertThat(new String(value, 5, value.length - 5, StandardCharsets.UTF_8)).isEqualTo("{\"item\":\"pen\"}");

        String instance = "/consumers/http-js-group/instances/j";
        assertThat(proxy.send("POST", "/consumers/http-js-group", V2, "{\"name\":\"j\",\"format\":\"jsonschema\","
                + "\"auto.offset.reset\":\"earliest\"}", null).statusCode()).isEqualTo(200);
        proxy.send("POST", instance + "/subscription", V2, "{\"topics\":[\"http-jsonschema\"]}", null);
        List<JsonNode> records = new ArrayList<>();
        await().atMost(Duration.ofSeconds(20)).pollInterval(DRAIN).until(() -> {
            proxy.json(proxy.send("GET", instance + "/records?timeout=500", null, null, JSON_SCHEMA)).forEach(records::add);
            return !records.isEmpty();
        });
        assertThat(records.getFirst().get("value")).isEqualTo(mapper.readTree("{\"item\":\"pen\"}"));
        assertThat(proxy.send("DELETE", instance, null, null, null).statusCode()).isEqualTo(204);
    }


    /** The schema id of a value in Confluent's wire format (magic byte 0, then the id), checking the magic byte. */
    private static int schemaId(byte[] value) {
        assertThat(value[0]).isZero();
        return ByteBuffer.wrap(value, 1, 4).getInt();
    }
}
