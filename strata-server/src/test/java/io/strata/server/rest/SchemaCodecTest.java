package io.strata.server.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.strata.server.registry.InProcessRegistry.Registered;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Optional;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.Test;

class SchemaCodecTest {

    private static final String USER = "{\"type\":\"record\",\"name\":\"User\",\"fields\":[{\"name\":\"id\",\"type\":\"string\"},"
            + "{\"name\":\"age\",\"type\":[\"null\",\"int\"],\"default\":null},{\"name\":\"tags\",\"type\":{\"type\":\"array\","
            + "\"items\":\"string\"}}]}";
    private static final Schema SCHEMA = new Schema.Parser().parse(USER);
    private static final Registered AVRO = new Registered(7, "AVRO", USER, Optional.of(SCHEMA));
    private static final Registered JSON = new Registered(300, "JSON", "{\"type\":\"object\"}", Optional.empty());

    private static JsonNode json(String text) throws Exception {
        return Exchanges.MAPPER.readTree(text);
    }

    @Test
    void avroJsonBecomesConfluentsWireFormatThatAvroReadsBack() throws Exception {
        JsonNode data = json("{\"id\":\"u1\",\"age\":{\"int\":42},\"tags\":[\"a\",\"b\"]}");
        byte[] bytes = SchemaCodec.encode(AVRO, data, "value");
        assertThat(bytes[0]).isEqualTo((byte) 0);
        assertThat(ByteBuffer.wrap(bytes, 1, 4).getInt()).isEqualTo(7);
        GenericRecord read = new GenericDatumReader<GenericRecord>(SCHEMA).read(null,
                DecoderFactory.get().binaryDecoder(bytes, 5, bytes.length - 5, null));
        assertThat(read.get("id").toString()).isEqualTo("u1");
        assertThat(read.get("age")).isEqualTo(42);
        assertThat(SchemaCodec.decode(AVRO, bytes)).isEqualTo(data);
    }

    @Test
    void avroWrittenByAnotherSerializerDecodesToAvrosJson() throws Exception {
        GenericRecord user = new GenericData.Record(SCHEMA);
        user.put("id", "u2");
        user.put("age", null);
        user.put("tags", java.util.List.of());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0);
        out.writeBytes(ByteBuffer.allocate(4).putInt(7).array());
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(SCHEMA).write(user, encoder);
        encoder.flush();
        assertThat(SchemaCodec.decode(AVRO, out.toByteArray()))
                .isEqualTo(json("{\"id\":\"u2\",\"age\":null,\"tags\":[]}"));
    }

    @Test
    void jsonSchemaDataIsItsTextAfterTheHeader() throws Exception {
        byte[] bytes = SchemaCodec.encode(JSON, json("{\"item\":\"pen\",\"qty\":2}"), "value");
        assertThat(Arrays.copyOfRange(bytes, 0, 5)).containsExactly(0, 0, 0, 1, 44);
        assertThat(new String(bytes, 5, bytes.length - 5)).isEqualTo("{\"item\":\"pen\",\"qty\":2}");
        assertThat(SchemaCodec.decode(JSON, bytes)).isEqualTo(json("{\"item\":\"pen\",\"qty\":2}"));
    }

    @Test
    void nullStaysNullAndMisfitsAreConfluentsConversionError() throws Exception {
        assertThat(SchemaCodec.encode(AVRO, null, "key")).isNull();
        assertThat(SchemaCodec.encode(AVRO, json("null"), "key")).isNull();
        assertThatThrownBy(() -> SchemaCodec.encode(AVRO, json("{\"id\":5}"), "value"))
                .isInstanceOfSatisfying(RestException.class, e -> {
                    assertThat(e.status()).isEqualTo(422);
                    assertThat(e.errorCode()).isEqualTo(42203);
                });
        assertThatThrownBy(() -> SchemaCodec.decode(AVRO, new byte[] {0, 0, 0, 0, 7, 1}))
                .isInstanceOfSatisfying(RestException.class, e -> assertThat(e.errorCode()).isEqualTo(50002));
    }

    @Test
    void subjectsFollowTopicNameStrategy() {
        assertThat(SchemaCodec.subject("orders", true)).isEqualTo("orders-key");
        assertThat(SchemaCodec.subject("orders", false)).isEqualTo("orders-value");
    }
}
