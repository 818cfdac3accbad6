package io.strata.server.console;

import io.strata.metadata.MetadataImage;
import io.strata.metadata.TopicImage;
import io.strata.storage.Log;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * The console's consumer groups, through the Kafka Admin API (so the answer is the cluster's, whichever node
 * coordinates a group): the list (searched and paged), one group's members, assignments, and committed offsets with
 * their lag (end offset minus committed, as {@code kafka-consumer-groups --describe} shows it) for one page of its
 * partitions plus the total, and the reset of its offsets, as a dry run or for real. As Kafka's tool, a reset is
 * refused while the group has members.
 *
 * <p>Thread-safe.
 */
final class GroupsApi {

    /** Where a reset moves a group's offsets, as {@code kafka-consumer-groups --reset-offsets} names them. */
    enum Strategy {
        EARLIEST, LATEST, OFFSET, TIMESTAMP, SHIFT
    }

    private static final Comparator<TopicPartition> BY_PARTITION = Comparator.comparing(TopicPartition::topic)
            .thenComparingInt(TopicPartition::partition);

    private final Supplier<MetadataImage> image;
    private final Function<TopicPartition, Optional<Log>> leaderLog;
    private final ConsoleClients clients;

    /**
     * @param leaderLog a partition's log on this node if this node leads it: its offsets are read there, for free;
     *                  the others' are asked of their leaders
     */
    GroupsApi(Supplier<MetadataImage> image, Function<TopicPartition, Optional<Log>> leaderLog,
              ConsoleClients clients) {
        this.image = image;
        this.leaderLog = leaderLog;
        this.clients = clients;
    }

