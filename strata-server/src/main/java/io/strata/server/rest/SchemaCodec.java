package io.strata.server.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import io.strata.server.registry.InProcessRegistry;
import io.strata.server.registry.InProcessRegistry.Registered;
import io.strata.server.registry.RegistryException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Optional;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.io.JsonEncoder;

/**
 * Keys and values of the schema-based embedded formats ({@code avro}, {@code jsonschema}) in the schema registry's
 * wire format, as Confluent's serializers write them: a magic byte 0, the schema's global id (4 bytes, big endian),
 * then the data (Avro's binary encoding, or the JSON text for JSON Schema). The JSON side of Avro is Avro's own JSON
 * encoding, as Confluent REST Proxy takes and returns it (a union's value wrapped in its branch's name, bytes as
 * ISO-8859-1 strings). Schemas come from the node's own registry, in-process: a produce's schema text is registered
 * under the topic's subject (Confluent's TopicNameStrategy, {@code <topic>-key} / {@code <topic>-value}).
 * JSON Schema documents are not validated against their schema. Thread-safe (stateless apart from the registry).
 */
final class SchemaCodec {

    static final byte MAGIC = 0;
    private static final int HEADER = 5;

    /** Confluent REST Proxy's codes: a record has a key (value) but the request no key (value) schema. */
    static final int KEY_SCHEMA_MISSING = 42201;
    static final int VALUE_SCHEMA_MISSING = 42202;
    /** Confluent REST Proxy's code for data that does not convert to the schema. */
    static final int CONVERSION_FAILED = 42203;

    private final InProcessRegistry registry;

    SchemaCodec(InProcessRegistry registry) {
        this.registry = registry;
    }

    /**
     * The schema a v2 produce names for its keys or values: {@code schemaId} looked up, else {@code schemaText}
     * registered under {@code <topic>-key} or {@code <topic>-value}; empty when the request names neither.
     *
     * @throws RestException the registry's refusal (409 incompatible, 42201 invalid, 40403 unknown id) with its
     *                       code, or 422 when the id's schema is not of the format's type
     */
    Optional<Registered> schema(EmbeddedFormat format, String topic, boolean key, JsonNode schemaText,
                                JsonNode schemaId) {
        String type = format.schemaType().orElseThrow();
        try {
            if (schemaId != null && !schemaId.isNull()) {
                if (!schemaId.canConvertToInt()) {
                    throw RestException.unprocessable((key ? "key" : "value") + "_schema_id must be an integer");
                }
                return Optional.of(ofType(registry.byId(schemaId.asInt()), type));
            }
            if (schemaText != null && !schemaText.isNull()) {
                if (!schemaText.isTextual()) {
                    throw RestException.unprocessable((key ? "key" : "value") + "_schema must be a string");
                }
                return Optional.of(registry.register(subject(topic, key), type, schemaText.asText()));
            }
            return Optional.empty();
        } catch (RegistryException e) {
            throw registryFailure(e);
        }
    }

    /** Confluent's TopicNameStrategy. */
    static String subject(String topic, boolean key) {
        return topic + (key ? "-key" : "-value");
    }

    /** A schema named by id or subject version in a v3 produce, of the type the request names (if any). */
    Registered lookup(Optional<Integer> id, Optional<String> subject, Optional<String> version) {
        try {
            if (id.isPresent()) {
                return registry.byId(id.get());
            }
            return registry.byVersion(subject.orElseThrow(), version.orElse("latest"));
        } catch (RegistryException e) {
            throw registryFailure(e);
        }
    }

    /** Registers {@code schemaText} of {@code type} under {@code subject}, for a v3 produce. */
    Registered register(String subject, String type, String schemaText) {
        try {
            return registry.register(subject, type, schemaText);
        } catch (RegistryException e) {
            throw registryFailure(e);
        }
    }

    private static RestException registryFailure(RegistryException e) {
        return new RestException(e.httpStatus(), e.errorCode(), e.getMessage());
    }

