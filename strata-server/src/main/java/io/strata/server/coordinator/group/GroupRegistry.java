package io.strata.server.coordinator.group;

import io.strata.metadata.MetadataImage;
import io.strata.server.coordinator.CoordinatorPartitions;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import org.apache.kafka.common.errors.CoordinatorLoadInProgressException;
import org.apache.kafka.common.errors.NotCoordinatorException;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * The groups this node coordinates: those whose {@code __consumer_offsets} partition it leads. Loads a partition's
 * groups and offsets from the log when it gains leadership, and drops them (failing their parked requests with
 * NOT_COORDINATOR) when it loses it.
 *
 * <p>Thread-safe: the map is concurrent; loading runs on the coordinator's scheduler, one partition at a time
 * ({@link CoordinatorPartitions}); a partition's groups are visible only once it is fully loaded.
 */
final class GroupRegistry {

    private static final Logger log = LoggerFactory.getLogger(GroupRegistry.class);

    private final GroupStore store;
    private final Time time;
    private final Map<String, ClassicGroup> groups = new ConcurrentHashMap<>();
    private final CoordinatorPartitions partitions;

    /** @param scheduler runs the loads of partitions (and their retries) */
    GroupRegistry(int nodeId, GroupStore store, ScheduledExecutorService scheduler, Time time) {
        this.store = store;
        this.time = time;
        this.partitions = new CoordinatorPartitions(nodeId, GroupConfig.OFFSETS_TOPIC, scheduler,
                this::load, this::unload);
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
                g == null || g.state == GroupState.DEAD ? new ClassicGroup(id, partition, time) : g));
    }

    /** Checks that this node coordinates the group and returns its partition. */
    int checkOwned(String groupId) {
        int partition = store.partitionFor(groupId);
        CoordinatorPartitions.State load = partitions.state(partition);
        if (load == null) {
            throw new NotCoordinatorException("This node is not the coordinator of group " + groupId);
        }
        if (load == CoordinatorPartitions.State.LOADING) {
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
        partitions.onMetadata(image);
    }

    /** Loads the partitions in {@code led} not loaded yet, and unloads the others. */
    void lead(Set<Integer> led) {
        partitions.lead(led);
    }

    /** Replays a partition's groups and offsets; false while this node has no log for it yet. */
    private boolean load(int partition) {
        long start = time.nanoseconds();
        Optional<List<ClassicGroup>> loaded = store.load(partition);
        if (loaded.isEmpty()) {
            return false;
        }
        loaded.get().forEach(g -> groups.put(g.groupId, g));
        log.atLevel(loaded.get().isEmpty() ? Level.DEBUG : Level.INFO).log("Loaded {} groups of {}-{} in {} ms",
                loaded.get().size(), GroupConfig.OFFSETS_TOPIC, partition, (time.nanoseconds() - start) / 1_000_000);
        return true;
    }

    private void unload(int partition, String reason) {
        List<ClassicGroup> dropped = groups.values().stream().filter(g -> g.partition == partition).toList();
        for (ClassicGroup group : dropped) {
            groups.remove(group.groupId, group);
            group.lock.lock();
            try {
                group.abandon();
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
        partitions.unloadAll();
    }
}
