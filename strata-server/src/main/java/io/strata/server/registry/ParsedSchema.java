package io.strata.server.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.Incompatibility;

/**
 * A schema parsed from its text, with the compatibility check its type supports: Avro's own reader/writer rules
 * ({@link SchemaCompatibility}) for AVRO, a subset of JSON Schema's keywords ({@link JsonSchemaCompatibility}) for
 * JSON, the field-number rules of {@link ProtobufCompatibility} for PROTOBUF (stored as given). Immutable and
 * thread-safe.
 */
sealed interface ParsedSchema {

    /** The canonical content stored and compared for identity. */
    SchemaContent content();

    /**
     * Why data written with {@code writer} cannot be read with this schema as reader; empty when it can (or when the
     * type has no rules). Schemas of different types are never compatible.
     */
    List<String> readErrors(ParsedSchema writer);

    /**
     * Parses {@code text} of {@code type}.
     *
     * @param dependencies the referenced schemas, transitively, each after its own dependencies (Avro needs the
     *                     named types they define before the text that uses them)
     * @param normalize    Confluent's {@code normalize}: JSON object keys sorted (Avro's canonical text already is
     *                     normal; Protobuf is kept as given)
     * @throws RegistryException 42201 when the text is not a valid schema
     */
    static ParsedSchema parse(SchemaType type, String text, List<SchemaReference> references,
                              List<ParsedSchema> dependencies, boolean normalize) {
        if (text == null || text.isBlank()) {
            throw RegistryException.invalidSchema("(empty)");
        }
        return switch (type) {
            case AVRO -> Avro.parse(text, references, dependencies);
            case JSON -> Json.parse(text, references, normalize);
            case PROTOBUF -> new Protobuf(new SchemaContent(SchemaType.PROTOBUF, text.strip(), references),
                    ProtobufCompatibility.parse(text));
        };
    }

    /** An Avro schema; {@code named} are the types its references define, which its canonical text names only. */
    record Avro(SchemaContent content, Schema schema) implements ParsedSchema {

        static Avro parse(String text, List<SchemaReference> references, List<ParsedSchema> dependencies) {
            Schema.Parser parser = new Schema.Parser();
            List<Schema> named = new ArrayList<>();
            try {
                for (ParsedSchema dependency : dependencies) {
                    if (!(dependency instanceof Avro avro)) {
                        throw RegistryException.invalidSchema("referencing a schema that is not Avro");
                    }
                    // Each dependency's canonical text names its own dependencies, parsed before it.
                    Schema parsed = parser.parse(avro.content().schema());
                    named.add(parsed);
                }
                Schema schema = parser.parse(text);
                String canonical = named.isEmpty() ? schema.toString() : schema.toString(named, false);
                return new Avro(new SchemaContent(SchemaType.AVRO, canonical, references), schema);
            } catch (AvroRuntimeException | NullPointerException | IllegalArgumentException e) {
                throw RegistryException.invalidSchema(text + ", details: " + e.getMessage());
            }
        }

        @Override
        public List<String> readErrors(ParsedSchema writer) {
            if (!(writer instanceof Avro avroWriter)) {
                return List.of("Incompatible schema types: " + content.type() + " reads " + writer.content().type());
            }
            SchemaCompatibility.SchemaPairCompatibility result =
                    SchemaCompatibility.checkReaderWriterCompatibility(schema, avroWriter.schema());
            List<String> errors = new ArrayList<>();
            for (Incompatibility i : result.getResult().getIncompatibilities()) {
                errors.add("{errorType:'" + i.getType() + "', description:'" + i.getMessage() + "', location:'"
                        + i.getLocation() + "'}");
            }
            return errors;
        }
    }

    /** A JSON Schema: valid JSON (an object or a boolean), stored compact, checked by {@link JsonSchemaCompatibility}. */
    record Json(SchemaContent content, JsonNode node) implements ParsedSchema {

        private static final ObjectMapper MAPPER = new ObjectMapper();
        private static final ObjectMapper SORTED = new ObjectMapper()
                .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

        static Json parse(String text, List<SchemaReference> references, boolean normalize) {
            try {
                JsonNode node = MAPPER.readTree(text);
                if (node == null || !(node.isObject() || node.isBoolean())) {
                    throw RegistryException.invalidSchema(text + ", details: a JSON Schema is an object or a boolean");
                }
                String canonical = normalize ? SORTED.writeValueAsString(SORTED.treeToValue(node, Object.class))
                        : MAPPER.writeValueAsString(node);
                return new Json(new SchemaContent(SchemaType.JSON, canonical, references), node);
            } catch (JsonProcessingException e) {
                throw RegistryException.invalidSchema(text + ", details: " + e.getOriginalMessage());
            }
        }

        @Override
        public List<String> readErrors(ParsedSchema writer) {
            return writer instanceof Json json ? JsonSchemaCompatibility.readErrors(node, json.node())
                    : List.of("Incompatible schema types: JSON reads " + writer.content().type());
        }
    }

    /**
     * A Protobuf schema, stored as given, with its messages when {@link ProtobufCompatibility} follows the text (a
     * text it does not follow is stored and never judged incompatible, as before Strata checked Protobuf).
     */
    record Protobuf(SchemaContent content, Optional<ProtobufCompatibility.Model> model) implements ParsedSchema {

        @Override
        public List<String> readErrors(ParsedSchema writer) {
            if (!(writer instanceof Protobuf old)) {
                return List.of("Incompatible schema types: PROTOBUF reads " + writer.content().type());
            }
            if (model.isEmpty() || old.model().isEmpty()) {
                return List.of();
            }
            return ProtobufCompatibility.readErrors(model.get(), old.model().get());
        }
    }
}