    private static Registered ofType(Registered schema, String type) {
        if (!schema.type().equals(type)) {
            throw new RestException(422, CONVERSION_FAILED, "Schema " + schema.id() + " is of type "
                    + schema.type() + ", not " + type);
        }
        return schema;
    }

    /**
     * {@code data} in the wire format of {@code schema}; JSON null is a null key or value (a tombstone), as
     * Confluent's serializers leave null unencoded.
     *
     * @throws RestException 42203 when the data does not fit the schema
     */
    static byte[] encode(Registered schema, JsonNode data, String field) {
        if (data == null || data.isNull()) {
            return null;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(MAGIC);
        out.writeBytes(ByteBuffer.allocate(4).putInt(schema.id()).array());
        try {
            if (schema.avro().isPresent()) {
                Schema avro = schema.avro().get();
                Object datum = new GenericDatumReader<>(avro).read(null,
                        DecoderFactory.get().jsonDecoder(avro, Exchanges.MAPPER.writeValueAsString(data)));
                BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
                new GenericDatumWriter<>(avro).write(datum, encoder);
                encoder.flush();
            } else if (schema.type().equals("JSON")) {
                out.writeBytes(Exchanges.MAPPER.writeValueAsBytes(data));
            } else {
                throw new RestException(422, CONVERSION_FAILED, "Schema " + schema.id() + " is of type "
                        + schema.type() + ", which the proxy does not encode");
            }
        } catch (IOException | AvroRuntimeException e) {
            throw new RestException(422, CONVERSION_FAILED, "Conversion of JSON to " + schema.type()
                    + " failed for " + field + ": " + e.getMessage());
        }
        return out.toByteArray();
    }

    /**
     * A key or value in the wire format as JSON, decoded with the schema it names, which must be of
     * {@code format}'s type (as a Confluent deserializer of that format refuses another's).
     *
     * @throws RestException 50002 for bytes not in the wire format, of another type or not decodable with their
     *                       schema, or the registry's 40403 for an unknown id
     */
    JsonNode decode(EmbeddedFormat format, byte[] bytes) {
        if (bytes == null) {
            return NullNode.getInstance();
        }
        if (bytes.length < HEADER || bytes[0] != MAGIC) {
            throw new RestException(500, 50002, "A record is not in the schema registry's wire format (magic byte "
                    + "0 and a schema id) and cannot be returned in a schema-based format");
        }
        int id = ByteBuffer.wrap(bytes, 1, 4).getInt();
        Registered schema;
        try {
            schema = registry.byId(id);
        } catch (RegistryException e) {
            throw registryFailure(e);
        }
        if (!format.schemaType().orElseThrow().equals(schema.type())) {
            throw new RestException(500, 50002, "A record's schema " + id + " is of type " + schema.type()
                    + ", not " + format.schemaType().get() + " as this consumer's format " + format.formatName());
        }
        return decode(schema, bytes);
    }

    /** {@code bytes} (header included) decoded with {@code schema}, whose id they name. */
    static JsonNode decode(Registered schema, byte[] bytes) {
        try {
            if (schema.avro().isPresent()) {
                Schema avro = schema.avro().get();
                Object datum = new GenericDatumReader<>(avro).read(null,
                        DecoderFactory.get().binaryDecoder(bytes, HEADER, bytes.length - HEADER, null));
                ByteArrayOutputStream json = new ByteArrayOutputStream();
                JsonEncoder encoder = EncoderFactory.get().jsonEncoder(avro, json);
                new GenericDatumWriter<>(avro).write(datum, encoder);
                encoder.flush();
                return Exchanges.MAPPER.readTree(json.toByteArray());
            }
            if (schema.type().equals("JSON")) {
                return Exchanges.MAPPER.readTree(bytes, HEADER, bytes.length - HEADER);
            }
        } catch (IOException | AvroRuntimeException | IndexOutOfBoundsException e) {
            throw new RestException(500, 50002, "A record does not decode with schema " + schema.id() + ": "
                    + e.getMessage());
        }
        throw new RestException(500, 50002, "Schema " + schema.id() + " is of type " + schema.type()
                + ", which the proxy does not decode");
    }
}
