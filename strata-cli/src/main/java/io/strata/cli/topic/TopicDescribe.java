package io.strata.cli.topic;

import io.strata.cli.client.AdminCommand;
import io.strata.cli.client.Await;
import io.strata.cli.client.CliException;
import io.strata.cli.output.Output;
import io.strata.cli.output.OutputOption;
import io.strata.cli.output.Table;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code strata topic describe [TOPIC...]}: partitions with leader, replicas and ISR, and the configs that differ
 * from the defaults (any source but {@code DEFAULT_CONFIG}). Without names, every non-internal topic. JSON schema:
 * {@code {"topics":[{"name","id","internal","replicationFactor","partitions":[{"partition","leader","replicas",
 * "isr","status"}],"configs":[{"name","value","source"}]}]}}; {@code configs} is null when the broker cannot
 * describe them; {@code status} is {@code ok}, {@code under-replicated} or {@code offline}.
 */
@Command(name = "describe", mixinStandardHelpOptions = true,
        description = "Show partitions (leader, replicas, in-sync replicas) and non-default configs of topics.")
public final class TopicDescribe extends AdminCommand {

    @Mixin
    OutputOption output;

    @Parameters(paramLabel = "TOPIC", arity = "0..*", description = "Topics to describe (default: all).")
    List<String> topics = new ArrayList<>();

    @Override
    protected int run(Admin admin) {
        Output out = Output.of(spec, output.format());
        List<String> names = topics.isEmpty()
                ? List.copyOf(new TreeSet<>(Await.get(admin.listTopics().names()))) : topics;
        Map<String, TopicDescription> descriptions = describe(admin, names);
        Optional<Map<String, List<ConfigEntry>>> configs = configs(admin, names, out);
        if (out.isJson()) {
            List<Object> result = new ArrayList<>();
            for (String name : names) {
                result.add(json(descriptions.get(name), configs.map(c -> c.get(name))));
            }
            out.json(Map.of("topics", result));
            return 0;
        }
        boolean first = true;
        for (String name : names) {
            if (!first) {
                out.line("");
            }
            first = false;
            print(out, descriptions.get(name), configs.map(c -> c.get(name)));
        }
        return 0;
    }

    private static Map<String, TopicDescription> describe(Admin admin, List<String> names) {
        Map<String, TopicDescription> result = new LinkedHashMap<>();
        if (names.isEmpty()) {
            return result;
        }
        var futures = admin.describeTopics(names).topicNameValues();
        for (String name : names) {
            try {
                result.put(name, Await.get(futures.get(name)));
            } catch (UnknownTopicOrPartitionException e) {
                throw new CliException("topic '" + name + "' does not exist");
            }
        }
        return result;
    }

    /** Non-default configs per topic, or empty when the broker does not implement DescribeConfigs. */
    private static Optional<Map<String, List<ConfigEntry>>> configs(Admin admin, List<String> names, Output out) {
        if (names.isEmpty()) {
            return Optional.of(Map.of());
        }
        List<ConfigResource> resources = names.stream()
                .map(n -> new ConfigResource(ConfigResource.Type.TOPIC, n)).toList();
        Map<ConfigResource, Config> all;
        try {
            all = Await.get(admin.describeConfigs(resources).all());
        } catch (UnsupportedVersionException e) {
            out.note("note: the broker does not support DescribeConfigs; configs are not shown");
            return Optional.empty();
        }
        Map<String, List<ConfigEntry>> result = new LinkedHashMap<>();
        all.forEach((resource, config) -> result.put(resource.name(), config.entries().stream()
                .filter(e -> e.source() != ConfigEntry.ConfigSource.DEFAULT_CONFIG)
                .sorted(Comparator.comparing(ConfigEntry::name))
                .toList()));
        return Optional.of(result);
    }

    private static Map<String, Object> json(TopicDescription d, Optional<List<ConfigEntry>> configs) {
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("name", d.name());
        t.put("id", d.topicId().toString());
        t.put("internal", d.isInternal());
        t.put("replicationFactor", TopicViews.replicationFactor(d));
        t.put("partitions", TopicViews.sortedPartitions(d).stream().map(TopicViews::partitionJson).toList());
        t.put("configs", configs.map(list -> list.stream().map(e -> {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("name", e.name());
            c.put("value", e.value());
            c.put("source", e.source().name());
            return c;
        }).toList()).orElse(null));
        return t;
    }

    private static void print(Output out, TopicDescription d, Optional<List<ConfigEntry>> configs) {
        out.line("Topic: " + d.name() + "  Id: " + d.topicId() + "  Partitions: " + d.partitions().size()
                + "  Replication factor: " + TopicViews.replicationFactor(d) + (d.isInternal() ? "  (internal)" : ""));
        Table partitions = Table.of("PARTITION", "LEADER", "REPLICAS", "ISR", "STATUS");
        for (TopicPartitionInfo p : TopicViews.sortedPartitions(d)) {
            partitions.row(p.partition(), Optional.ofNullable(TopicViews.leader(p)).map(String::valueOf)
                    .orElse("none"), TopicViews.idList(p.replicas()), TopicViews.idList(p.isr()),
                    TopicViews.status(p));
        }
        out.table(partitions);
        if (configs.isEmpty()) {
            return;
        }
        if (configs.get().isEmpty()) {
            out.line("Configs: all defaults");
            return;
        }
        out.line("Configs:");
        Table table = Table.of("NAME", "VALUE", "SOURCE");
        configs.get().forEach(e -> table.row(e.name(), e.isSensitive() ? "(sensitive)" : e.value(), e.source()));
        out.table(table);
    }
}
