package io.strata.server.coordinator.group;

import io.strata.metadata.BrokerRegistration;
import io.strata.metadata.MetadataQuorum;
import io.strata.metadata.TopicImage;
import io.strata.server.cluster.ReplicaManager;
import io.strata.server.cluster.TopicService;
import io.strata.server.coordinator.CoordinatorLog;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.utils.Time;

/**
 * The group coordinator's access to {@code __consumer_offsets} through a {@link CoordinatorLog}: mapping groups to
 * partitions, appending state records (plain, or transactional for TxnOffsetCommit) and replaying a partition into
 * groups. Transactional offset commits replay as pending until their producer's marker: applied on COMMIT,
 * dropped on ABORT, still pending (awaiting the marker) at the end of the log.
 *
 * <p>Thread-safe: it keeps no state of its own.
 */
final class GroupLog implements GroupStore, AutoCloseable {

    private final CoordinatorLog log;
    private final Time time;

    GroupLog(MetadataQuorum quorum, ReplicaManager replicas, TopicService topics, GroupConfig config, Time time) {
        this.log = new CoordinatorLog(new CoordinatorLog.Topic(GroupConfig.OFFSETS_TOPIC,
                config.offsetsTopicPartitions(), config.offsetsTopicReplication(),
                Map.of("cleanup.policy", "compact",
                        "segment.bytes", Integer.toString(config.offsetsTopicSegmentBytes())),
                0, config.commitTimeoutMs()), quorum, replicas, topics);
        this.time = time;
    }

    @Override
    public int partitionFor(String groupId) {
        return log.partitionFor(groupId);
    }

    Optional<TopicImage> ensureTopic() {
        return log.ensureTopic();
    }

    Optional<BrokerRegistration> coordinatorOf(String groupId) {
        return log.coordinatorOf(groupId);
    }

    @Override
    public CompletableFuture<Void> append(int partition, List<SimpleRecord> records) {
        return log.append(partition, MemoryRecords.withRecords(Compression.NONE, records.toArray(SimpleRecord[]::new)));
    }

    @Override
    public CompletableFuture<Void> appendTransactional(int partition, long producerId, short producerEpoch,
                                                       List<SimpleRecord> records) {
        return log.appendTransactional(partition, producerId, producerEpoch, records.toArray(SimpleRecord[]::new));
    }

    /** Stops waiting for commits: their futures fail as if they had timed out. */
    @Override
    public void close() {
        log.close();
    }

    @Override
    public Optional<List<ClassicGroup>> load(int partition) {
        Replayed replayed = new Replayed();
        if (!log.replay(partition, replayed::apply)) {
            return Optional.empty();
        }
        Set<String> ids = new HashSet<>(replayed.groupValues.keySet());
        ids.addAll(replayed.offsets.keySet());
        ids.addAll(replayed.pending.keySet());
        List<ClassicGroup> groups = new ArrayList<>();
        for (String id : ids) {
            ClassicGroup group = GroupSnapshots.restore(id, partition,
                    Optional.ofNullable(replayed.groupValues.get(id)),
                    replayed.offsets.getOrDefault(id, Map.of()), time);
            group.pendingTxnOffsets.putAll(replayed.pending.getOrDefault(id, Map.of()));
            groups.add(group);
        }
        return Optional.of(groups);
    }

    /**
     * A partition's records folded in log order: the latest group values and offsets by group, and the
     * transactional offsets still awaiting their marker. Not thread-safe: one replay.
     */
    static final class Replayed {
        final Map<String, GroupRecords.GroupValue> groupValues = new HashMap<>();
        final Map<String, Map<TopicPartition, GroupRecords.OffsetValue>> offsets = new HashMap<>();
        /** Group to producer id to the offsets of its open transaction. */
        final Map<String, Map<Long, Map<TopicPartition, GroupRecords.OffsetValue>>> pending = new HashMap<>();

        void apply(CoordinatorLog.Entry entry) {
            switch (entry) {
                case CoordinatorLog.MarkerEntry m -> marker(m.producerId(), m.commit());
                case CoordinatorLog.DataEntry d -> data(d);
            }
        }

        private void marker(long producerId, boolean commit) {
            for (var it = pending.entrySet().iterator(); it.hasNext(); ) {
                var byGroup = it.next();
                Map<TopicPartition, GroupRecords.OffsetValue> txn = byGroup.getValue().remove(producerId);
                if (txn != null && commit) {
                    offsets.computeIfAbsent(byGroup.getKey(), g -> new HashMap<>()).putAll(txn);
                }
                if (byGroup.getValue().isEmpty()) {
                    it.remove();
                }
            }
        }

        private void data(CoordinatorLog.DataEntry entry) {
            Optional<GroupRecords.Key> key = GroupRecords.readKey(entry.key());
            if (key.isEmpty()) {
                return;
            }
            switch (key.get()) {
                case GroupRecords.OffsetKey k -> {
                    TopicPartition tp = new TopicPartition(k.topic(), k.partition());
                    if (entry.transactional() && entry.value().isPresent()) {
                        pending.computeIfAbsent(k.group(), g -> new HashMap<>())
                                .computeIfAbsent(entry.producerId(), id -> new HashMap<>())
                                .put(tp, GroupRecords.readOffsetValue(entry.value().get()));
                    } else if (entry.value().isPresent()) {
                        offsets.computeIfAbsent(k.group(), g -> new HashMap<>())
                                .put(tp, GroupRecords.readOffsetValue(entry.value().get()));
                    } else {
                        Map<TopicPartition, GroupRecords.OffsetValue> m = offsets.get(k.group());
                        if (m != null) {
                            m.remove(tp);
                            if (m.isEmpty()) {
                                offsets.remove(k.group());
                            }
                        }
                    }
                }
                case GroupRecords.GroupKey k -> {
                    if (entry.value().isPresent()) {
                        groupValues.put(k.group(), GroupRecords.readGroupValue(entry.value().get()));
                    } else {
                        groupValues.remove(k.group());
                    }
                }
            }
        }
    }
}
