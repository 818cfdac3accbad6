package io.strata.cli.schema;

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
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code strata schema register SUBJECT --file FILE}: registers a schema under a subject (a new version if it is new
 * to the subject and compatible with its level; the existing one otherwise). JSON schema:
 * {@code {"subject","id","version"}}.
 */
@Command(name = "register", mixinStandardHelpOptions = true,
        description = "Register a schema under a subject; refused when incompatible with the subject's level.")
public final class SchemaRegister implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "SUBJECT", description = "The subject, e.g. orders-value.")
    String subject;

    @Mixin
    SchemaInput schema;

    @Mixin
    RegistryOptions registry;

    @Mixin
    OutputOption output;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        RegistryClient client = registry.client();
        Map<String, Object> body = schema.body(spec);
        String path = "/subjects/" + RegistryClient.segment(subject);
        int id = client.post(path + "/versions", body).get("id").asInt();
        JsonNode version = client.post(path, body);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("subject", subject);
        result.put("id", id);
        result.put("version", version.get("version").asInt());
        Output out = Output.of(spec, output.format());
        if (out.isJson()) {
            out.json(result);
        } else {
            out.table(Table.of("SUBJECT", "VERSION", "ID").row(subject, result.get("version"), id));
        }
        return 0;
    }
}
