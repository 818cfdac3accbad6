package io.strata.server.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.strata.server.registry.InProcessRegistry.Registered;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;

/**
 * Turns one record of a v3 produce, {@code {"partition_id":..,"key":..,"value":..,"timestamp":..,"headers":[..]}},
 * into the record to send, with its key and value encoded as their types say.
 *
 * <p>Thread-safe (stateless apart from the schema registry).
 */
final class V3RecordParser {

    private final SchemaCodec schemas;

    V3RecordParser(SchemaCodec schemas) {
        this.schemas = schemas;
    }

    /** A record to send to {@code topic}, and its key and value as the result describes them. */
    record Parsed(ProducerRecord<byte[], byte[]> record, Data key, Data value) {
    }

    /** A key or value of a v3 record: its bytes and type, or absent; the schema it was encoded with, if any. */
    record Data(String type, byte[] bytes, Optional<Registered> schema) {

        Data(String type, byte[] bytes) {
            this(type, bytes, Optional.empty());
        }

        /** Adds {@code field} to a produce result: its type, schema id and size, or null when absent. */
        void describe(ObjectNode result, String field) {
            if (type == null) {
                result.putNull(field);
            } else {
                ObjectNode node = result.putObject(field);
                node.put("type", type);
                schema.ifPresent(s -> node.put("schema_id", s.id()));
                node.put("size", bytes == null ? 0 : bytes.length);
            }
        }
    }

    /**
     * Parses one record for {@code topic}.
     *
     * @throws RestException 400 for a malformed record, 404 for a partition the topic does not have, or the
     *                       registry's refusal of a schema
     */
    Parsed parse(JsonNode body, TopicDescription topic) {
        if (!body.isObject()) {
            throw RestException.badRequest("A record must be a JSON object");
        }
        Integer partition = null;
        JsonNode partitionId = body.get("partition_id");
        if (partitionId != null && !partitionId.isNull()) {
            if (!partitionId.canConvertToInt() || partitionId.asInt() < 0
                    || partitionId.asInt() >= topic.partitions().size()) {
                throw new RestException(404, 404, "This server does not host this topic-partition.");
            }
            partition = partitionId.asInt();
        }
        Data key = data(body.get("key"), "key", topic.name());
        Data value = data(body.get("value"), "value", topic.name());
        Long timestamp = null;
        JsonNode time = body.get("timestamp");
        if (time != null && !time.isNull()) {
            try {
                timestamp = Instant.parse(time.asText()).toEpochMilli();
            } catch (DateTimeParseException e) {
                throw RestException.badRequest("timestamp must be ISO-8601: " + time.asText());
            }
        }
        return new Parsed(new ProducerRecord<>(topic.name(), partition, timestamp, key.bytes(), value.bytes(),
                headers(body.get("headers"))), key, value);
    }

    /**
     * {@code {"type":"BINARY|JSON|STRING","data":...}}, no type being JSON; or schema-based,
     * {@code {"type":"AVRO|JSONSCHEMA","schema":..,"data":..}} (the schema registered under the topic's subject),
     * {@code {"schema_id":..,"data":..}} or {@code {"subject":..,"schema_version":..,"data":..}} (the type being the
     * schema's), encoded in the registry's wire format. PROTOBUF is refused.
     */
    private Data data(JsonNode node, String field, String topic) {
        if (node == null || node.isNull()) {
            return new Data(null, null);
        }
        if (!node.isObject()) {
            throw RestException.badRequest(field + " must be an object with type and data");
        }
        Optional<String> named = Optional.ofNullable(node.get("type")).filter(t -> !t.isNull())
                .map(t -> t.asText().toUpperCase(Locale.ROOT));
        boolean schemaBased = named.filter(t -> t.equals("AVRO") || t.equals("JSONSCHEMA") || t.equals("PROTOBUF"))
                .isPresent() || node.has("schema") || node.has("schema_id") || node.has("subject");
        JsonNode data = node.get("data");
        if (schemaBased) {
            return schemaData(node, field, topic, named, data);
        }
        String type = named.orElse("JSON");
        if (data == null || data.isNull()) {
            return new Data(type, null);
        }
        return switch (type) {
            case "BINARY" -> {
                if (!data.isTextual()) {
                    throw RestException.badRequest(field + ".data must be base64 text for BINARY");
                }
                try {
                    yield new Data(type, Base64.getDecoder().decode(data.asText()));
                } catch (IllegalArgumentException e) {
                    throw RestException.badRequest(field + ".data is not valid base64: " + e.getMessage());
                }
            }
            case "STRING" -> new Data(type, data.asText().getBytes(StandardCharsets.UTF_8));
            case "JSON" -> new Data(type, EmbeddedFormat.JSON.decode(data, field));
            default -> throw RestException.badRequest(field + ".type " + type + " is not supported (BINARY, JSON, "
                    + "STRING, AVRO and JSONSCHEMA are)");
        };
    }

