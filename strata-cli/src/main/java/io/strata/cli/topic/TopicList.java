package io.strata.cli.topic;

import io.strata.cli.client.AdminCommand;
import io.strata.cli.client.Await;
import io.strata.cli.output.Output;
import io.strata.cli.output.OutputOption;
import io.strata.cli.output.Table;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code strata topic list}: the topics with their partition counts. JSON schema:
 * {@code {"topics":[{"name","id","internal","partitions","replicationFactor"}]}}, sorted by name.
 */
@Command(name = "list", mixinStandardHelpOptions = true, description = "List topics.")
public final class TopicList extends AdminCommand {

    @Mixin
    OutputOption output;

    @Option(names = "--internal", description = "Include internal topics such as __consumer_offsets.")
    boolean internal;

    @Override
    protected int run(Admin admin) {
        List<String> names = new ArrayList<>(Await.get(admin.listTopics(new ListTopicsOptions().listInternal(internal))
                .names()));
        Map<String, TopicDescription> descriptions = new TreeMap<>(
                names.isEmpty() ? Map.of() : Await.get(admin.describeTopics(names).allTopicNames()));
        Output out = Output.of(spec, output.format());
        if (out.isJson()) {
            List<Object> topics = new ArrayList<>();
            descriptions.values().forEach(d -> {
                Map<String, Object> t = new LinkedHashMap<>();
                t.put("name", d.name());
                t.put("id", d.topicId().toString());
                t.put("internal", d.isInternal());
                t.put("partitions", d.partitions().size());
                t.put("replicationFactor", TopicViews.replicationFactor(d));
                topics.add(t);
            });
            out.json(Map.of("topics", topics));
        } else {
            Table table = Table.of("TOPIC", "PARTITIONS", "REPLICATION-FACTOR");
            descriptions.values().forEach(d ->
                    table.row(d.name(), d.partitions().size(), TopicViews.replicationFactor(d)));
            out.table(table);
        }
        return 0;
    }
}
