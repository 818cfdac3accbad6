package io.strata.server.console;

import io.strata.metadata.MetadataImage;
import io.strata.metadata.PartitionImage;
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
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.AlterConfigsOptions;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * The console's topics: the list (searched and paged from the node's metadata image), one topic's partitions (a
 * page of them: leader, replicas, ISR from the image; offsets and sizes from this node's replica, or for partitions
 * without one here, offsets asked of their leaders for that page only) and its configs, and the changes (create,
 * delete, alter configs), made through the Kafka Admin API so that they are validated exactly as any client's.
 * Create and alter take {@code validateOnly}, the confirmation step's dry run.
 *
 * <p>Thread-safe.
 */
final class TopicsApi {

    private final Supplier<MetadataImage> image;
    private final Function<TopicPartition, Optional<Log>> localLog;
    private final Function<TopicPartition, Optional<Log>> leaderLog;
    private final ConsoleClients clients;

    /**
     * @param localLog  a partition's log on this node, whatever its role: the replica's size here
     * @param leaderLog a partition's log on this node if this node leads it: the partition's offsets, for free
     */
    TopicsApi(Supplier<MetadataImage> image, Function<TopicPartition, Optional<Log>> localLog,
              Function<TopicPartition, Optional<Log>> leaderLog, ConsoleClients clients) {
        this.image = image;
        this.localLog = localLog;
        this.leaderLog = leaderLog;
        this.clients = clients;
    }

    /** Topics whose name contains {@code query} (case-insensitive), sorted by name, one page. */
    Map<String, Object> list(Optional<String> query, Paging paging) {
        String q = query.map(s -> s.toLowerCase(Locale.ROOT)).orElse("");
        List<TopicImage> matching = image.get().topicsByName().values().stream()
                .filter(t -> t.name().toLowerCase(Locale.ROOT).contains(q))
                .sorted(Comparator.comparing(TopicImage::name)).toList();
        Map<String, Object> out = paging.header(matching.size());
        out.put("topics", paging.slice(matching).stream().map(TopicsApi::summary).toList());
        return out;
    }

