package io.strata.cli.group;

import io.strata.cli.client.AdminCommand;
import io.strata.cli.client.Await;
import io.strata.cli.client.CliException;
import io.strata.cli.consume.TimeSpec;
import io.strata.cli.output.Output;
import io.strata.cli.output.OutputOption;
import io.strata.cli.output.Table;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/**
 * {@code strata group reset-offsets GROUP (--topic T[:P,...]... | --all-topics) STRATEGY [--execute]}: moves the
 * group's committed offsets. Without {@code --execute} it is a dry run (Kafka's default too): the plan is printed
 * and nothing changes. Like Kafka it refuses, dry run or not, while the group has members: a running consumer
 * would overwrite the new offsets with its own commits. JSON schema: {@code {"group","executed","partitions":[
 * {"topic","partition","currentOffset","newOffset"}]}}; currentOffset is null without a committed offset.
 */
@Command(name = "reset-offsets", mixinStandardHelpOptions = true,
        description = {"Move a group's committed offsets (the group must have no active members).",
            "Dry run unless --execute: the plan is printed either way."})
public final class GroupResetOffsets extends AdminCommand {

    @Mixin
    OutputOption output;

    @Parameters(paramLabel = "GROUP", description = "The group whose offsets to reset.")
    String group;

    @Option(names = "--topic", paramLabel = "TOPIC[:P,...]",
            description = "A topic, or some of its partitions (orders:0,2); repeatable.")
    List<String> topics = new ArrayList<>();

    @Option(names = "--all-topics", description = "Every partition the group has a committed offset for.")
    boolean allTopics;

    @Option(names = "--to-earliest", description = "The earliest offset still in the log.")
    boolean toEarliest;

    @Option(names = "--to-latest", description = "The log end offset (skip everything there is now).")
    boolean toLatest;

    @Option(names = "--to-datetime", paramLabel = "TIME", converter = TimeSpec.class,
            description = "The first record at or after TIME: ISO-8601 (2024-05-01T12:00:00Z), a date, epoch ms, "
                    + "or a time ago (-1h).")
    Instant toDatetime;

    @Option(names = "--to-offset", paramLabel = "N", description = "Offset N (kept within earliest..latest).")
    Long toOffset;

    @Option(names = "--shift-by", paramLabel = "N",
            description = "N records forward, or back if negative, from the committed offset (kept within "
                    + "earliest..latest).")
    Long shiftBy;

    @Option(names = "--dry-run", description = "Only print the plan (the default).")
    boolean dryRun;

    @Option(names = "--execute", description = "Commit the new offsets.")
    boolean execute;

    private final List<TopicSelection> selections = new ArrayList<>();

    /** One line of the plan. */
    record Move(TopicPartition partition, Optional<Long> current, long target) {
    }

    @Override
    protected void validate() {
        if (topics.isEmpty() == !allTopics) {
            throw usage("exactly one of --topic or --all-topics is required");
        }
        int strategies = (toEarliest ? 1 : 0) + (toLatest ? 1 : 0) + (toDatetime != null ? 1 : 0)
                + (toOffset != null ? 1 : 0) + (shiftBy != null ? 1 : 0);
        if (strategies != 1) {
            throw usage("exactly one of --to-earliest, --to-latest, --to-datetime, --to-offset or --shift-by is "
                    + "required");
        }
        if (dryRun && execute) {
            throw usage("--dry-run and --execute cannot be combined");
        }
        for (String t : topics) {
            try {
                selections.add(TopicSelection.parse(t));
            } catch (IllegalArgumentException e) {
                throw usage(e.getMessage());
            }
        }
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }

    private ResetStrategy strategy() {
        if (toEarliest) {
            return new ResetStrategy.ToEarliest();
        } else if (toLatest) {
            return new ResetStrategy.ToLatest();
        } else if (toDatetime != null) {
            return new ResetStrategy.ToDatetime(toDatetime);
        } else if (toOffset != null) {
            return new ResetStrategy.ToOffset(toOffset);
        }
        return new ResetStrategy.ShiftBy(shiftBy);
    }

