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
import org.apache.kafka.common.TopicPartitionInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code strata topic list}: the topics with their partition counts. JSON schema:
 * {@code {"topics":[{"name","id","internal","partitions","replicationFactor"}]}}, sorted by name.
 *
 * <p>With {@code --under-replicated} (partitions with fewer in-sync replicas than replicas, offline ones included)
 * or {@code --unavailable} (partitions without a leader), the partitions that need attention instead, as Kafka's
 * {@code kafka-topics --describe --under-replicated-partitions}: {@code {"partitions":[{"topic","partition",
 * "leader","replicas","isr","status"}]}}.
 */
@Command(name = "list", mixinStandardHelpOptions = true,
        description = "List topics, or the partitions that need attention.")
public final class TopicList extends AdminCommand {

    @Mixin
    OutputOption output;

    @Option(names = "--internal", description = "Include internal topics such as __consumer_offsets.")
    boolean internal;

    @Option(names = "--under-replicated",
            description = "List the partitions whose ISR is smaller than their replica set (offline ones too).")
    boolean underReplicated;

    @Option(names = "--unavailable", description = "List the partitions that have no leader.")
    boolean unavailable;

    @Override
    protected int run(Admin admin) {
        boolean attention = underReplicated || unavailable;
        List<String> names = new ArrayList<>(Await.get(admin.listTopics(
                new ListTopicsOptions().listInternal(internal || attention)).names()));
        Map<String, TopicDescription> descriptions = new TreeMap<>(
                names.isEmpty() ? Map.of() : Await.get(admin.describeTopics(names).allTopicNames()));
        Output out = Output.of(spec, output.format());
        if (attention) {
            listPartitions(out, descriptions);
            return 0;
        }
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

    private void listPartitions(Output out, Map<String, TopicDescription> descriptions) {
        List<Map.Entry<String, TopicPartitionInfo>> selected = new ArrayList<>();
        for (TopicDescription d : descriptions.values()) {
            for (TopicPartitionInfo p : TopicViews.sortedPartitions(d)) {
                String status = TopicViews.status(p);
                if ((underReplicated && !status.equals("ok")) || (unavailable && status.equals("offline"))) {
                    selected.add(Map.entry(d.name(), p));
                }
            }
        }
        if (out.isJson()) {
            out.json(Map.of("partitions", selected.stream().map(e -> {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("topic", e.getKey());
                row.putAll(TopicViews.partitionJson(e.getValue()));
                return row;
            }).toList()));
            return;
        }
        Table table = Table.of("TOPIC", "PARTITION", "LEADER", "REPLICAS", "ISR", "STATUS");
        for (Map.Entry<String, TopicPartitionInfo> e : selected) {
            TopicPartitionInfo p = e.getValue();
            Integer leader = TopicViews.leader(p);
            table.row(e.getKey(), p.partition(), leader == null ? "none" : leader,
                    TopicViews.idList(p.replicas()), TopicViews.idList(p.isr()), TopicViews.status(p));
        }
        out.table(table);
    }
}
