package io.strata.cli.schema;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.strata.cli.output.Output;
import io.strata.cli.output.OutputOption;
import io.strata.cli.output.Table;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code strata schema get SUBJECT [--version V]} or {@code strata schema get --id ID}: a schema with its subject,
 * version, id and type. JSON schema: {@code {"subject","version","id","schemaType","schema","references"}}
 * ({@code subject} and {@code version} null when read by id).
 */
@Command(name = "get", mixinStandardHelpOptions = true,
        description = "Show a subject's schema (latest version unless --version), or a schema by --id.")
public final class SchemaGet implements Callable<Integer> {

    @Parameters(index = "0", arity = "0..1", paramLabel = "SUBJECT", description = "The subject.")
    String subject;

    @Option(names = {"-v", "--version"}, paramLabel = "VERSION", defaultValue = "latest",
            description = "The version (default: latest).")
    String version;

    @Option(names = "--id", paramLabel = "ID", description = "A schema by its global id instead of a subject.")
    Integer id;

    @Mixin
    RegistryOptions registry;

    @Mixin
    OutputOption output;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws JsonProcessingException {
        if ((subject == null) == (id == null)) {
            throw new ParameterException(spec.commandLine(), "give either SUBJECT or --id");
        }
        RegistryClient client = registry.client();
        JsonNode found = id != null ? client.get("/schemas/ids/" + id)
                : client.get("/subjects/" + RegistryClient.segment(subject) + "/versions/"
                        + RegistryClient.segment(version));
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("subject", found.has("subject") ? found.get("subject").asText() : null);
        result.put("version", found.has("version") ? found.get("version").asInt() : null);
        result.put("id", id != null ? id : found.get("id").asInt());
        result.put("schemaType", found.path("schemaType").asText("AVRO"));
        result.put("schema", found.get("schema").asText());
        result.put("references", RegistryClient.JSON.convertValue(found.path("references"), Object.class));
        Output out = Output.of(spec, output.format());
        if (out.isJson()) {
            out.json(result);
            return 0;
        }
        Table table = Table.of("SUBJECT", "VERSION", "ID", "TYPE");
        table.row(result.get("subject") == null ? "-" : result.get("subject"),
                result.get("version") == null ? "-" : result.get("version"), result.get("id"),
                result.get("schemaType"));
        out.table(table);
        out.line(pretty(found.get("schema").asText()));
        return 0;
    }

    /** JSON schemas (Avro, JSON Schema) indented for reading; Protobuf as it is. */
    private static String pretty(String schema) {
        try {
            return RegistryClient.JSON.writerWithDefaultPrettyPrinter()
                    .writeValueAsString(RegistryClient.JSON.readTree(schema));
        } catch (JsonProcessingException e) {
            return schema;
        }
    }
}
