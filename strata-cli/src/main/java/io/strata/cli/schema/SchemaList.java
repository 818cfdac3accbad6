package io.strata.cli.schema;

import com.fasterxml.jackson.databind.JsonNode;
import io.strata.cli.output.Output;
import io.strata.cli.output.OutputOption;
import io.strata.cli.output.Table;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code strata schema list}: the subjects with their versions and latest schema. JSON schema:
 * {@code {"subjects":[{"subject","versions":[..],"latestVersion","id","schemaType"}]}}, sorted by subject.
 */
@Command(name = "list", mixinStandardHelpOptions = true, description = "List subjects and their latest schemas.")
public final class SchemaList implements Callable<Integer> {

    @Option(names = "--prefix", paramLabel = "PREFIX", defaultValue = "",
            description = "Only subjects whose name starts with PREFIX.")
    String prefix;

    @Option(names = "--deleted", description = "Include soft-deleted subjects and versions.")
    boolean deleted;

    @Mixin
    RegistryOptions registry;

    @Mixin
    OutputOption output;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        RegistryClient client = registry.client();
        String flag = deleted ? "deleted=true" : "deleted=false";
        List<Map<String, Object>> subjects = new ArrayList<>();
        for (JsonNode name : client.get("/subjects?" + flag + "&subjectPrefix=" + RegistryClient.segment(prefix))) {
            String subject = name.asText();
            String path = "/subjects/" + RegistryClient.segment(subject) + "/versions";
            List<Integer> versions = new ArrayList<>();
            client.get(path + "?" + flag).forEach(v -> versions.add(v.asInt()));
            JsonNode latest = client.get(path + "/" + versions.getLast() + "?deleted=true");
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("subject", subject);
            s.put("versions", versions);
            s.put("latestVersion", versions.getLast());
            s.put("id", latest.get("id").asInt());
            s.put("schemaType", latest.path("schemaType").asText("AVRO"));
            subjects.add(s);
        }
        Output out = Output.of(spec, output.format());
        if (out.isJson()) {
            out.json(Map.of("subjects", subjects));
        } else {
            Table table = Table.of("SUBJECT", "VERSIONS", "LATEST", "ID", "TYPE");
            subjects.forEach(s -> table.row(s.get("subject"), ((List<?>) s.get("versions")).size(),
                    s.get("latestVersion"), s.get("id"), s.get("schemaType")));
            out.table(table);
        }
        return 0;
    }
}
