package io.strata.cli.config;

import io.strata.cli.client.AdminCommand;
import io.strata.cli.client.Await;
import io.strata.cli.client.CliException;
import io.strata.cli.output.Output;
import io.strata.cli.output.OutputOption;
import io.strata.cli.output.Table;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code strata config describe --topic T | --broker ID | --broker-defaults}: the configs that are not at their
 * defaults (all with {@code --all}), with their source. JSON schema: {@code {"resource":{"type","name"},
 * "configs":[{"name","value","source","readOnly","sensitive"}]}}, sorted by name; a sensitive value is null.
 */
@Command(name = "describe", mixinStandardHelpOptions = true,
        description = "Show configs and where their values come from.")
public final class ConfigDescribe extends AdminCommand {

    @ArgGroup(exclusive = true, multiplicity = "1")
    ConfigTarget target;

    @Mixin
    OutputOption output;

    @Option(names = "--all", description = "Include configs at their default values.")
    boolean all;

    @Override
    protected int run(Admin admin) {
        ConfigResource resource = target.resource();
        Config config;
        try {
            config = Await.get(admin.describeConfigs(List.of(resource)).values().get(resource));
        } catch (UnknownTopicOrPartitionException e) {
            throw new CliException("topic '" + target.name() + "' does not exist");
        }
        List<ConfigEntry> entries = config.entries().stream()
                .filter(e -> all || e.source() != ConfigEntry.ConfigSource.DEFAULT_CONFIG)
                .sorted(Comparator.comparing(ConfigEntry::name))
                .toList();
        Output out = Output.of(spec, output.format());
        if (out.isJson()) {
            Map<String, Object> res = new LinkedHashMap<>();
            res.put("type", target.type());
            res.put("name", target.name());
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("resource", res);
            doc.put("configs", entries.stream().map(e -> {
                Map<String, Object> c = new LinkedHashMap<>();
                c.put("name", e.name());
                c.put("value", e.isSensitive() ? null : e.value());
                c.put("source", e.source().name());
                c.put("readOnly", e.isReadOnly());
                c.put("sensitive", e.isSensitive());
                return c;
            }).toList());
            out.json(doc);
            return 0;
        }
        Table table = Table.of("NAME", "VALUE", "SOURCE");
        entries.forEach(e -> table.row(e.name(), e.isSensitive() ? "(sensitive)" : e.value(), e.source()));
        if (table.isEmpty()) {
            out.line("All configs of " + target.describe() + " are at their defaults (--all lists them).");
        } else {
            out.table(table);
        }
        return 0;
    }
}