    @Override
    protected int run(Admin admin) {
        Optional<ConsumerGroupDescription> description = Groups.describe(admin, group);
        description.filter(d -> !d.members().isEmpty() || d.groupState() != GroupState.EMPTY).ifPresent(d -> {
            throw new CliException("cannot reset the offsets of group '" + group + "' while it is active (state "
                    + d.groupState() + ", " + d.members().size() + " members): stop its consumers first");
        });
        Map<TopicPartition, Long> committed = Groups.committed(admin, group);
        List<TopicPartition> partitions = allTopics ? sorted(committed.keySet()) : selected(admin);
        List<Move> plan = plan(admin, strategy(), partitions, committed);
        if (execute && !plan.isEmpty()) {
            Map<TopicPartition, OffsetAndMetadata> offsets = new LinkedHashMap<>();
            plan.forEach(m -> offsets.put(m.partition(), new OffsetAndMetadata(m.target())));
            Await.get(admin.alterConsumerGroupOffsets(group, offsets).all());
        }
        print(Output.of(spec, output.format()), plan);
        return 0;
    }

    private List<Move> plan(Admin admin, ResetStrategy strategy, List<TopicPartition> partitions,
                            Map<TopicPartition, Long> committed) {
        Map<TopicPartition, Long> earliest = Groups.offsets(admin, partitions, OffsetSpec.earliest());
        Map<TopicPartition, Long> latest = Groups.offsets(admin, partitions, OffsetSpec.latest());
        Map<TopicPartition, Long> atTime = strategy.lookupTime()
                .map(t -> Groups.offsets(admin, partitions, OffsetSpec.forTimestamp(t.toEpochMilli())))
                .orElse(Map.of());
        List<Move> plan = new ArrayList<>();
        for (TopicPartition tp : partitions) {
            Optional<Long> current = Optional.ofNullable(committed.get(tp));
            long target = strategy.target(new ResetStrategy.PartitionOffsets(tp, earliest.get(tp), latest.get(tp),
                    current, Optional.ofNullable(atTime.get(tp))));
            plan.add(new Move(tp, current, target));
        }
        return plan;
    }

    /** The partitions named by {@code --topic}, checked against the topics' metadata. */
    private List<TopicPartition> selected(Admin admin) {
        List<String> names = selections.stream().map(TopicSelection::topic).distinct().toList();
        var futures = admin.describeTopics(names).topicNameValues();
        Map<String, TopicDescription> descriptions = new HashMap<>();
        for (String name : names) {
            try {
                descriptions.put(name, Await.get(futures.get(name)));
            } catch (UnknownTopicOrPartitionException e) {
                throw new CliException("topic '" + name + "' does not exist");
            }
        }
        TreeSet<TopicPartition> result = new TreeSet<>(ORDER);
        for (TopicSelection s : selections) {
            List<Integer> existing = descriptions.get(s.topic()).partitions().stream()
                    .map(TopicPartitionInfo::partition).toList();
            for (int p : s.partitions().orElse(existing)) {
                if (!existing.contains(p)) {
                    throw new CliException("topic '" + s.topic() + "' has no partition " + p);
                }
                result.add(new TopicPartition(s.topic(), p));
            }
        }
        return new ArrayList<>(result);
    }

    private static final Comparator<TopicPartition> ORDER = Comparator.comparing(TopicPartition::topic)
            .thenComparingInt(TopicPartition::partition);

    private static List<TopicPartition> sorted(java.util.Collection<TopicPartition> partitions) {
        return partitions.stream().sorted(ORDER).toList();
    }

    private void print(Output out, List<Move> plan) {
        if (out.isJson()) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("group", group);
            doc.put("executed", execute);
            doc.put("partitions", plan.stream().map(m -> {
                Map<String, Object> p = new LinkedHashMap<>();
                p.put("topic", m.partition().topic());
                p.put("partition", m.partition().partition());
                p.put("currentOffset", m.current().orElse(null));
                p.put("newOffset", m.target());
                return p;
            }).toList());
            out.json(doc);
        } else {
            Table table = Table.of("TOPIC", "PARTITION", "CURRENT-OFFSET", "NEW-OFFSET");
            plan.forEach(m -> table.row(m.partition().topic(), m.partition().partition(), m.current().orElse(null),
                    m.target()));
            out.table(table);
        }
        if (plan.isEmpty()) {
            out.note("Group '" + group + "' has no committed offsets: nothing to reset.");
        } else if (execute) {
            out.note("Reset the offsets of group '" + group + "' in " + plan.size() + " partitions.");
        } else {
            out.note("Dry run: the offsets of group '" + group + "' are unchanged; add --execute to apply this plan.");
        }
    }
}
