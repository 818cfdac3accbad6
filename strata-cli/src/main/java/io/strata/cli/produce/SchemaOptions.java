package io.strata.cli.produce;

import io.strata.cli.client.CliException;
import io.strata.cli.schema.RegistryPayloads;
import io.strata.cli.schema.SchemaInput;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Consumer;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code strata produce}'s schema options (a picocli mixin): with {@code --value-schema} or {@code --key-schema},
 * each line's value (or key) is JSON, encoded in the schema registry's wire format with a schema registered under
 * {@code <topic>-value} (or {@code <topic>-key}), Confluent's TopicNameStrategy, or given by its id.
 */
public final class SchemaOptions {

    static final String DEFAULT_URL = "http://localhost:9190/schema-registry";

    /** The value's schema: a file or a registered id. */
    static final class ValueChoice {
        @Option(names = "--value-schema", paramLabel = "FILE", required = true,
                description = "Encode each value (JSON) with the schema in FILE, registered under <topic>-value.")
        Path file;

        @Option(names = "--value-schema-id", paramLabel = "N", required = true,
                description = "Encode each value (JSON) with the registered schema N.")
        Integer id;
    }

    /** The key's schema: a file or a registered id. */
    static final class KeyChoice {
        @Option(names = "--key-schema", paramLabel = "FILE", required = true,
                description = "Encode each key (JSON; needs --key-separator) with the schema in FILE, registered "
                        + "under <topic>-key.")
        Path file;

        @Option(names = "--key-schema-id", paramLabel = "N", required = true,
                description = "Encode each key (JSON; needs --key-separator) with the registered schema N.")
        Integer id;
    }

    @Option(names = "--schema-registry", paramLabel = "URL",
            defaultValue = "${env:STRATA_SCHEMA_REGISTRY_URL:-" + DEFAULT_URL + "}",
            description = "The registry for --value-schema and --key-schema (default: $STRATA_SCHEMA_REGISTRY_URL, "
                    + "else " + DEFAULT_URL + ").")
    String url;

    @ArgGroup(exclusive = true)
    ValueChoice value;

    @ArgGroup(exclusive = true)
    KeyChoice key;

    @Option(names = "--schema-type", paramLabel = "AVRO|JSON", defaultValue = "AVRO",
            description = "The type of the schema files (default: AVRO; a schema given by id has its own type). "
                    + "AVRO lines are in Avro's JSON encoding; JSON lines are JSON documents.")
    SchemaInput.Type type = SchemaInput.Type.AVRO;

    /** Encodes a parsed line's key and value; identity when no schema option is given. */
    @FunctionalInterface
    interface LineEncoder {
        LineParser.Line encode(LineParser.Line line, long lineNumber);
    }

    /**
     * The encoder of {@code topic}'s lines: registers the schema files (or looks the ids up) now, so that a refused
     * schema fails before anything is sent. {@code notes} hears which schema ids are used.
     */
    LineEncoder encoder(CommandSpec spec, String topic, boolean keyed, Consumer<String> notes) {
        if (value == null && key == null) {
            return (line, n) -> line;
        }
        if (type == SchemaInput.Type.PROTOBUF) {
            throw new ParameterException(spec.commandLine(), "--schema-type: only AVRO and JSON payloads are encoded");
        }
        if (key != null && !keyed) {
            throw new ParameterException(spec.commandLine(), "--key-schema needs --key-separator");
        }
        RegistryPayloads registry = RegistryPayloads.at(url);
        Optional<RegistryPayloads.Encoder> values = Optional.ofNullable(value)
                .map(v -> encoder(registry, topic + "-value", v.file, v.id, notes));
        Optional<RegistryPayloads.Encoder> keys = Optional.ofNullable(key)
                .map(k -> encoder(registry, topic + "-key", k.file, k.id, notes));
        return (line, n) -> new LineParser.Line(
                line.key() == null ? null : keys.map(e -> encode(e, line.key(), "key", n)).orElse(line.key()),
                values.map(e -> encode(e, line.value(), "value", n)).orElse(line.value()));
    }

    private RegistryPayloads.Encoder encoder(RegistryPayloads registry, String subject, Path file, Integer id,
                                             Consumer<String> notes) {
        RegistryPayloads.Encoder encoder = file != null ? registry.register(subject, file, type) : registry.byId(id);
        notes.accept((file != null ? "Registered " + file + " under " + subject + ": schema id "
                : "Using schema id ") + encoder.id());
        return encoder;
    }

    private static byte[] encode(RegistryPayloads.Encoder encoder, byte[] text, String what, long lineNumber) {
        try {
            return encoder.encode(new String(text, StandardCharsets.UTF_8));
        } catch (CliException e) {
            throw new CliException("line " + lineNumber + ": the " + what + " is " + e.getMessage(), e);
        }
    }
}
