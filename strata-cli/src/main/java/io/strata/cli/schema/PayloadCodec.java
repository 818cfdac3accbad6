package io.strata.cli.schema;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.strata.cli.client.CliException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.io.JsonEncoder;

/**
 * Turns one JSON text into the payload a registry serializer writes after the magic byte and schema id, and back.
 * Immutable and thread-safe (Avro's readers and writers are made per call).
 */
sealed interface PayloadCodec {

    /** The payload of {@code json}; a {@link CliException} when it does not fit the schema. */
    byte[] encode(String json);

    /** The JSON text of {@code length} payload bytes at {@code offset}; a {@link CliException} when they do not fit. */
    String decode(byte[] bytes, int offset, int length);

    /**
     * Avro's binary encoding. The text is Avro's JSON encoding of a datum (a union's value is wrapped in an object
     * named by its branch, {@code {"string":"x"}}; bytes are ISO-8859-1 strings), so that what {@code consume}
     * prints is what {@code produce} takes.
     */
    record Avro(Schema schema) implements PayloadCodec {
        @Override
        public byte[] encode(String json) {
            try {
                Object datum = new GenericDatumReader<>(schema).read(null,
                        DecoderFactory.get().jsonDecoder(schema, json));
                ByteArrayOutputStream out = new ByteArrayOutputStream(json.length());
                BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
                new GenericDatumWriter<>(schema).write(datum, encoder);
                return out.toByteArray();
            } catch (IOException | AvroRuntimeException e) {
                throw new CliException("not a " + schema.getFullName() + " in Avro's JSON encoding: " + e.getMessage());
            }
        }

        @Override
        public String decode(byte[] bytes, int offset, int length) {
            try {
                Object datum = new GenericDatumReader<>(schema).read(null,
                        DecoderFactory.get().binaryDecoder(bytes, offset, length, null));
                ByteArrayOutputStream out = new ByteArrayOutputStream(length * 2 + 16);
                JsonEncoder encoder = EncoderFactory.get().jsonEncoder(schema, out);
                new GenericDatumWriter<>(schema).write(datum, encoder);
                encoder.flush();
                return out.toString(StandardCharsets.UTF_8).strip();
            } catch (IOException | RuntimeException e) {
                // Malformed binary surfaces as whatever the decoder trips over (an index out of bounds, a length).
                throw new CliException("the payload is not a " + schema.getFullName() + " in Avro's binary encoding: "
                        + e);
            }
        }
    }

    /**
     * JSON Schema: the payload is the document's UTF-8 text, as Confluent's JSON Schema serializer writes it. The
     * document is checked to be JSON and written compact, but not validated against the schema (the registry
     * checks schemas, not documents).
     */
    record Json() implements PayloadCodec {
        @Override
        public byte[] encode(String json) {
            return compact(json).getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public String decode(byte[] bytes, int offset, int length) {
            return compact(new String(bytes, offset, length, StandardCharsets.UTF_8));
        }

        private static String compact(String text) {
            try {
                JsonNode node = RegistryClient.JSON.readTree(text);
                if (node == null || node.isMissingNode()) {
                    throw new CliException("not a JSON document: empty");
                }
                return RegistryClient.JSON.writeValueAsString(node);
            } catch (JsonProcessingException e) {
                throw new CliException("not a JSON document: " + e.getOriginalMessage());
            }
        }
    }
}
