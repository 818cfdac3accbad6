package io.strata.cli.group;

import io.strata.cli.client.AdminCommand;
import io.strata.cli.output.Output;
import io.strata.cli.output.OutputOption;
import io.strata.cli.output.Table;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code strata group describe GROUP...}: state, protocol, coordinator, members with their assignments, and per
 * partition the committed offset, the log end offset, the lag and the member that owns it. The partitions shown
 * are those with a committed offset and those assigned to a member. JSON schema:
 * {@code {"groups":[{"group","type","state","assignor","coordinator":{"id","host","port"},"members":[{"memberId",
 * "instanceId","clientId","host","assignment":[{"topic","partition"}]}],"partitions":[{"topic","partition",
 * "committedOffset","logEndOffset","lag","memberId"}]}]}}; committedOffset and lag are null without a committed
 * offset, memberId is null for an unassigned partition.
 */
@Command(name = "describe", mixinStandardHelpOptions = true,
        description = "Show a group's members, assignments, committed offsets and lag.")
public final class GroupDescribe extends AdminCommand {

    @Mixin
    OutputOption output;

    @Parameters(paramLabel = "GROUP", arity = "1..*", description = "Groups to describe.")
    List<String> groups;

    /** One partition's line: what the group committed, where the log ends, and who reads it. */
    record PartitionLag(TopicPartition partition, Optional<Long> committed, long logEnd,
                        Optional<MemberDescription> owner) {

        Optional<Long> lag() {
            return committed.map(c -> Math.max(0, logEnd - c));
        }
    }

    @Override
    protected int run(Admin admin) {
        Output out = Output.of(spec, output.format());
        List<Object> json = new ArrayList<>();
        boolean first = true;
        for (String group : groups) {
            ConsumerGroupDescription d = Groups.describeExisting(admin, group);
            List<PartitionLag> partitions = partitions(admin, d);
            if (out.isJson()) {
                json.add(json(d, partitions));
                continue;
            }
            if (!first) {
                out.line("");
            }
            first = false;
            print(out, d, partitions);
        }
        if (out.isJson()) {
            out.json(Map.of("groups", json));
        }
        return 0;
    }

    private static List<PartitionLag> partitions(Admin admin, ConsumerGroupDescription d) {
        Map<TopicPartition, Long> committed = Groups.committed(admin, d.groupId());
        Map<TopicPartition, MemberDescription> owners = new HashMap<>();
        d.members().forEach(m -> m.assignment().topicPartitions().forEach(tp -> owners.put(tp, m)));
        TreeSet<TopicPartition> all = new TreeSet<>(Comparator.comparing(TopicPartition::topic)
                .thenComparingInt(TopicPartition::partition));
        all.addAll(committed.keySet());
        all.addAll(owners.keySet());
        Map<TopicPartition, Long> logEnd = Groups.offsets(admin, all, OffsetSpec.latest());
        return all.stream().map(tp -> new PartitionLag(tp, Optional.ofNullable(committed.get(tp)),
                logEnd.get(tp), Optional.ofNullable(owners.get(tp)))).toList();
    }

    private static List<MemberDescription> sortedMembers(ConsumerGroupDescription d) {
        return d.members().stream().sorted(Comparator.comparing(MemberDescription::clientId)
                .thenComparing(MemberDescription::consumerId)).toList();
    }

    private static String coordinator(Node node) {
        return node == null || node.isEmpty() ? "none" : node.id() + " (" + node.host() + ":" + node.port() + ")";
    }

    /** {@code orders:0,1 events:2}: partitions grouped by topic, both sorted. */
    static String assignment(MemberDescription m) {
        Map<String, TreeSet<Integer>> byTopic = new TreeMap<>();
        m.assignment().topicPartitions().forEach(tp ->
                byTopic.computeIfAbsent(tp.topic(), t -> new TreeSet<>()).add(tp.partition()));
        return byTopic.entrySet().stream().map(e -> e.getKey() + ":" + e.getValue().stream().map(String::valueOf)
                .collect(Collectors.joining(","))).collect(Collectors.joining(" "));
    }

    private static void print(Output out, ConsumerGroupDescription d, List<PartitionLag> partitions) {
        out.line("Group: " + d.groupId() + "  Type: " + GroupNames.type(d.type()) + "  State: " + d.groupState()
                + "  Assignor: " + (d.partitionAssignor().isEmpty() ? "-" : d.partitionAssignor())
                + "  Coordinator: " + coordinator(d.coordinator()));
        if (d.members().isEmpty()) {
            out.line("Members: none");
        } else {
            out.line("Members:");
            Table members = Table.of("MEMBER-ID", "INSTANCE-ID", "CLIENT-ID", "HOST", "ASSIGNMENT");
            sortedMembers(d).forEach(m -> members.row(m.consumerId(), m.groupInstanceId().orElse(null),
                    m.clientId(), m.host(), assignment(m)));
            out.table(members);
        }
        if (partitions.isEmpty()) {
            out.line("Offsets: none committed");
            return;
        }
        out.line("Offsets:");
        Table offsets = Table.of("TOPIC", "PARTITION", "COMMITTED-OFFSET", "LOG-END-OFFSET", "LAG", "MEMBER-ID");
        partitions.forEach(p -> offsets.row(p.partition().topic(), p.partition().partition(),
                p.committed().orElse(null), p.logEnd(), p.lag().orElse(null),
                p.owner().map(MemberDescription::consumerId).orElse(null)));
        out.table(offsets);
    }

    private static Map<String, Object> json(ConsumerGroupDescription d, List<PartitionLag> partitions) {
        Map<String, Object> g = new LinkedHashMap<>();
        g.put("group", d.groupId());
        g.put("type", GroupNames.type(d.type()));
        g.put("state", d.groupState().toString());
        g.put("assignor", d.partitionAssignor().isEmpty() ? null : d.partitionAssignor());
        Node c = d.coordinator();
        if (c == null || c.isEmpty()) {
            g.put("coordinator", null);
        } else {
            Map<String, Object> node = new LinkedHashMap<>();
            node.put("id", c.id());
            node.put("host", c.host());
            node.put("port", c.port());
            g.put("coordinator", node);
        }
        g.put("members", sortedMembers(d).stream().map(m -> {
            Map<String, Object> member = new LinkedHashMap<>();
            member.put("memberId", m.consumerId());
            member.put("instanceId", m.groupInstanceId().orElse(null));
            member.put("clientId", m.clientId());
            member.put("host", m.host());
            member.put("assignment", m.assignment().topicPartitions().stream()
                    .sorted(Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition))
                    .map(tp -> {
                        Map<String, Object> p = new LinkedHashMap<>();
                        p.put("topic", tp.topic());
                        p.put("partition", tp.partition());
                        return p;
                    }).toList());
            return member;
        }).toList());
        g.put("partitions", partitions.stream().map(p -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("topic", p.partition().topic());
            m.put("partition", p.partition().partition());
            m.put("committedOffset", p.committed().orElse(null));
            m.put("logEndOffset", p.logEnd());
            m.put("lag", p.lag().orElse(null));
            m.put("memberId", p.owner().map(MemberDescription::consumerId).orElse(null));
            return m;
        }).toList());
        return g;
    }
}
