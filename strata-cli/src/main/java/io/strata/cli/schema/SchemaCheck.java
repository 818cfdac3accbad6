package io.strata.cli.schema;

import com.fasterxml.jackson.databind.JsonNode;
import io.strata.cli.client.ErrorHandlers;
import io.strata.cli.output.Output;
import io.strata.cli.output.OutputOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code strata schema check SUBJECT --file FILE}: whether a schema could be registered under a subject (at the
 * subject's compatibility level, against the version given or, by default, the versions the level checks). Exit
 * code 0 when compatible, 1 when not, so that a build can run it. JSON schema:
 * {@code {"subject","version","compatible","messages":[..]}}.
 */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = "Check a schema's compatibility with a subject (exit code 1 when incompatible).")
public final class SchemaCheck implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "SUBJECT", description = "The subject.")
    String subject;

    @Option(names = {"-v", "--version"}, paramLabel = "VERSION",
            description = "Check against this version only (a number or latest); by default against the versions "
                    + "the subject's level checks (the latest, or all for a _TRANSITIVE level).")
    String version;

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
        String path = "/compatibility/subjects/" + RegistryClient.segment(subject) + "/versions"
                + (version == null ? "" : "/" + RegistryClient.segment(version)) + "?verbose=true";
        JsonNode answer = registry.client().post(path, schema.body(spec));
        boolean compatible = answer.get("is_compatible").asBoolean();
        List<String> messages = new ArrayList<>();
        answer.path("messages").forEach(m -> messages.add(m.asText()));
        Output out = Output.of(spec, output.format());
        if (out.isJson()) {
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("subject", subject);
            result.put("version", version);
            result.put("compatible", compatible);
            result.put("messages", messages);
            out.json(result);
        } else {
            out.line(compatible ? "compatible with " + subject : "incompatible with " + subject + ":");
            messages.forEach(m -> out.line("  " + m));
        }
        return compatible ? 0 : ErrorHandlers.FAILED;
    }
}
