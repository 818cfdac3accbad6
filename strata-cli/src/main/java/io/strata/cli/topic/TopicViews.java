package io.strata.cli.topic;

import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;

/** Shared views of topic descriptions for tables and JSON. Stateless and thread-safe. */
final class TopicViews {

    private TopicViews() {
    }

    static int replicationFactor(TopicDescription d) {
        return d.partitions().isEmpty() ? 0 : d.partitions().get(0).replicas().size();
    }

    static List<TopicPartitionInfo> sortedPartitions(TopicDescription d) {
        return d.partitions().stream().sorted(Comparator.comparingInt(TopicPartitionInfo::partition)).toList();
    }

    /** The leader's id, or null when the partition has none (offline). */
    static Integer leader(TopicPartitionInfo p) {
        Node leader = p.leader();
        return leader == null || leader.isEmpty() ? null : leader.id();
    }

    static List<Integer> ids(List<Node> nodes) {
        return nodes.stream().map(Node::id).toList();
    }

    static String idList(List<Node> nodes) {
        return String.join(",", nodes.stream().map(n -> Integer.toString(n.id())).toList());
    }

    /**
     * The partition's health as Kafka's tools see it: {@code offline} without a leader ({@code
     * --unavailable-partitions}), {@code under-replicated} with fewer in-sync replicas than replicas ({@code
     * --under-replicated-partitions}), else {@code ok}.
     */
    static String status(TopicPartitionInfo p) {
        if (leader(p) == null) {
            return "offline";
        }
        return p.isr().size() < p.replicas().size() ? "under-replicated" : "ok";
    }

    static Map<String, Object> partitionJson(TopicPartitionInfo p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("partition", p.partition());
        m.put("leader", leader(p));
        m.put("replicas", ids(p.replicas()));
        m.put("isr", ids(p.isr()));
        m.put("status", status(p));
        return m;
    }
}