    private Data schemaData(JsonNode node, String field, String topic, Optional<String> named, JsonNode data) {
        if (named.filter(t -> t.equals("PROTOBUF")).isPresent()) {
            throw RestException.badRequest(field + ".type PROTOBUF is not supported (AVRO and JSONSCHEMA are)");
        }
        if (node.has("subject_name_strategy")
                && !node.get("subject_name_strategy").asText().equalsIgnoreCase("TOPIC_NAME")) {
            throw RestException.badRequest(field + ".subject_name_strategy: only TOPIC_NAME is supported");
        }
        String subject = node.hasNonNull("subject") ? node.get("subject").asText()
                : SchemaCodec.subject(topic, field.equals("key"));
        Registered schema;
        if (node.hasNonNull("schema")) {
            String type = named.orElseThrow(() -> RestException.badRequest(field + ".type is required with a "
                    + "schema (AVRO or JSONSCHEMA)"));
            schema = schemas.register(subject, type.equals("JSONSCHEMA") ? "JSON" : type, node.get("schema").asText());
        } else {
            Optional<Integer> id = Optional.ofNullable(node.get("schema_id")).filter(n -> !n.isNull())
                    .map(n -> {
                        if (!n.canConvertToInt()) {
                            throw RestException.badRequest(field + ".schema_id must be an integer");
                        }
                        return n.asInt();
                    });
            Optional<String> version = Optional.ofNullable(node.get("schema_version")).filter(n -> !n.isNull())
                    .map(JsonNode::asText);
            schema = schemas.lookup(id, Optional.of(subject), version);
        }
        String type = schema.type().equals("JSON") ? "JSONSCHEMA" : schema.type();
        if (named.isPresent() && !named.get().equals(type)) {
            throw RestException.badRequest(field + ": schema " + schema.id() + " is " + type + ", not "
                    + named.get());
        }
        if (schema.type().equals("PROTOBUF")) {
            throw RestException.badRequest(field + ": schema " + schema.id() + " is PROTOBUF, which is not "
                    + "supported (AVRO and JSONSCHEMA are)");
        }
        return new Data(type, SchemaCodec.encode(schema, data, field), Optional.of(schema));
    }

    /** {@code [{"name":..,"value": base64 or null}]}. */
    private static List<Header> headers(JsonNode node) {
        List<Header> headers = new ArrayList<>();
        if (node == null || node.isNull()) {
            return headers;
        }
        if (!node.isArray()) {
            throw RestException.badRequest("headers must be an array");
        }
        for (JsonNode header : node) {
            JsonNode name = header.get("name");
            if (name == null || !name.isTextual()) {
                throw RestException.badRequest("a header needs a name");
            }
            JsonNode value = header.get("value");
            byte[] bytes = null;
            if (value != null && !value.isNull()) {
                try {
                    bytes = Base64.getDecoder().decode(value.asText());
                } catch (IllegalArgumentException e) {
                    throw RestException.badRequest("header " + name.asText() + " is not valid base64");
                }
            }
            headers.add(new RecordHeader(name.asText(), bytes));
        }
        return headers;
    }
}
