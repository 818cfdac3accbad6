package io.strata.server.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class EmbeddedFormatTest {

    @Test
    void contentTypesNameTheFormatOrNone() {
        assertThat(EmbeddedFormat.ofContentType("application/vnd.kafka.binary.v2+json")).hasValue(EmbeddedFormat.BINARY);
        assertThat(EmbeddedFormat.ofContentType("application/vnd.kafka.json.v2+json; charset=utf-8"))
                .hasValue(EmbeddedFormat.JSON);
        assertThat(EmbeddedFormat.ofContentType("application/vnd.kafka.v2+json")).isEmpty();
        assertThat(EmbeddedFormat.ofContentType("application/json")).isEmpty();
        assertThat(EmbeddedFormat.ofContentType(null)).isEmpty();
        assertThat(EmbeddedFormat.ofContentType("application/vnd.kafka.avro.v2+json")).hasValue(EmbeddedFormat.AVRO);
        assertThat(EmbeddedFormat.ofContentType("application/vnd.kafka.jsonschema.v2+json"))
                .hasValue(EmbeddedFormat.JSONSCHEMA);
        assertThat(EmbeddedFormat.AVRO.schemaType()).hasValue("AVRO");
        assertThat(EmbeddedFormat.JSONSCHEMA.schemaType()).hasValue("JSON");
        assertThat(EmbeddedFormat.JSON.schemaType()).isEmpty();
        assertThatThrownBy(() -> EmbeddedFormat.ofContentType("application/vnd.kafka.protobuf.v2+json"))
                .isInstanceOfSatisfying(RestException.class, e -> assertThat(e.status()).isEqualTo(415));
        assertThat(EmbeddedFormat.BINARY.contentType()).isEqualTo("application/vnd.kafka.binary.v2+json");
    }

    @Test
    void binaryIsBase64AndJsonIsItsText() throws Exception {
        JsonNode value = Exchanges.MAPPER.readTree("{\"b\":\"aGk=\",\"j\":{\"a\":[1,true]}}");
        assertThat(EmbeddedFormat.BINARY.decode(value.get("b"), "value")).isEqualTo("hi".getBytes());
        byte[] json = EmbeddedFormat.JSON.decode(value.get("j"), "value");
        assertThat(new String(json, StandardCharsets.UTF_8)).isEqualTo("{\"a\":[1,true]}");
        assertThat(EmbeddedFormat.JSON.encode(json)).isEqualTo(value.get("j"));
        assertThat(EmbeddedFormat.BINARY.encode("hi".getBytes()).asText()).isEqualTo("aGk=");
        assertThat(EmbeddedFormat.BINARY.decode(null, "key")).isNull();
        assertThat(EmbeddedFormat.JSON.encode(null).isNull()).isTrue();
    }

    @Test
    void badBase64AndNonJsonRecordsAreConfluentsErrors() throws Exception {
        assertThatThrownBy(() -> EmbeddedFormat.BINARY.decode(Exchanges.MAPPER.readTree("\"not base64!\""), "value"))
                .isInstanceOfSatisfying(RestException.class, e -> assertThat(e.errorCode()).isEqualTo(422));
        assertThatThrownBy(() -> EmbeddedFormat.BINARY.decode(Exchanges.MAPPER.readTree("12"), "value"))
                .isInstanceOfSatisfying(RestException.class, e -> assertThat(e.errorCode()).isEqualTo(422));
        assertThatThrownBy(() -> EmbeddedFormat.JSON.encode("not json".getBytes()))
                .isInstanceOfSatisfying(RestException.class, e -> assertThat(e.errorCode()).isEqualTo(50002));
    }
}
