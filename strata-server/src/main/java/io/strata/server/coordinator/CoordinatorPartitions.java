package io.strata.server.coordinator;

import io.strata.metadata.MetadataImage;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntPredicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which partitions of a coordinator's internal topic ({@code __consumer_offsets}, {@code __transaction_state})
 * this node leads, and their loading: a partition is loaded when the node becomes its leader and unloaded when it
 * stops being it, as Kafka's coordinators follow leadership. The group and transaction coordinators share it.
 *
 * <p>Thread-safe: the states are a concurrent map; loads run on the caller's scheduler, one at a time (so a load
 * never races an unload of the same partition into a half-loaded state), and are retried until they succeed.
 */
public final class CoordinatorPartitions {

    private static final Logger log = LoggerFactory.getLogger(CoordinatorPartitions.class);

    /** Drops a partition's state: this node no longer leads it (leadership moved), or is stopping. */
    @FunctionalInterface
    public interface Unloader {
        void unload(int partition, String reason);
    }

    /** A partition's state here: absent (not led), loading, or loaded. */
    public enum State { LOADING, LOADED }

    private final int nodeId;
    private final String topic;
    private final ScheduledExecutorService scheduler;
    /** Loads a partition's state from its log; false if this node has no log for it yet (tried again shortly). */
    private final IntPredicate loader;
    private final Unloader unloader;
    private final Map<Integer, State> owned = new ConcurrentHashMap<>();
    private final ReentrantLock loadLock = new ReentrantLock();

    /**
     * @param scheduler runs the loads and their retries; owned by the caller
     * @param loader    loads a partition's state from its log; false if this node has no log for it yet (the
     *                  replica manager follows the same image: the load is tried again shortly)
     * @param unloader  drops a partition's state
     */
    public CoordinatorPartitions(int nodeId, String topic, ScheduledExecutorService scheduler, IntPredicate loader,
                                 Unloader unloader) {
        this.nodeId = nodeId;
        this.topic = topic;
        this.scheduler = scheduler;
        this.loader = loader;
        this.unloader = unloader;
    }

    /** Follows the metadata: loads the partitions of the topic this node leads, unloads the others. */
    public void onMetadata(MetadataImage image) {
        Set<Integer> led = new HashSet<>();
        image.topic(topic).ifPresent(t -> t.partitions().forEach((index, p) -> {
            if (p.leader() == nodeId) {
                led.add(index);
            }
        }));
        lead(led);
    }

    /** Loads the partitions in {@code led} not loaded yet, and unloads the others. */
    public void lead(Set<Integer> led) {
        for (Integer partition : led) {
            if (owned.putIfAbsent(partition, State.LOADING) == null) {
                scheduler.execute(() -> load(partition));
            }
        }
        for (Integer partition : new ArrayList<>(owned.keySet())) {
            if (!led.contains(partition)) {
                owned.remove(partition);
                unloader.unload(partition, "leadership moved");
            }
        }
    }

    /** The partition's state, or null if this node does not lead it. */
    public State state(int partition) {
        return owned.get(partition);
    }

    /** Whether any partition is still loading (listings answer COORDINATOR_LOAD_IN_PROGRESS meanwhile). */
    public boolean anyLoading() {
        return owned.containsValue(State.LOADING);
    }

    /** Unloads everything (node shutdown). */
    public void unloadAll() {
        for (Integer partition : new ArrayList<>(owned.keySet())) {
            owned.remove(partition);
            unloader.unload(partition, "the node is stopping");
        }
    }

    private void load(int partition) {
        loadLock.lock();
        try {
            if (owned.get(partition) != State.LOADING) {
                return;
            }
            if (!loader.test(partition)) {
                scheduler.schedule(() -> load(partition), 50, TimeUnit.MILLISECONDS);
                return;
            }
            owned.replace(partition, State.LOADING, State.LOADED);
        } catch (RuntimeException e) {
            log.error("Failed to load {}-{}; retrying", topic, partition, e);
            scheduler.schedule(() -> load(partition), 1, TimeUnit.SECONDS);
        } finally {
            loadLock.unlock();
        }
    }
}
