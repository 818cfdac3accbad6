package io.strata.server.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;

/**
 * The v2 API's embedded formats: how a key or value travels inside the JSON of a request or response. {@code binary}
 * is base64 of the bytes, {@code json} is the JSON itself (stored as its UTF-8 text); {@code avro} and
 * {@code jsonschema} are JSON too, stored in the schema registry's wire format by {@link SchemaCodec} with a schema
 * of the registry's type {@link #schemaType}. Protobuf is refused. Immutable.
 */
enum EmbeddedFormat {
    BINARY("binary", null),
    JSON("json", null),
    AVRO("avro", "AVRO"),
    JSONSCHEMA("jsonschema", "JSON");

    private final String name;
    private final String schemaType;

    EmbeddedFormat(String name, String schemaType) {
        this.name = name;
        this.schemaType = schemaType;
    }

    /** The registry's schema type of a schema-based format ({@code AVRO}, {@code JSON}); empty for the others. */
    Optional<String> schemaType() {
        return Optional.ofNullable(schemaType);
    }

    /** The lower-case name used in consumer instances' {@code format} and in content types. */
    String formatName() {
        return name;
    }

    /** {@code application/vnd.kafka.<format>.v2+json}. */
    String contentType() {
        return "application/vnd.kafka." + name + ".v2+json";
    }

    /** The format of an instance's {@code format} setting, or empty for one the proxy does not speak. */
    static Optional<EmbeddedFormat> byName(String name) {
        for (EmbeddedFormat format : values()) {
            if (format.name.equals(name.toLowerCase(Locale.ROOT))) {
                return Optional.of(format);
            }
        }
        return Optional.empty();
    }

    /**
     * The embedded format a content type names ({@code application/vnd.kafka.binary.v2+json}), empty when it names
     * none ({@code application/vnd.kafka.v2+json}, {@code application/json}, {@code * / *}).
     *
     * @throws RestException 415 for a format the proxy does not speak (protobuf)
     */
    static Optional<EmbeddedFormat> ofContentType(String contentType) {
        if (contentType == null) {
            return Optional.empty();
        }
        String type = contentType.split(";")[0].trim().toLowerCase(Locale.ROOT);
        String prefix = "application/vnd.kafka.";
        String suffix = ".v2+json";
        // application/vnd.kafka.v2+json shares its dot with both: it names no format.
        if (!type.startsWith(prefix) || !type.endsWith(suffix) || type.length() <= prefix.length() + suffix.length()) {
            return Optional.empty();
        }
        String middle = type.substring(prefix.length(), type.length() - suffix.length());
        return Optional.of(byName(middle).orElseThrow(() -> new RestException(415, 415,
                "Embedded format " + middle + " is not supported (binary, json, avro and jsonschema are)")));
    }

    /**
     * The bytes a request's key or value stands for in {@code binary} or {@code json}; JSON null is a null key or
     * value. Schema-based formats are encoded by {@link SchemaCodec}.
     */
    byte[] decode(JsonNode node, String field) {
        if (node == null || node.isNull()) {
            return null;
        }
        return switch (this) {
            case BINARY -> {
                if (!node.isTextual()) {
                    throw RestException.unprocessable("Field " + field + " must be a base64 string in binary format");
                }
                try {
                    yield Base64.getDecoder().decode(node.asText());
                } catch (IllegalArgumentException e) {
                    throw RestException.unprocessable("Field " + field + " is not valid base64: " + e.getMessage());
                }
            }
            case AVRO, JSONSCHEMA -> throw new IllegalStateException(name + " is encoded by SchemaCodec");
            case JSON -> {
                try {
                    yield Exchanges.MAPPER.writeValueAsBytes(node);
                } catch (JsonProcessingException e) {
                    throw RestException.unprocessable("Field " + field + ": " + e.getOriginalMessage());
                }
            }
        };
    }

    /** A record's key or value as the response embeds it in {@code binary} or {@code json}. */
    JsonNode encode(byte[] bytes) {
        if (bytes == null) {
            return NullNode.getInstance();
        }
        return switch (this) {
            case BINARY -> TextNode.valueOf(Base64.getEncoder().encodeToString(bytes));
            case AVRO, JSONSCHEMA -> throw new IllegalStateException(name + " is decoded by SchemaCodec");
            case JSON -> {
                try {
                    yield Exchanges.MAPPER.readTree(bytes);
                } catch (IOException e) {
                    throw new RestException(500, 50002, "A record is not JSON and cannot be returned in json format: "
                            + e.getMessage());
                }
            }
        };
    }
}