    Map<String, Object> list(Optional<String> query, Paging paging) {
        String q = query.map(s -> s.toLowerCase(Locale.ROOT)).orElse("");
        List<GroupListing> groups = KafkaCalls.await(clients.admin().listGroups().all()).stream()
                .filter(g -> g.groupId().toLowerCase(Locale.ROOT).contains(q))
                .sorted(Comparator.comparing(GroupListing::groupId)).toList();
        Map<String, Object> out = paging.header(groups.size());
        out.put("groups", paging.slice(groups).stream().map(g -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("groupId", g.groupId());
            m.put("type", g.type().map(t -> t.toString()).orElse(null));
            m.put("protocol", g.protocol());
            m.put("state", g.groupState().map(GroupState::toString).orElse(null));
            return m;
        }).toList());
        return out;
    }

    Map<String, Object> describe(String groupId, Paging paging) {
        KafkaFuture<Map<TopicPartition, OffsetAndMetadata>> offsets = committedFuture(groupId);
        ConsumerGroupDescription d = description(groupId);
        Map<TopicPartition, Long> committed = committed(KafkaCalls.await(offsets));
        Map<TopicPartition, String> owners = new HashMap<>();
        d.members().forEach(m -> m.assignment().topicPartitions().forEach(tp -> owners.put(tp, m.consumerId())));
        TreeMap<TopicPartition, Long> partitions = new TreeMap<>(BY_PARTITION);
        committed.forEach(partitions::put);
        owners.keySet().forEach(tp -> partitions.putIfAbsent(tp, null));
        // End offsets of the committed partitions, for the total lag the chart follows (one ListOffsets per leader).
        Map<TopicPartition, Long> end = offsets(new ArrayList<>(committed.keySet()), OffsetSpec.latest());
        long totalLag = 0;
        for (Map.Entry<TopicPartition, Long> e : committed.entrySet()) {
            Long logEnd = end.get(e.getKey());
            if (logEnd != null) {
                totalLag += Math.max(0, logEnd - e.getValue());
            }
        }
        List<TopicPartition> page = paging.slice(new ArrayList<>(partitions.keySet()));
        List<TopicPartition> uncommitted = page.stream().filter(tp -> !end.containsKey(tp)).toList();
        Map<TopicPartition, Long> pageEnd = new HashMap<>(end);
        pageEnd.putAll(offsets(uncommitted, OffsetSpec.latest()));

        Map<String, Object> out = new LinkedHashMap<>();
        out.put("groupId", d.groupId());
        out.put("type", d.type().toString());
        out.put("state", d.groupState().toString());
        out.put("assignor", d.partitionAssignor().isEmpty() ? null : d.partitionAssignor());
        out.put("coordinator", d.coordinator() == null || d.coordinator().isEmpty() ? null : d.coordinator().id());
        out.put("totalLag", totalLag);
        out.put("members", d.members().stream().sorted(Comparator.comparing(MemberDescription::clientId)
                .thenComparing(MemberDescription::consumerId)).map(GroupsApi::member).toList());
        Map<String, Object> rows = paging.header(partitions.size());
        rows.put("items", page.stream().map(tp -> {
            Long offset = partitions.get(tp);
            Long logEnd = pageEnd.get(tp);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("topic", tp.topic());
            m.put("partition", tp.partition());
            m.put("committedOffset", offset);
            m.put("endOffset", logEnd);
            m.put("lag", offset == null || logEnd == null ? null : Math.max(0, logEnd - offset));
            m.put("memberId", owners.get(tp));
            return m;
        }).toList());
        out.put("partitionPage", rows);
        return out;
    }

    private static Map<String, Object> member(MemberDescription m) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("memberId", m.consumerId());
        out.put("instanceId", m.groupInstanceId().orElse(null));
        out.put("clientId", m.clientId());
        out.put("host", m.host());
        Map<String, List<Integer>> byTopic = new TreeMap<>();
        m.assignment().topicPartitions().stream().sorted(BY_PARTITION).forEach(tp ->
                byTopic.computeIfAbsent(tp.topic(), t -> new ArrayList<>()).add(tp.partition()));
        out.put("assignment", byTopic);
        return out;
    }

    /**
     * Moves the group's committed offsets (of {@code topic} only, if given; a topic the group never committed gets
     * all its partitions) to where {@code strategy} says, clamped to each partition's log range; with {@code dryRun}
     * only reports the offsets it would commit.
     */
    Map<String, Object> reset(String groupId, Optional<String> topic, Strategy strategy, Optional<Long> value,
                              boolean dryRun) {
        ConsumerGroupDescription d = description(groupId);
        Map<TopicPartition, Long> committed = committed(groupId);
        List<TopicPartition> partitions = new ArrayList<>(committed.keySet().stream()
                .filter(tp -> topic.map(tp.topic()::equals).orElse(true)).sorted(BY_PARTITION).toList());
        if (partitions.isEmpty() && topic.isPresent()) {
            TopicImage t = image.get().topic(topic.get()).orElseThrow(() ->
                    new UnknownTopicOrPartitionException("Topic " + topic.get() + " does not exist"));
            t.partitions().keySet().forEach(p -> partitions.add(new TopicPartition(t.name(), p)));
        }
        if (partitions.isEmpty()) {
            throw new ConsoleExchange.Refusal(400, "group " + groupId + " has no committed offsets; name a topic");
        }
        if (strategy != Strategy.EARLIEST && strategy != Strategy.LATEST && value.isEmpty()) {
            throw new ConsoleExchange.Refusal(400, "strategy " + strategy.name().toLowerCase(Locale.ROOT)
                    + " needs a value");
        }
        Map<TopicPartition, Long> earliest = offsets(partitions, OffsetSpec.earliest());
        Map<TopicPartition, Long> latest = offsets(partitions, OffsetSpec.latest());
        Map<TopicPartition, Long> atTime = strategy == Strategy.TIMESTAMP
                ? offsets(partitions, OffsetSpec.forTimestamp(value.orElseThrow())) : Map.of();
        Map<TopicPartition, OffsetAndMetadata> targets = new LinkedHashMap<>();
        List<Map<String, Object>> rows = new ArrayList<>();
        for (TopicPartition tp : partitions) {
            long low = earliest.getOrDefault(tp, 0L);
            long high = latest.getOrDefault(tp, low);
            long target = switch (strategy) {
                case EARLIEST -> low;
                case LATEST -> high;
                case OFFSET -> value.orElseThrow();
                case TIMESTAMP -> atTime.getOrDefault(tp, -1L) < 0 ? high : atTime.get(tp);
                case SHIFT -> Optional.ofNullable(committed.get(tp)).orElse(low) + value.orElseThrow();
            };
            target = Math.min(Math.max(target, low), high);
            targets.put(tp, new OffsetAndMetadata(target));
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("topic", tp.topic());
            row.put("partition", tp.partition());
            row.put("currentOffset", committed.get(tp));
            row.put("newOffset", target);
            rows.add(row);
        }
        if (!dryRun) {
            if (!d.members().isEmpty()) {
                throw new ConsoleExchange.Refusal(409, "group " + groupId + " has " + d.members().size()
                        + " active member(s): offsets can only be reset while the group is inactive "
                        + "(state " + d.groupState() + ")");
            }
            KafkaCalls.await(clients.admin().alterConsumerGroupOffsets(groupId, targets).all());
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("groupId", groupId);
        out.put("dryRun", dryRun);
        out.put("partitions", rows);
        return out;
    }

    private ConsumerGroupDescription description(String groupId) {
        ConsumerGroupDescription d = KafkaCalls.await(clients.admin().describeConsumerGroups(List.of(groupId))
                .describedGroups().get(groupId));
        if (d.groupState() == GroupState.DEAD) {
            throw new GroupIdNotFoundException("Group " + groupId + " does not exist");
        }
        return d;
    }

    private KafkaFuture<Map<TopicPartition, OffsetAndMetadata>> committedFuture(String groupId) {
        return clients.admin().listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata(groupId);
    }

    private Map<TopicPartition, Long> committed(String groupId) {
        return committed(KafkaCalls.await(committedFuture(groupId)));
    }

    private static Map<TopicPartition, Long> committed(Map<TopicPartition, OffsetAndMetadata> offsets) {
        Map<TopicPartition, Long> out = new HashMap<>();
        offsets.forEach((tp, o) -> {
            if (o != null) {
                out.put(tp, o.offset());
            }
        });
        return out;
    }

    /** Offsets of the partitions that exist (a group keeps the offsets of a deleted topic; those get none). */
    private Map<TopicPartition, Long> offsets(List<TopicPartition> all, OffsetSpec spec) {
        MetadataImage current = image.get();
        List<TopicPartition> partitions = all.stream().filter(tp -> current.topic(tp.topic())
                .map(t -> t.partitions().containsKey(tp.partition())).orElse(false)).toList();
        Map<TopicPartition, Long> out = new HashMap<>();
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        for (TopicPartition tp : partitions) {
            boolean earliest = spec instanceof OffsetSpec.EarliestSpec;
            Optional<Log> local = earliest || spec instanceof OffsetSpec.LatestSpec ? leaderLog.apply(tp)
                    : Optional.empty();
            if (local.isPresent()) {
                out.put(tp, earliest ? local.get().logStartOffset() : local.get().highWatermark());
            } else {
                request.put(tp, spec);
            }
        }
        if (!request.isEmpty()) {
            Map<TopicPartition, ListOffsetsResultInfo> result = KafkaCalls.await(clients.admin().listOffsets(request)
                    .all());
            result.forEach((tp, info) -> out.put(tp, info.offset()));
        }
        return out;
    }
}
