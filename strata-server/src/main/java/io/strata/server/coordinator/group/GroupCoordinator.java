package io.strata.server.coordinator.group;

import io.strata.metadata.BrokerRegistration;
import io.strata.metadata.MetadataQuorum;
import io.strata.server.cluster.ReplicaManager;
import io.strata.server.cluster.TopicService;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The group coordinator of this node: the groups whose {@code __consumer_offsets} partition it leads, their
 * classic membership ({@link ClassicJoin}, {@link ClassicSync}, {@link ClassicMembership}, driven by
 * {@link ClassicRebalance}), KIP-848 membership ({@link ConsumerGroupHeartbeats}), offsets ({@link GroupOffsets})
 * and the group-level admin operations (list, describe, delete). Owns the timer thread that expires sessions and
 * offsets and loads partitions. Every write goes through {@link GroupWriter}: state shows only once committed.
 *
 * <p>Thread-safe.
 */
public final class GroupCoordinator implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(GroupCoordinator.class);
    /** How often sessions, pending members and rebalance deadlines are checked. */
    private static final long TICK_MS = 100;

    private final GroupConfig config;
    private final GroupLog groupLog;
    private final GroupRegistry registry;
    private final ClassicRebalance rebalance;
    private final ClassicJoin join;
    private final ClassicSync sync;
    private final ClassicMembership membership;
    private final GroupOffsets offsets;
    private final ConsumerGroupHeartbeats heartbeats;
    private final ScheduledExecutorService scheduler;

    /**
     * @param time the clock of sessions, rebalance and initial-delay deadlines, and of stored timestamps
     */
    public GroupCoordinator(int nodeId, GroupConfig config, MetadataQuorum quorum, ReplicaManager replicas,
                            TopicService topics, Time time) {
        this.config = config;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "group-coordinator-timer");
            t.setDaemon(true);
            return t;
        });
        this.groupLog = new GroupLog(quorum, replicas, topics, config, time);
        this.registry = new GroupRegistry(nodeId, groupLog, scheduler, time);
        GroupWriter writer = new GroupWriter(groupLog, time);
        this.rebalance = new ClassicRebalance(config, registry, writer, time);
        this.join = new ClassicJoin(registry, rebalance);
        this.sync = new ClassicSync(registry, rebalance);
        this.membership = new ClassicMembership(registry, rebalance);
        this.offsets = new GroupOffsets(config, registry, writer, time);
        this.heartbeats = new ConsumerGroupHeartbeats(config, registry, quorum, time);
        quorum.addListener((previous, current) -> registry.onMetadata(current));
        registry.onMetadata(quorum.image());
        scheduler.scheduleWithFixedDelay(this::tick, TICK_MS, TICK_MS, TimeUnit.MILLISECONDS);
        scheduler.scheduleWithFixedDelay(offsets::expire, config.offsetsRetentionCheckMs(),
                config.offsetsRetentionCheckMs(), TimeUnit.MILLISECONDS);
    }

    private void tick() {
        try {
            rebalance.tick();
            heartbeats.tick();
        } catch (RuntimeException e) {
            log.error("Group timer failed", e);
        }
    }

    GroupConfig config() {
        return config;
    }

    ClassicJoin join() {
        return join;
    }

    ClassicSync sync() {
        return sync;
    }

    ClassicMembership membership() {
        return membership;
    }

    GroupOffsets offsets() {
        return offsets;
    }

    ConsumerGroupHeartbeats heartbeats() {
        return heartbeats;
    }

    /** Runs {@code f} on the group under its lock; empty if the group does not exist. */
    <T> Optional<T> withGroup(String groupId, java.util.function.Function<ClassicGroup, T> f) {
        return registry.group(groupId, false).map(g -> ClassicMembership.locked(g, f));
    }

    /**
     * The broker coordinating {@code groupId}: the leader of its {@code __consumer_offsets} partition, creating
     * the topic on first use. Empty while no leader is available.
     */
    Optional<BrokerRegistration> findCoordinator(String groupId) {
        if (groupLog.ensureTopic().isEmpty()) {
            return Optional.empty();
        }
        return groupLog.coordinatorOf(groupId);
    }

    /** A group as listed by ListGroups. */
    record Listed(String groupId, String protocolType, String state, String type) {
    }

    List<Listed> list(Set<String> states, Set<String> types) {
        List<Listed> out = new ArrayList<>();
        for (ClassicGroup g : registry.all()) {
            Listed l = ClassicMembership.locked(g, x -> new Listed(x.groupId,
                    x.consumer.isPresent() ? "consumer" : x.protocolType.orElse(""), x.state == GroupState.DEAD
                    ? GroupState.DEAD.kafkaName() : x.stateName(), x.type()));
            if (l.state().equals(GroupState.DEAD.kafkaName())) {
                continue;
            }
            boolean stateOk = states.isEmpty() || states.stream().anyMatch(s -> s.equalsIgnoreCase(l.state()));
            boolean typeOk = types.isEmpty() || types.stream().anyMatch(t -> t.equalsIgnoreCase(l.type()));
            if (stateOk && typeOk) {
                out.add(l);
            }
        }
        return out;
    }

    /** A member as described by DescribeGroups. */
    record DescribedMember(String memberId, Optional<String> instanceId, String clientId, String clientHost,
                           byte[] metadata, byte[] assignment) {
    }

    /** A group as described by DescribeGroups; {@code exists} is false for unknown groups (state Dead). */
    record Described(boolean exists, String state, String protocolType, String protocol,
                     List<DescribedMember> members) {
    }

    /**
     * Describes a group. Member metadata and assignments are only shown once the group is stable, as in Kafka.
     */
    Described describe(String groupId) {
        Optional<ClassicGroup> found = registry.group(groupId, false);
        if (found.isEmpty()) {
            return new Described(false, GroupState.DEAD.kafkaName(), "", "", List.of());
        }
        return ClassicMembership.locked(found.get(), g -> {
            if (g.state == GroupState.DEAD || g.consumer.isPresent()) {
                // Consumer-protocol groups are described by ConsumerGroupDescribe, as in Kafka.
                return new Described(false, GroupState.DEAD.kafkaName(), "", "", List.of());
            }
            boolean stable = g.state == GroupState.STABLE;
            List<DescribedMember> members = new ArrayList<>();
            for (Member m : g.members.values()) {
                members.add(new DescribedMember(m.memberId, m.instanceId, m.clientId, m.clientHost,
                        stable ? m.metadata(g.protocol.orElse("")) : new byte[0],
                        stable ? m.assignment : new byte[0]));
            }
            return new Described(true, g.state.kafkaName(), g.protocolType.orElse(""),
                    stable ? g.protocol.orElse("") : "", members);
        });
    }

    /** Deletes an empty group with its offsets (DeleteGroups). */
    Errors delete(String groupId) {
        if (groupId == null || groupId.isEmpty()) {
            return Errors.INVALID_GROUP_ID;
        }
        Optional<ClassicGroup> found;
        try {
            found = registry.group(groupId, false);
        } catch (ApiException e) {
            return Errors.forException(e);
        }
        if (found.isEmpty()) {
            return Errors.GROUP_ID_NOT_FOUND;
        }
        ClassicGroup group = found.get();
        CompletableFuture<Void> written;
        group.lock.lock();
        try {
            if (group.isGone()) {
                return Errors.GROUP_ID_NOT_FOUND;
            }
            if (group.state != GroupState.EMPTY || group.hasMembers()) {
                return Errors.NON_EMPTY_GROUP;
            }
            GroupWriter writer = rebalance.writer();
            List<SimpleRecord> tombstones = offsets.tombstones(group, group.offsetKeys());
            tombstones.add(writer.record(GroupRecords.groupKey(groupId), null));
            group.deleting = true;
            written = writer.write(group, tombstones, new PendingWrites.Effect() {
                @Override
                public void committed() {
                    group.deleting = false;
                    group.offsets.clear();
                    group.transition(GroupState.DEAD);
                    registry.remove(group);
                }

                @Override
                public void failed(ApiException cause) {
                    group.deleting = false;
                }
            });
        } finally {
            group.lock.unlock();
        }
        try {
            written.join();
            return Errors.NONE;
        } catch (CompletionException | CancellationException e) {
            return StoreErrors.forGroup(e);
        }
    }

    /** Checks that this node coordinates {@code groupId}; the API exception names the error otherwise. */
    void checkCoordinator(String groupId) {
        registry.checkOwned(groupId);
    }

    @Override
    public void close() {
        rebalance.close();
        registry.unloadAll();
        groupLog.close();
        scheduler.shutdownNow();
        try {
            scheduler.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** For tests and diagnostics: the partition of {@code __consumer_offsets} holding a group. */
    public int partitionFor(String groupId) {
        return groupLog.partitionFor(groupId);
    }

}
