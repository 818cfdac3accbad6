package io.strata.server.coordinator.group;

import io.strata.metadata.MetadataImage;
import io.strata.metadata.PartitionImage;
import io.strata.metadata.TopicImage;
import io.strata.server.cluster.Partition;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.CoordinatorLoadInProgressException;
import org.apache.kafka.common.errors.NotCoordinatorException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * The groups this node coordinates: those whose {@code __consumer_offsets} partition it leads. Loads a partition's
 * groups and offsets from the log when it gains leadership, and drops them when it loses it.
 *
 * <p>Thread-safe: the maps are concurrent; loading runs on the coordinator's scheduler and is serialized by
 * {@link #loadLock}; a partition's groups are visible only once it is fully loaded.
 */
final class GroupRegistry {

    private static final Logger log = LoggerFactory.getLogger(GroupRegistry.class);

    private enum Load { LOADING, LOADED }

    private final int nodeId;
    private final GroupLog groupLog;
    private final ScheduledExecutorService scheduler;
    private final Consumer<ClassicGroup> onUnload;
    private final Map<String, ClassicGroup> groups = new ConcurrentHashMap<>();
    private final Map<Integer, Load> owned = new ConcurrentHashMap<>();
    private final ReentrantLock loadLock = new ReentrantLock();

    /** @param onUnload called (under the group's lock) for each group dropped when leadership moves away */
    GroupRegistry(int nodeId, GroupLog groupLog, ScheduledExecutorService scheduler, Consumer<ClassicGroup> onUnload) {
        this.nodeId = nodeId;
        this.groupLog = groupLog;
        this.scheduler = scheduler;
        this.onUnload = onUnload;
    }

    /**
     * The group, created (empty) if {@code create} and absent. Dead groups are replaced when creating.
     *
     * @throws NotCoordinatorException             if this node does not lead the group's partition
     * @throws CoordinatorLoadInProgressException  if the partition is still loading
     */
    Optional<ClassicGroup> group(String groupId, boolean create) {
        int partition = checkOwned(groupId);
        if (!create) {
            return Optional.ofNullable(groups.get(groupId));
        }
        return Optional.of(groups.compute(groupId, (id, g) ->
                g == null || g.state == GroupState.DEAD ? new ClassicGroup(id, partition) : g));
    }

    /** Checks that this node coordinates the group and returns its partition. */
    int checkOwned(String groupId) {
        int partition = groupLog.partitionFor(groupId);
        Load load = owned.get(partition);
        if (load == null) {
            throw new NotCoordinatorException("This node is not the coordinator of group " + groupId);
        }
        if (load == Load.LOADING) {
            throw new CoordinatorLoadInProgressException("The coordinator is loading group " + groupId);
        }
        return partition;
    }

    /** Removes a group that became dead (deleted, or empty with no offsets left). */
    void remove(ClassicGroup group) {
        groups.remove(group.groupId, group);
    }

    Collection<ClassicGroup> all() {
        return groups.values();
    }

    /** Follows the metadata: loads partitions this node now leads, unloads those it no longer leads. */
    void onMetadata(MetadataImage image) {
        Optional<TopicImage> topic = image.topic(GroupConfig.OFFSETS_TOPIC);
        Set<Integer> led = new HashSet<>();
        topic.ifPresent(t -> t.partitions().forEach((index, p) -> {
            if (p.leader() == nodeId) {
                led.add(index);
            }
        }));
        for (Integer partition : led) {
            if (owned.putIfAbsent(partition, Load.LOADING) == null) {
                scheduler.execute(() -> load(partition, topic.get().partitions().get(partition)));
            }
        }
        for (Integer partition : new ArrayList<>(owned.keySet())) {
            if (!led.contains(partition)) {
                owned.remove(partition);
                unload(partition, "leadership moved");
            }
        }
    }

    private void load(int partition, PartitionImage state) {
        loadLock.lock();
        try {
            if (owned.get(partition) != Load.LOADING) {
                return;
            }
            Optional<Partition> p = groupLog.partition(partition);
            if (p.isEmpty()) {
                // The replica manager has not created the log yet: it follows the same image, try again shortly.
                scheduler.schedule(() -> load(partition, state), 50, TimeUnit.MILLISECONDS);
                return;
            }
            long start = System.nanoTime();
            Map<String, GroupRecords.GroupValue> groupValues = new HashMap<>();
            Map<String, Map<TopicPartition, GroupRecords.OffsetValue>> offsets = new HashMap<>();
            groupLog.replay(p.get().log(), entry -> apply(entry, groupValues, offsets));
            Set<String> ids = new HashSet<>(groupValues.keySet());
            ids.addAll(offsets.keySet());
            for (String id : ids) {
                ClassicGroup group = GroupSnapshots.restore(id, partition, Optional.ofNullable(groupValues.get(id)),
                        offsets.getOrDefault(id, Map.of()));
                groups.put(id, group);
            }
            owned.replace(partition, Load.LOADING, Load.LOADED);
            log.atLevel(ids.isEmpty() ? Level.DEBUG : Level.INFO).log("Loaded {} groups of {}-{} in {} ms",
                    ids.size(), GroupConfig.OFFSETS_TOPIC, partition,
                    (System.nanoTime() - start) / 1_000_000);
        } catch (RuntimeException e) {
            log.error("Failed to load {}-{}; retrying", GroupConfig.OFFSETS_TOPIC, partition, e);
            scheduler.schedule(() -> load(partition, state), 1, TimeUnit.SECONDS);
        } finally {
            loadLock.unlock();
        }
    }

    private static void apply(GroupLog.Entry entry, Map<String, GroupRecords.GroupValue> groupValues,
                              Map<String, Map<TopicPartition, GroupRecords.OffsetValue>> offsets) {
        Optional<GroupRecords.Key> key = GroupRecords.readKey(entry.key());
        if (key.isEmpty()) {
            return;
        }
        Optional<ByteBuffer> value = entry.value();
        switch (key.get()) {
            case GroupRecords.OffsetKey k -> {
                TopicPartition tp = new TopicPartition(k.topic(), k.partition());
                if (value.isPresent()) {
                    offsets.computeIfAbsent(k.group(), g -> new HashMap<>())
                            .put(tp, GroupRecords.readOffsetValue(value.get()));
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
                if (value.isPresent()) {
                    groupValues.put(k.group(), GroupRecords.readGroupValue(value.get()));
                } else {
                    groupValues.remove(k.group());
                }
            }
        }
    }

    private void unload(int partition, String reason) {
        List<ClassicGroup> dropped = groups.values().stream().filter(g -> g.partition == partition).toList();
        for (ClassicGroup group : dropped) {
            groups.remove(group.groupId, group);
            group.lock.lock();
            try {
                onUnload.accept(group);
            } finally {
                group.lock.unlock();
            }
        }
        if (!dropped.isEmpty()) {
            log.info("Unloaded {} groups of {}-{}: {}", dropped.size(), GroupConfig.OFFSETS_TOPIC, partition, reason);
        }
    }

    /** Drops everything (node shutdown). */
    void unloadAll() {
        for (Integer partition : new ArrayList<>(owned.keySet())) {
            owned.remove(partition);
            unload(partition, "the node is stopping");
        }
    }
}
