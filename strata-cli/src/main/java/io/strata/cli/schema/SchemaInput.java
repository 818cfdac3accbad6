package io.strata.cli.schema;

import io.strata.cli.client.CliException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * A schema given on the command line (a picocli mixin): its text from {@code --file} or {@code --schema}, its
 * {@code --type} and {@code --reference}s, turned into the body of a registration or compatibility check.
 */
public final class SchemaInput {

    /** Exactly one source of the schema's text. */
    static final class Source {
        @Option(names = {"-f", "--file"}, paramLabel = "FILE", required = true,
                description = "File holding the schema (.avsc, .json, .proto).")
        Path file;

        @Option(names = {"-s", "--schema"}, paramLabel = "TEXT", required = true, description = "The schema text.")
        String text;
    }

    /** Confluent's schema types. */
    public enum Type { AVRO, JSON, PROTOBUF }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    @Option(names = {"-t", "--type"}, paramLabel = "AVRO|JSON|PROTOBUF", defaultValue = "AVRO",
            description = "The schema's type (default: AVRO).")
    Type type = Type.AVRO;

    @Option(names = "--reference", paramLabel = "NAME=SUBJECT:VERSION",
            description = "A schema this one references (an Avro full name, a JSON Schema $ref, a Protobuf import), "
                    + "registered as SUBJECT version VERSION; repeatable.")
    List<String> references = new ArrayList<>();

    /** The request body: {@code schema}, {@code schemaType} and {@code references}. */
    Map<String, Object> body(picocli.CommandLine.Model.CommandSpec spec) {
        String text;
        if (source.file != null) {
            try {
                text = Files.readString(source.file);
            } catch (IOException e) {
                throw new CliException("cannot read " + source.file + ": " + e.getMessage());
            }
        } else {
            text = source.text;
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("schema", text);
        body.put("schemaType", type.name());
        List<Map<String, Object>> refs = new ArrayList<>();
        for (String r : references) {
            int eq = r.indexOf('=');
            int colon = r.lastIndexOf(':');
            if (eq <= 0 || colon < eq + 2 || colon == r.length() - 1) {
                throw new ParameterException(spec.commandLine(), "--reference takes NAME=SUBJECT:VERSION, not " + r);
            }
            Map<String, Object> ref = new LinkedHashMap<>();
            ref.put("name", r.substring(0, eq));
            ref.put("subject", r.substring(eq + 1, colon));
            try {
                ref.put("version", Integer.parseInt(r.substring(colon + 1)));
            } catch (NumberFormatException e) {
                throw new ParameterException(spec.commandLine(), "--reference version is a number: " + r);
            }
            refs.add(ref);
        }
        if (!refs.isEmpty()) {
            body.put("references", refs);
        }
        return body;
    }
}
