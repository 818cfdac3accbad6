package io.strata.cli.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.strata.cli.client.CliException;
import java.nio.charset.StandardCharsets;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.Test;

/** Avro's JSON encoding to binary and back, and JSON documents, as {@code produce} and {@code consume} use them. */
class PayloadCodecTest {

    private static final Schema SCHEMA = new Schema.Parser().parse("{\"type\":\"record\",\"name\":\"E\","
            + "\"namespace\":\"t\",\"fields\":[{\"name\":\"id\",\"type\":\"long\"},"
            + "{\"name\":\"kind\",\"type\":{\"type\":\"enum\",\"name\":\"K\",\"symbols\":[\"A\",\"B\"]}},"
            + "{\"name\":\"note\",\"type\":[\"null\",\"string\"]},{\"name\":\"raw\",\"type\":\"bytes\"}]}");

    @Test
    void avroEncodesWhatAvrosOwnWriterWritesAndDecodesItBack() throws Exception {
        PayloadCodec codec = new PayloadCodec.Avro(SCHEMA);
        String json = "{\"id\":7,\"kind\":\"B\",\"note\":{\"string\":\"hé\"},\"raw\":\"\\u0001\\u00ff\"}";
        byte[] encoded = codec.encode(json);

        GenericRecord expected = new GenericData.Record(SCHEMA);
        expected.put("id", 7L);
        expected.put("kind", new GenericData.EnumSymbol(SCHEMA.getField("kind").schema(), "B"));
        expected.put("note", "hé");
        expected.put("raw", java.nio.ByteBuffer.wrap(new byte[] {1, (byte) 0xff}));
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(SCHEMA).write(expected, encoder);
        assertThat(encoded).isEqualTo(out.toByteArray());

        byte[] framed = RegistryPayloads.frame(3, encoded);
        assertThat(codec.decode(framed, 5, framed.length - 5))
                .isEqualTo("{\"id\":7,\"kind\":\"B\",\"note\":{\"string\":\"hé\"},\"raw\":\"\\u0001ÿ\"}");
    }

    @Test
    void avroRefusesJsonThatDoesNotFitAndBytesThatDoNotDecode() {
        PayloadCodec codec = new PayloadCodec.Avro(SCHEMA);
        assertThatThrownBy(() -> codec.encode("{\"id\":\"seven\"}")).isInstanceOf(CliException.class)
                .hasMessageStartingWith("not a t.E in Avro's JSON encoding: ");
        assertThatThrownBy(() -> codec.encode("not json")).isInstanceOf(CliException.class);
        assertThatThrownBy(() -> codec.decode(new byte[] {2, 8}, 0, 2)).isInstanceOf(CliException.class)
                .hasMessageStartingWith("the payload is not a t.E in Avro's binary encoding");
    }

    @Test
    void jsonDocumentsAreSentCompactAndMustBeJson() {
        PayloadCodec codec = new PayloadCodec.Json();
        assertThat(new String(codec.encode("{ \"a\" : [1, 2] }"), StandardCharsets.UTF_8)).isEqualTo("{\"a\":[1,2]}");
        byte[] bytes = "xx{\"a\":1}".getBytes(StandardCharsets.UTF_8);
        assertThat(codec.decode(bytes, 2, bytes.length - 2)).isEqualTo("{\"a\":1}");
        assertThatThrownBy(() -> codec.encode("{\"a\":")).isInstanceOf(CliException.class)
                .hasMessageStartingWith("not a JSON document");
        assertThatThrownBy(() -> codec.encode("  ")).hasMessage("not a JSON document: empty");
    }

    @Test
    void framesWithTheMagicByteAndABigEndianId() {
        assertThat(RegistryPayloads.frame(258, new byte[] {9})).containsExactly(0, 0, 0, 1, 2, 9);
        assertThat(RegistryPayloads.framed(new byte[] {0, 0, 0, 0, 1})).isTrue();
        assertThat(RegistryPayloads.framed(new byte[] {0, 0, 0, 1})).as("too short").isFalse();
        assertThat(RegistryPayloads.framed(new byte[] {1, 0, 0, 0, 1})).isFalse();
        assertThat(RegistryPayloads.framed(null)).isFalse();
    }
}