    private static Map<String, Object> summary(TopicImage t) {
        int under = 0;
        int offline = 0;
        int replication = 0;
        for (PartitionImage p : t.partitions().values()) {
            replication = Math.max(replication, p.replicas().size());
            if (p.leader() < 0) {
                offline++;
            } else if (p.isr().size() < p.replicas().size()) {
                under++;
            }
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", t.name());
        m.put("id", t.id().toString());
        m.put("partitions", t.partitions().size());
        m.put("replicationFactor", replication);
        m.put("underReplicated", under);
        m.put("offline", offline);
        m.put("internal", t.name().startsWith("__"));
        return m;
    }

    /** One topic: its summary, one page of its partitions and, with {@code configs}, its configs. */
    Map<String, Object> describe(String name, Paging paging, boolean configs) {
        TopicImage topic = image.get().topic(name).orElseThrow(() ->
                new UnknownTopicOrPartitionException("Topic " + name + " does not exist"));
        Map<String, Object> out = summary(topic);
        // Asked first, so that the cluster answers it while the partitions' rows are built.
        Optional<KafkaFuture<Config>> config = configs ? Optional.of(describeConfigs(name)) : Optional.empty();
        List<Map.Entry<Integer, PartitionImage>> page = paging.slice(new ArrayList<>(topic.partitions().entrySet()));
        Map<String, Object> partitions = paging.header(topic.partitions().size());
        partitions.put("items", partitionRows(name, page));
        out.put("partitionPage", partitions);
        config.ifPresent(c -> out.put("configs", configs(KafkaCalls.await(c))));
        return out;
    }

    private List<Map<String, Object>> partitionRows(String topic, List<Map.Entry<Integer, PartitionImage>> page) {
        List<TopicPartition> remote = new ArrayList<>();
        Map<Integer, Map<String, Object>> rows = new LinkedHashMap<>();
        for (Map.Entry<Integer, PartitionImage> e : page) {
            PartitionImage p = e.getValue();
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("partition", e.getKey());
            row.put("leader", p.leader() < 0 ? null : p.leader());
            row.put("leaderEpoch", p.leaderEpoch());
            row.put("replicas", p.replicas());
            row.put("isr", p.isr());
            row.put("offline", p.leader() < 0);
            TopicPartition tp = new TopicPartition(topic, e.getKey());
            Optional<Log> leader = leaderLog.apply(tp);
            row.put("logStartOffset", leader.map(Log::logStartOffset).orElse(null));
            row.put("endOffset", leader.map(Log::highWatermark).orElse(null));
            // The size of the replica on this node; a partition without one here shows none.
            row.put("sizeBytes", localLog.apply(tp).map(Log::sizeInBytes).orElse(null));
            if (leader.isEmpty() && p.leader() >= 0) {
                // Led elsewhere: its leader's offsets, for this page only.
                remote.add(tp);
            }
            rows.put(e.getKey(), row);
        }
        if (!remote.isEmpty()) {
            var earliest = listOffsets(remote, OffsetSpec.earliest());
            Map<TopicPartition, ListOffsetsResultInfo> end = KafkaCalls.await(listOffsets(remote,
                    OffsetSpec.latest()));
            Map<TopicPartition, ListOffsetsResultInfo> start = KafkaCalls.await(earliest);
            for (TopicPartition tp : remote) {
                Map<String, Object> row = rows.get(tp.partition());
                Optional.ofNullable(start.get(tp)).ifPresent(i -> row.put("logStartOffset", i.offset()));
                Optional.ofNullable(end.get(tp)).ifPresent(i -> row.put("endOffset", i.offset()));
            }
        }
        return new ArrayList<>(rows.values());
    }

    private KafkaFuture<Map<TopicPartition, ListOffsetsResultInfo>> listOffsets(List<TopicPartition> partitions,
                                                                               OffsetSpec spec) {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        partitions.forEach(tp -> request.put(tp, spec));
        return clients.admin().listOffsets(request).all();
    }

    private KafkaFuture<Config> describeConfigs(String topic) {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        return clients.admin().describeConfigs(List.of(resource)).values().get(resource);
    }

    private static List<Map<String, Object>> configs(Config config) {
        return config.entries().stream().sorted(Comparator.comparing(ConfigEntry::name)).map(e -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", e.name());
            m.put("value", e.isSensitive() ? null : e.value());
            m.put("source", e.source().name());
            m.put("isDefault", e.isDefault());
            m.put("readOnly", e.isReadOnly());
            m.put("sensitive", e.isSensitive());
            return m;
        }).toList();
    }

    /** Creates a topic (or with {@code validateOnly} only checks that the cluster would). */
    Map<String, Object> create(String name, Optional<Integer> partitions, Optional<Short> replicationFactor,
                               Map<String, String> configs, boolean validateOnly) {
        NewTopic topic = new NewTopic(name, partitions, replicationFactor).configs(configs);
        KafkaCalls.await(clients.admin().createTopics(List.of(topic),
                new CreateTopicsOptions().validateOnly(validateOnly)).all());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("topic", name);
        out.put("validateOnly", validateOnly);
        out.put("created", !validateOnly);
        return out;
    }

    /** Deletes a topic. */
    Map<String, Object> delete(String name) {
        KafkaCalls.await(clients.admin().deleteTopics(List.of(name)).all());
        return Map.of("topic", name, "deleted", true);
    }

    /** Sets and removes (back to its default) topic configs, or with {@code validateOnly} checks them. */
    Map<String, Object> alterConfigs(String name, Map<String, String> set, List<String> remove,
                                     boolean validateOnly) {
        List<AlterConfigOp> ops = new ArrayList<>();
        set.forEach((k, v) -> ops.add(new AlterConfigOp(new ConfigEntry(k, v), AlterConfigOp.OpType.SET)));
        remove.forEach(k -> ops.add(new AlterConfigOp(new ConfigEntry(k, null), AlterConfigOp.OpType.DELETE)));
        if (ops.isEmpty()) {
            throw new ConsoleExchange.Refusal(400, "no config to change");
        }
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, name);
        KafkaCalls.await(clients.admin().incrementalAlterConfigs(Map.of(resource, ops),
                new AlterConfigsOptions().validateOnly(validateOnly)).all());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("topic", name);
        out.put("validateOnly", validateOnly);
        out.put("set", set);
        out.put("removed", remove);
        return out;
    }
}
