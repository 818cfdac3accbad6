package io.strata.cli.schema;

import com.fasterxml.jackson.databind.JsonNode;
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
 * {@code strata schema delete SUBJECT [--version V] [--permanent]}: soft-deletes a subject or one version;
 * {@code --permanent} then removes it for good (the registry's ids are never reused). JSON schema:
 * {@code {"subject","versions":[..],"permanent"}}.
 */
@Command(name = "delete", mixinStandardHelpOptions = true,
        description = "Delete a subject or one version: soft first, then --permanent removes it for good.")
public final class SchemaDelete implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "SUBJECT", description = "The subject.")
    String subject;

    @Option(names = {"-v", "--version"}, paramLabel = "VERSION", description = "Only this version.")
    String version;

    @Option(names = "--permanent",
            description = "Hard delete (the subject or version must be soft-deleted first; with --soft-first both).")
    boolean permanent;

    @Option(names = "--soft-first", description = "With --permanent: soft-delete first, then hard-delete.")
    boolean softFirst;

    @Mixin
    RegistryOptions registry;

    @Mixin
    OutputOption output;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        RegistryClient client = registry.client();
        String path = "/subjects/" + RegistryClient.segment(subject)
                + (version == null ? "" : "/versions/" + RegistryClient.segment(version));
        if (permanent && softFirst) {
            client.delete(path);
        }
        JsonNode answer = client.delete(path + (permanent ? "?permanent=true" : ""));
        List<Integer> versions = new ArrayList<>();
        if (answer.isArray()) {
            answer.forEach(v -> versions.add(v.asInt()));
        } else {
            versions.add(answer.asInt());
        }
        Output out = Output.of(spec, output.format());
        if (out.isJson()) {
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("subject", subject);
            result.put("versions", versions);
            result.put("permanent", permanent);
            out.json(result);
        } else {
            out.line((permanent ? "Permanently deleted" : "Deleted") + " version" + (versions.size() == 1 ? " " : "s ")
                    + versions.stream().map(String::valueOf).reduce((a, b) -> a + ", " + b).orElse("")
                    + " of subject " + subject);
        }
        return 0;
    }
}
