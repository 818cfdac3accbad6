package io.strata.server.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A leader's view of its followers (their {@link FollowerState}s) and the ISR changes it proposes from them:
 * followers not caught up for {@code replica.lag.time.max.ms} out, caught-up replicas in, one proposal in flight at a
 * time (the image that applies it, or refuses it, ends it).
 *
 * <p>Thread-safe; its partition calls it holding its role lock, so the leader role passed in is current.
 */
final class FollowerTracker {

    private static final Logger log = LoggerFactory.getLogger(FollowerTracker.class);

    private final TopicPartition topicPartition;
    private final Uuid topicId;
    private final int localNodeId;
    private final Time time;
    private final IsrChanges isrChanges;
    private final long replicaLagTimeMaxMs;
    private final Map<Integer, FollowerState> followers = new ConcurrentHashMap<>();
    private final AtomicBoolean proposalInFlight = new AtomicBoolean();

    FollowerTracker(TopicPartition topicPartition, Uuid topicId, int localNodeId, Time time, IsrChanges isrChanges,
                    long replicaLagTimeMaxMs) {
        this.topicPartition = topicPartition;
        this.topicId = topicId;
        this.localNodeId = localNodeId;
        this.time = time;
        this.isrChanges = isrChanges;
        this.replicaLagTimeMaxMs = replicaLagTimeMaxMs;
    }

    /**
     * Tracks the followers among {@code replicas}. A new leadership starts afresh and gives every follower a full
     * lag period to fetch before it may leave the ISR; the same leadership keeps what it knows.
     */
    void lead(List<Integer> replicas, boolean newLeadership) {
        if (newLeadership) {
            followers.clear();
        }
        followers.keySet().retainAll(replicas);
        long now = time.milliseconds();
        for (int replica : replicas) {
            if (replica != localNodeId) {
                followers.putIfAbsent(replica, FollowerState.unknown(now));
            }
        }
    }

    void clear() {
        followers.clear();
    }

    boolean isFollower(int replicaId) {
        return followers.containsKey(replicaId);
    }

    Map<Integer, FollowerState> snapshot() {
        return Map.copyOf(followers);
    }

    /** Records a fetch by {@code replicaId} at {@code fetchOffset} while the leader's log ended at {@code leaderEnd}. */
    FollowerState fetched(int replicaId, long fetchOffset, long leaderEnd) {
        return followers.computeIfPresent(replicaId, (id, s) -> s.fetched(fetchOffset, leaderEnd, time.milliseconds()));
    }

    /** The smallest log end of the in-sync replicas, the leader's own being {@code leaderEnd}; -1 if unknown. */
    long highWatermarkCandidate(PartitionRole.Leader leader, long leaderEnd) {
        long candidate = leaderEnd;
        for (int replica : leader.isr()) {
            if (replica != localNodeId) {
                FollowerState state = followers.get(replica);
                candidate = Math.min(candidate, state == null ? -1 : state.logEndOffset());
            }
        }
        return candidate;
    }

    /** Proposes to drop the in-sync followers that have not been caught up for the lag time. */
    void maybeShrink(PartitionRole.Leader leader) {
        long deadline = time.milliseconds() - replicaLagTimeMaxMs;
        List<Integer> kept = new ArrayList<>();
        List<Integer> dropped = new ArrayList<>();
        for (int replica : leader.isr()) {
            FollowerState state = followers.get(replica);
            boolean lagging = replica != localNodeId && (state == null || state.lastCaughtUpTimeMs() < deadline);
            (lagging ? dropped : kept).add(replica);
        }
        if (!dropped.isEmpty()) {
            propose(leader, kept, "replicas " + dropped + " not caught up for " + replicaLagTimeMaxMs + " ms");
        }
    }

    /**
     * Proposes {@code replicaId} for the ISR once it has everything up to the high watermark and everything of the
     * current leader epoch the leader had when it took over (Kafka's rule), so that it could be elected safely.
     */
    void maybeExpand(PartitionRole.Leader leader, int replicaId, FollowerState state, long highWatermark,
                     long epochStartOffset) {
        if (leader.isr().contains(replicaId) || state.logEndOffset() < highWatermark
                || state.logEndOffset() < epochStartOffset) {
            return;
        }
        List<Integer> expanded = new ArrayList<>(leader.isr());
        expanded.add(replicaId);
        propose(leader, expanded, "replica " + replicaId + " caught up");
    }

    private void propose(PartitionRole.Leader leader, List<Integer> newIsr, String why) {
        if (!proposalInFlight.compareAndSet(false, true)) {
            return;
        }
        log.info("Proposing ISR {} -> {} for {} in leader epoch {}: {}", leader.isr(), newIsr, topicPartition,
                leader.leaderEpoch(), why);
        isrChanges.alterIsr(topicId, topicPartition.partition(), localNodeId, leader.leaderEpoch(),
                leader.partitionEpoch(), List.copyOf(newIsr)).whenComplete((image, error) -> {
                    proposalInFlight.set(false);
                    if (error != null) {
                        log.info("ISR change of {} was not accepted: {}", topicPartition, error.toString());
                    }
                });
    }
}
