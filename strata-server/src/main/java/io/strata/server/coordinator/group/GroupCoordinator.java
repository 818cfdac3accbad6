package io.strata.server.coordinator.group;

import io.strata.metadata.BrokerRegistration;
import io.strata.metadata.MetadataPublisher;
import io.strata.metadata.MetadataQuorum;
import io.strata.metadata.image.ImageDelta;
import io.strata.server.cluster.ReplicaManager;
import io.strata.server.cluster.TopicService;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The group coordinator of this node: the groups whose {@code __consumer_offsets} partition it leads, their
 * classic membership ({@link ClassicJoin}, {@link ClassicSync}, {@link ClassicMembership}, driven by
 * {@link ClassicRebalance}), KIP-848 membership ({@link ConsumerGroupHeartbeats}), offsets ({@link GroupOffsets})
 * and the group-level admin operations ({@link GroupAdmin}). Owns the timer thread that expires sessions and
 * offsets and loads partitions. Every write goes through {@link GroupWriter}: state shows only once committed.
 *
 * <p>Thread-safe.
 */
public final class GroupCoordinator implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(GroupCoordinator.class);
    /** How often sessions, pending members and rebalance deadlines are checked. */
    private static final long TICK_MS = 100;

    private final GroupLog groupLog;
    private final GroupRegistry registry;
    private final ClassicRebalance rebalance;
    private final ClassicJoin join;
    private final ClassicSync sync;
    private final ClassicMembership membership;
    private final GroupOffsets offsets;
    private final GroupAdmin admin;
    private final ConsumerGroupHeartbeats heartbeats;
    private final ScheduledExecutorService scheduler;

    /**
     * @param time the clock of sessions, rebalance and initial-delay deadlines, and of stored timestamps
     */
    public GroupCoordinator(int nodeId, GroupConfig config, MetadataQuorum quorum, ReplicaManager replicas,
                            TopicService topics, Time time) {
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
        this.admin = new GroupAdmin(registry, writer, offsets);
        this.heartbeats = new ConsumerGroupHeartbeats(config, registry, quorum, time);
        scheduler.scheduleWithFixedDelay(this::tick, TICK_MS, TICK_MS, TimeUnit.MILLISECONDS);
        scheduler.scheduleWithFixedDelay(offsets::expire, config.offsetsRetentionCheckMs(),
                config.offsetsRetentionCheckMs(), TimeUnit.MILLISECONDS);
    }

    /**
     * Follows leadership of {@code __consumer_offsets} partitions from the metadata, after the replica manager (the
     * node registers this publisher after it): load groups on becoming leader, unload on losing it.
     */
    public MetadataPublisher publisher() {
        return new MetadataPublisher() {
            @Override
            public String name() {
                return "GroupCoordinator";
            }

            @Override
            public void publish(ImageDelta delta) {
                registry.onMetadata(delta.image());
            }
        };
    }

    private void tick() {
        try {
            rebalance.tick();
            heartbeats.tick();
        } catch (RuntimeException e) {
            log.error("Group timer failed", e);
        }
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

    /**
     * The broker coordinating {@code groupId}: the leader of its {@code __consumer_offsets} partition, creating
     * the topic on first use. Empty while no leader is available.
     */
    public Optional<BrokerRegistration> findCoordinator(String groupId) {
        if (groupLog.ensureTopic().isEmpty()) {
            return Optional.empty();
        }
        return groupLog.coordinatorOf(groupId);
    }

    /** ListGroups, DescribeGroups and DeleteGroups. */
    GroupAdmin admin() {
        return admin;
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

    /**
     * A group this node coordinates, as monitoring sees it: its state as Kafka names it for the group's type, its
     * member count and its committed offsets (what OffsetFetch shows).
     */
    public record GroupSummary(String groupId, String state, int members, Map<TopicPartition, Long> committed) {
    }

    /**
     * Every live group this node coordinates, each read under its lock (one group at a time, so a scrape never
     * holds more than one group's lock, and only briefly). A snapshot.
     */
    public List<GroupSummary> summaries() {
        return admin.summaries();
    }

    /**
     * A transaction marker of {@code producerId} is committed to {@code partition} of {@code __consumer_offsets}:
     * the transaction's offsets (TxnOffsetCommit) become visible on COMMIT and are dropped on ABORT. Called by the
     * partition leader once the marker's write is committed.
     */
    public void completeTransaction(int partition, long producerId, boolean commit) {
        offsets.completeTransaction(partition, producerId, commit);
    }

    /** For tests and diagnostics: the partition of {@code __consumer_offsets} holding a group. */
    public int partitionFor(String groupId) {
        return groupLog.partitionFor(groupId);
    }

}
