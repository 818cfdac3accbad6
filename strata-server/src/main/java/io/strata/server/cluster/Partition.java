package io.strata.server.cluster;

import io.strata.metadata.PartitionImage;
import io.strata.storage.AppendResult;
import io.strata.storage.EpochEntry;
import io.strata.storage.Log;
import io.strata.storage.LogReadInfo;
import io.strata.storage.TxnVerification;
import io.strata.storage.VerificationGuard;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.FencedLeaderEpochException;
import org.apache.kafka.common.errors.NotEnoughReplicasAfterAppendException;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.OffsetOutOfRangeException;
import org.apache.kafka.common.errors.PolicyViolationException;
import org.apache.kafka.common.errors.UnknownLeaderEpochException;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A partition hosted on this node: its log and the role this node plays for it ({@link PartitionRole}), changed
 * only by {@link #applyState} from the metadata image.
 *
 * <p>As leader it tracks each follower's fetch position ({@link FollowerState}) and moves the high watermark to the
 * smallest log end offset of the in-sync replicas, forward only. Writes by clients go through it (append, delete
 * records), so it fires the {@link Wakeup}s registered with {@link #watch} whenever its log end, high watermark,
 * log start or role moves; nothing else has to remember to notify waiters.
 *
 * <p>Thread-safety: every method may be called from any thread. The role is published through a volatile field and
 * changed under the write side of a read-write lock; appends and follower updates hold the read side, so a role
 * change waits for in-flight appends and no append runs under a role it did not check (Kafka's
 * {@code leaderIsrUpdateLock}). No lock is held while a caller waits.
 */
public final class Partition {

    private static final Logger log = LoggerFactory.getLogger(Partition.class);

    private final TopicPartition topicPartition;
    private final Uuid topicId;
    private final Log partitionLog;
    private final int localNodeId;
    private final Time time;
    private final ReentrantReadWriteLock roleLock = new ReentrantReadWriteLock();
    private final FollowerTracker followers;
    private final Set<Wakeup> watchers = ConcurrentHashMap.newKeySet();
    private volatile PartitionRole role = new PartitionRole.Follower(-1, -1, -1);

    /**
     * @param isrChanges          where this partition, as leader, proposes ISR changes
     * @param replicaLagTimeMaxMs {@code replica.lag.time.max.ms}: a follower not caught up for this long leaves the
     *                            ISR
     */
    Partition(TopicPartition topicPartition, Uuid topicId, Log partitionLog, int localNodeId, Time time,
              IsrChanges isrChanges, long replicaLagTimeMaxMs) {
        this.topicPartition = topicPartition;
        this.topicId = topicId;
        this.partitionLog = partitionLog;
        this.localNodeId = localNodeId;
        this.time = time;
        this.followers = new FollowerTracker(topicPartition, topicId, localNodeId, time, isrChanges,
                replicaLagTimeMaxMs);
    }

    public TopicPartition topicPartition() {
        return topicPartition;
    }

    public Uuid topicId() {
        return topicId;
    }

    /** The local log, for reads that need no leadership (group loading, log-dir descriptions). */
    public Log log() {
        return partitionLog;
    }

    public PartitionRole role() {
        return role;
    }

    public boolean isLeader() {
        return role instanceof PartitionRole.Leader;
    }

    public int leaderEpoch() {
        return role.leaderEpoch();
    }

    /** The followers' fetch states as this node leads the partition; empty when it does not. A snapshot. */
    public Map<Integer, FollowerState> followerStates() {
        return followers.snapshot();
    }

    /**
     * Makes this node leader or follower as {@code image} says. An image older than the current role (a smaller
     * leader epoch, or the same epoch with a smaller partition epoch) is ignored.
     *
     * @return whether the role changed
     */
    boolean applyState(PartitionImage image) {
        roleLock.writeLock().lock();
        try {
            PartitionRole current = role;
            if (image.leaderEpoch() < current.leaderEpoch() || (image.leaderEpoch() == current.leaderEpoch()
                    && image.partitionEpoch() <= current.partitionEpoch())) {
                if (image.partitionEpoch() < current.partitionEpoch()) {
                    log.warn("Ignoring stale state of {}: epochs {}/{} after {}/{}", topicPartition,
                            image.leaderEpoch(), image.partitionEpoch(), current.leaderEpoch(),
                            current.partitionEpoch());
                }
                return false;
            }
            if (image.leader() == localNodeId) {
                makeLeader(image, current);
            } else {
                makeFollower(image);
            }
        } finally {
            roleLock.writeLock().unlock();
        }
        fire();
        return true;
    }

    private void makeLeader(PartitionImage image, PartitionRole current) {
        boolean newLeadership = !(current instanceof PartitionRole.Leader)
                || current.leaderEpoch() != image.leaderEpoch();
        if (newLeadership) {
            // The epoch starts where this node's log ends now, before its first append, so that followers asking
            // OffsetForLeaderEpoch learn where the previous epoch ended (Kafka's maybeAssignEpochStartOffset).
            partitionLog.assignEpochStartOffset(image.leaderEpoch());
            // Markers may have come and gone while another node led: no verification begun before counts.
            partitionLog.clearVerificationGuards();
        }
        followers.lead(image.replicas(), newLeadership);
        PartitionRole.Leader leader = new PartitionRole.Leader(image.leaderEpoch(), image.partitionEpoch(),
                image.replicas(), image.isr());
        role = leader;
        maybeIncrementHighWatermark(leader);
        if (newLeadership) {
            log.debug("Leading {} in epoch {} from offset {}, ISR {}", topicPartition, image.leaderEpoch(),
                    partitionLog.logEndOffset(), image.isr());
        }
    }

    /**
     * This node no longer holds the partition (its topic was deleted or its replica moved away; Kafka's StopReplica
     * with delete): it leads and follows no one from now on, so clients and {@code acks=all} waiters get
     * NOT_LEADER_OR_FOLLOWER at once instead of waiting for a high watermark that will not move here again.
     */
    void stop() {
        roleLock.writeLock().lock();
        try {
            followers.clear();
            role = new PartitionRole.Follower(-1, role.leaderEpoch(), role.partitionEpoch());
        } finally {
            roleLock.writeLock().unlock();
        }
        fire();
    }

    private void makeFollower(PartitionImage image) {
        followers.clear();
        role = new PartitionRole.Follower(image.leader(), image.leaderEpoch(), image.partitionEpoch());
    }

    /**
     * Checks that this node leads the partition in the epoch the client believes current ({@code -1}: the client
     * does not know the epoch).
     *
     * @throws NotLeaderOrFollowerException if this node does not lead the partition
     * @throws FencedLeaderEpochException    if the client's epoch is older than the current one
     * @throws UnknownLeaderEpochException   if the client's epoch is newer than the current one
     */
    public void checkLeader(int currentLeaderEpoch) {
        leaderRole(currentLeaderEpoch);
    }

    private PartitionRole.Leader leaderRole(int currentLeaderEpoch) {
        PartitionRole r = role;
        if (!(r instanceof PartitionRole.Leader leader)) {
            throw new NotLeaderOrFollowerException("Node " + localNodeId + " does not lead " + topicPartition);
        }
        if (currentLeaderEpoch >= 0 && currentLeaderEpoch < leader.leaderEpoch()) {
            throw new FencedLeaderEpochException("Leader epoch " + currentLeaderEpoch + " of " + topicPartition
                    + " is older than the current " + leader.leaderEpoch());
        }
        if (currentLeaderEpoch > leader.leaderEpoch()) {
            throw new UnknownLeaderEpochException("Leader epoch " + currentLeaderEpoch + " of " + topicPartition
                    + " is newer than the current " + leader.leaderEpoch());
        }
        return leader;
    }

    /** Appends records as leader without an ISR requirement (acks 0 or 1). */
    public AppendResult appendAsLeader(MemoryRecords records) {
        return appendAsLeader(records, (short) 1);
    }

    /** Appends a produce request's records that the leader did not verify with a transaction coordinator. */
    public AppendResult appendAsLeader(MemoryRecords records, short requiredAcks) {
        return appendAsLeader(records, requiredAcks, TxnVerification.NONE);
    }

    /**
     * KIP-890: the guard under which this leader verifies a transactional producer's write with its coordinator
     * ({@link io.strata.storage.Log#startTransactionVerification}); empty when the producer's transaction of that
     * epoch is open here. A new leadership drops every guard.
     *
     * @throws NotLeaderOrFollowerException if this node does not lead the partition
     */
    public Optional<VerificationGuard> startTransactionVerification(long producerId, short producerEpoch,
                                                                    boolean transactionsV2) {
        roleLock.readLock().lock();
        try {
            leaderRole(-1);
            return partitionLog.startTransactionVerification(producerId, producerEpoch, transactionsV2);
        } finally {
            roleLock.readLock().unlock();
        }
    }

    /**
     * Appends a produce request's records as leader and advances the high watermark where the ISR allows. With
     * {@code requiredAcks = -1} the ISR must hold {@code min.insync.replicas} first. A transactional batch that
     * would start a transaction passes {@code verification} first (KIP-890).
     *
     * @throws NotLeaderOrFollowerException if this node does not lead the partition
     * @throws NotEnoughReplicasException   acks=all and the ISR is too small
     * @throws org.apache.kafka.common.errors.InvalidTxnStateException the verification's guard no longer holds
     */
    public AppendResult appendAsLeader(MemoryRecords records, short requiredAcks, TxnVerification verification) {
        AppendResult result;
        roleLock.readLock().lock();
        try {
            PartitionRole.Leader leader = leaderRole(-1);
            if (requiredAcks == -1) {
                checkMinInSyncReplicas(false);
            }
            result = partitionLog.appendAsLeader(records, leader.leaderEpoch(), verification);
            maybeIncrementHighWatermark(leader);
        } finally {
            roleLock.readLock().unlock();
        }
        fire();
        return result;
    }

    /**
     * Appends a transaction marker as leader for the transaction coordinator (WriteTxnMarkers), with acks=all's
     * ISR requirement, and advances the high watermark where the ISR allows; the caller waits for the marker to be
     * committed ({@link #awaitCommitted}).
     *
     * @throws NotLeaderOrFollowerException if this node does not lead the partition
     * @throws NotEnoughReplicasException   the ISR is smaller than {@code min.insync.replicas}
     */
    public AppendResult appendTxnMarker(long producerId, short producerEpoch, int coordinatorEpoch, boolean commit) {
        AppendResult result;
        roleLock.readLock().lock();
        try {
            PartitionRole.Leader leader = leaderRole(-1);
            checkMinInSyncReplicas(false);
            result = partitionLog.appendTxnMarker(producerId, producerEpoch, coordinatorEpoch, commit,
                    leader.leaderEpoch());
            maybeIncrementHighWatermark(leader);
        } finally {
            roleLock.readLock().unlock();
        }
        fire();
        return result;
    }

    /** Reads as leader, read_uncommitted for consumers ({@link #read(long, int, boolean, int, int, boolean)}). */
    public LogReadInfo read(long fetchOffset, int maxBytes, boolean minOneMessage, int currentLeaderEpoch,
                            int replicaId) {
        return read(fetchOffset, maxBytes, minOneMessage, currentLeaderEpoch, replicaId, false);
    }

    /**
     * Reads as leader for a consumer ({@code replicaId < 0}, up to the high watermark, or the last stable offset
     * with {@code readCommitted}) or for a follower replica (up to the log end offset, uncommitted as in Kafka; its
     * fetch offset becomes its known log end, which may advance the high watermark).
     *
     * @throws NotLeaderOrFollowerException if this node does not lead, or {@code replicaId} is not a replica
     */
    public LogReadInfo read(long fetchOffset, int maxBytes, boolean minOneMessage, int currentLeaderEpoch,
                            int replicaId, boolean readCommitted) {
        PartitionRole.Leader leader = leaderRole(currentLeaderEpoch);
        if (replicaId < 0) {
            long upTo = readCommitted ? partitionLog.lastStableOffset() : partitionLog.highWatermark();
            return partitionLog.read(fetchOffset, maxBytes, upTo, minOneMessage);
        }
        if (!followers.isFollower(replicaId)) {
            throw new NotLeaderOrFollowerException("Fetch from node " + replicaId + ", which is not a replica of "
                    + topicPartition + " (replicas " + leader.replicas() + ")");
        }
        long leaderEnd = partitionLog.logEndOffset();
        LogReadInfo info = partitionLog.read(fetchOffset, maxBytes, leaderEnd, minOneMessage);
        updateFollowerFetchState(replicaId, fetchOffset, leaderEnd);
        return info;
    }

    private void updateFollowerFetchState(int replicaId, long fetchOffset, long leaderEnd) {
        boolean moved;
        roleLock.readLock().lock();
        try {
            if (!(role instanceof PartitionRole.Leader leader)) {
                return;
            }
            FollowerState state = followers.fetched(replicaId, fetchOffset, leaderEnd);
            moved = leader.isr().contains(replicaId) && maybeIncrementHighWatermark(leader);
            if (state != null) {
                long epochStart = partitionLog.latestEpoch().filter(e -> e.epoch() == leader.leaderEpoch())
                        .map(EpochEntry::offset).orElse(0L);
                followers.maybeExpand(leader, replicaId, state, partitionLog.highWatermark(), epochStart);
            }
        } finally {
            roleLock.readLock().unlock();
        }
        if (moved) {
            fire();
        }
    }

    /**
     * Moves the high watermark to the smallest log end offset of the in-sync replicas. Role lock held (either
     * side). Forward only, atomically in the log, so concurrent callers cannot move it back.
     */
    private boolean maybeIncrementHighWatermark(PartitionRole.Leader leader) {
        long candidate = followers.highWatermarkCandidate(leader, partitionLog.logEndOffset());
        return candidate >= 0 && partitionLog.maybeIncrementHighWatermark(candidate);
    }

    /**
     * Appends batches fetched from the leader, if this node still follows it in {@code leaderEpoch}.
     *
     * @throws NotLeaderOrFollowerException if the role changed since the fetch was sent
     */
    public AppendResult appendAsFollower(MemoryRecords records, int leaderEpoch) {
        AppendResult result;
        roleLock.readLock().lock();
        try {
            followerRole(leaderEpoch);
            result = partitionLog.appendAsFollower(records);
        } finally {
            roleLock.readLock().unlock();
        }
        fire();
        return result;
    }

    /** Takes the leader's high watermark, capped by this replica's log end, if it still follows in that epoch. */
    public void updateHighWatermarkAsFollower(long leaderHighWatermark, int leaderEpoch) {
        boolean moved;
        roleLock.readLock().lock();
        try {
            followerRole(leaderEpoch);
            long next = Math.min(leaderHighWatermark, partitionLog.logEndOffset());
            moved = next != partitionLog.highWatermark() && next >= 0;
            if (moved) {
                partitionLog.updateHighWatermark(next);
            }
        } finally {
            roleLock.readLock().unlock();
        }
        if (moved) {
            fire();
        }
    }

    /** Follower truncation to where this replica agrees with its leader (see the replica fetcher). */
    public void truncateAsFollower(long offset) {
        roleLock.readLock().lock();
        try {
            followerRole(role.leaderEpoch());
            partitionLog.truncateTo(offset);
        } finally {
            roleLock.readLock().unlock();
        }
        fire();
    }

    /** Empties this replica and restarts it at the leader's log start offset {@code offset}. */
    public void truncateFullyAsFollower(long offset, int leaderEpoch) {
        roleLock.readLock().lock();
        try {
            followerRole(leaderEpoch);
            partitionLog.truncateFullyAndStartAt(offset);
        } finally {
            roleLock.readLock().unlock();
        }
        fire();
    }

    private PartitionRole.Follower followerRole(int leaderEpoch) {
        if (role instanceof PartitionRole.Follower follower && follower.leaderEpoch() == leaderEpoch) {
            return follower;
        }
        throw new NotLeaderOrFollowerException("Node " + localNodeId + " no longer follows " + topicPartition
                + " in leader epoch " + leaderEpoch + " (now " + role + ")");
    }

    /**
     * Leader only: proposes to drop from the ISR the followers that have not been caught up for
     * {@code replica.lag.time.max.ms}. Called periodically.
     */
    void maybeShrinkIsr() {
        roleLock.readLock().lock();
        try {
            if (role instanceof PartitionRole.Leader leader) {
                followers.maybeShrink(leader);
            }
        } finally {
            roleLock.readLock().unlock();
        }
    }

    /**
     * For acks=all: the ISR must have at least {@code min.insync.replicas} members.
     *
     * @param afterAppend whether the records are already appended (the error differs, as in Kafka)
     * @throws NotEnoughReplicasException            before the append
     * @throws NotEnoughReplicasAfterAppendException after it
     */
    public void checkMinInSyncReplicas(boolean afterAppend) {
        int minIsr = partitionLog.config().minInSyncReplicas();
        int isr = role instanceof PartitionRole.Leader leader ? leader.isr().size() : 0;
        if (isr < minIsr) {
            String message = "The ISR of " + topicPartition + " has " + isr + " replicas, fewer than "
                    + "min.insync.replicas=" + minIsr;
            throw afterAppend ? new NotEnoughReplicasAfterAppendException(message)
                    : new NotEnoughReplicasException(message);
        }
    }

    /** Whether a write up to {@code endOffset} (exclusive) is committed, i.e. below the high watermark. */
    public boolean isCommitted(long endOffset) {
        return partitionLog.highWatermark() >= endOffset;
    }

    /**
     * Waits, holding no lock, until the high watermark reaches {@code endOffset} or {@code deadlineNanos}
     * ({@link System#nanoTime}) passes.
     *
     * @return true if committed, false on timeout
     * @throws NotLeaderOrFollowerException if this node stops leading the partition meanwhile
     * @throws InterruptedException         if the caller is interrupted
     */
    public boolean awaitCommitted(long endOffset, long deadlineNanos) throws InterruptedException {
        if (isCommitted(endOffset)) {
            return true;
        }
        Wakeup wakeup = new Wakeup();
        watch(wakeup);
        try {
            while (!isCommitted(endOffset)) {
                leaderRole(-1);
                if (!wakeup.await(deadlineNanos)) {
                    return isCommitted(endOffset);
                }
            }
            return true;
        } finally {
            unwatch(wakeup);
        }
    }

    /**
     * DeleteRecords as leader: moves the log start offset to {@code offset} ({@code -1}: the high watermark).
     *
     * @return the new log start offset (the low watermark)
     * @throws PolicyViolationException  if the partition is compacted
     * @throws OffsetOutOfRangeException if {@code offset} is negative or above the high watermark
     */
    public long deleteRecords(long offset) {
        long start;
        roleLock.readLock().lock();
        try {
            leaderRole(-1);
            if (!partitionLog.config().delete()) {
                throw new PolicyViolationException("Records of partition " + topicPartition
                        + " can not be deleted while the partition is compacted");
            }
            long highWatermark = partitionLog.highWatermark();
            long target = offset == -1 ? highWatermark : offset;
            if (target < 0 || target > highWatermark) {
                throw new OffsetOutOfRangeException("Cannot delete records of " + topicPartition + " up to " + target
                        + ": the offset must be between 0 and the high watermark " + highWatermark);
            }
            partitionLog.advanceLogStartOffset(target);
            start = partitionLog.logStartOffset();
        } finally {
            roleLock.readLock().unlock();
        }
        fire();
        return start;
    }

    /** Registers {@code wakeup} to be woken when this partition's log or role changes. */
    public void watch(Wakeup wakeup) {
        watchers.add(wakeup);
    }

    public void unwatch(Wakeup wakeup) {
        watchers.remove(wakeup);
    }

    /** Wakes every registered waiter; cheap when there are none, which is the common case on the append path. */
    void fire() {
        if (!watchers.isEmpty()) {
            for (Wakeup w : watchers) {
                w.wake();
            }
        }
    }

    @Override
    public String toString() {
        return topicPartition + "(" + topicId + ")";
    }
}
