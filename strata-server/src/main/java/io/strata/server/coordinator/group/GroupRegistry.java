package io.strata.server.coordinator.group;

import io.strata.metadata.MetadataImage;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
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
 * <p>Thread-safe: the maps are concurrent; loading runs on the coordinator's scheduler and is serialized by
 * {@link #loadLock}; a partition's groups are visible only once it is fully loaded.
 */
final class GroupRegistry {

    private static final Logger log = LoggerFactory.getLogger(GroupRegistry.class);

    private enum Load { LOADING, LOADED }

    private final int nodeId;
    private final GroupStore store;
    private final ScheduledExecutorService scheduler;
    private final Time time;
    private final Map<String, ClassicGroup> groups = new ConcurrentHashMap<>();
    private final Map<Integer, Load> owned = new ConcurrentHashMap<>();
    private final ReentrantLock loadLock = new ReentrantLock();

    /** @param scheduler runs the loads of partitions (and their retries) */
    GroupRegistry(int nodeId, GroupStore store, ScheduledExecutorService scheduler, Time time) {
        this.nodeId = nodeId;
        this.store = store;
        this.scheduler = scheduler;
        this.time = time;
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
        Set<Integer> led = new HashSet<>();
        image.topic(GroupConfig.OFFSETS_TOPIC).ifPresent(t -> t.partitions().forEach((index, p) -> {
            if (p.leader() == nodeId) {
                led.add(index);
            }
        }));
        lead(led);
    }

    /** Loads the partitions in {@code led} not loaded yet, and unloads the others. */
    void lead(Set<Integer> led) {
        for (Integer partition : led) {
            if (owned.putIfAbsent(partition, Load.LOADING) == null) {
                scheduler.execute(() -> load(partition));
            }
        }
        for (Integer partition : new ArrayList<>(owned.keySet())) {
            if (!led.contains(partition)) {
                owned.remove(partition);
                unload(partition, "leadership moved");
            }
        }
    }

    private void load(int partition) {
        loadLock.lock();
        try {
            if (owned.get(partition) != Load.LOADING) {
                return;
            }
            long start = time.nanoseconds();
            Optional<List<ClassicGroup>> loaded = store.load(partition);
            if (loaded.isEmpty()) {
                // The replica manager has not created the log yet: it follows the same image, try again shortly.
                scheduler.schedule(() -> load(partition), 50, TimeUnit.MILLISECONDS);
                return;
            }
            loaded.get().forEach(g -> groups.put(g.groupId, g));
            owned.replace(partition, Load.LOADING, Load.LOADED);
            log.atLevel(loaded.get().isEmpty() ? Level.DEBUG : Level.INFO).log("Loaded {} groups of {}-{} in {} ms",
                    loaded.get().size(), GroupConfig.OFFSETS_TOPIC, partition,
                    (time.nanoseconds() - start) / 1_000_000);
        } catch (RuntimeException e) {
            log.error("Failed to load {}-{}; retrying", GroupConfig.OFFSETS_TOPIC, partition, e);
            scheduler.schedule(() -> load(partition), 1, TimeUnit.SECONDS);
        } finally {
            loadLock.unlock();
        }
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
        for (Integer partition : new ArrayList<>(owned.keySet())) {
            owned.remove(partition);
            unload(partition, "the node is stopping");
        }
    }
}
