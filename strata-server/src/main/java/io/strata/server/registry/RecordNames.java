package io.strata.server.registry;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The record name of a schema, as Confluent's {@code RecordNameStrategy} and {@code TopicRecordNameStrategy} take
 * it: an Avro schema's full name (a named type's {@code namespace.name}, else its type's name), a JSON Schema's
 * {@code title}, a Protobuf schema's first message qualified with the file's package. Stateless.
 */
final class RecordNames {

    private static final Pattern PACKAGE = Pattern.compile("(?m)^\\s*package\\s+([A-Za-z_][A-Za-z0-9_.]*)\\s*;");

    private RecordNames() {
    }

    /** The record name of {@code schema}; empty when it has none (a JSON Schema without a title, say). */
    static Optional<String> of(ParsedSchema schema) {
        return switch (schema) {
            case ParsedSchema.Avro avro -> Optional.of(avro.schema().getFullName());
            case ParsedSchema.Json json -> Optional.of(json.node().path("title")).filter(JsonNode::isTextual)
                    .map(JsonNode::asText);
            case ParsedSchema.Protobuf protobuf -> protobuf.model()
                    .flatMap(m -> m.messages().keySet().stream().findFirst())
                    .map(message -> packageOf(protobuf.content().schema()).map(p -> p + "." + message)
                            .orElse(message));
        };
    }

    private static Optional<String> packageOf(String proto) {
        Matcher m = PACKAGE.matcher(proto);
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }
}
