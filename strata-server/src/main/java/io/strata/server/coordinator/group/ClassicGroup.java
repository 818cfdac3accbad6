package io.strata.server.coordinator.group;

import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.utils.Time;

/**
 * A classic-protocol group: its members, generation, chosen protocol and committed offsets.
 *
 * <p>Thread-safety: every field is guarded by {@link #lock}. Requests that must wait (JoinGroup for the rebalance,
 * SyncGroup for the leader's assignment) wait on {@link #changed}, which releases the lock while they are parked;
 * whoever completes a pending response signals it.
 *
 * <p>State written to {@code __consumer_offsets} changes here only once its records are committed (see
 * {@link GroupWriter}); until then, what requests that write must already know is kept apart
 * ({@link #pendingOffsets}, {@link #assignmentPending}, {@link #deleting}).
 */
final class ClassicGroup {

    final String groupId;
    final int partition;
    final ReentrantLock lock = new ReentrantLock();
    final Condition changed = lock.newCondition();
    final Time time;
    /** Writes appended but not yet committed, whose effects wait for their commit. */
    final PendingWrites writes = new PendingWrites();

    GroupState state = GroupState.EMPTY;
    int generation;
    Optional<String> protocolType = Optional.empty();
    Optional<String> protocol = Optional.empty();
    Optional<String> leader = Optional.empty();
    /** Wall-clock time of the last state change; the base of offset expiry for empty groups. */
    long stateTimestamp;
    final Map<String, Member> members = new LinkedHashMap<>();
    /** Member ids handed out with MEMBER_ID_REQUIRED, to the Time.nanoseconds() by which they must rejoin. */
    final Map<String, Long> pendingMembers = new HashMap<>();
    /** group.instance.id to the member id currently holding it. */
    final Map<String, String> staticMembers = new HashMap<>();
    /** While PREPARING_REBALANCE: when the join phase ends even if members are missing (System.nanoTime()). */
    long joinDeadlineNanos;
    /** While PREPARING_REBALANCE from empty: the initial delay keeps the join open at least until then. */
    long initialDelayEndNanos;
    /** Cap on extending the initial delay: the rebalance timeout after the first join. */
    long initialDelayCapNanos;
    /** A member joined during the current step of the initial delay, so another step follows. */
    boolean joinedDuringInitialDelay;
    /** Committed offsets: what OffsetFetch shows. */
    final Map<TopicPartition, GroupRecords.OffsetValue> offsets = new HashMap<>();
    /** Offsets written but not yet committed, so that deletions also cover them. */
    final Map<TopicPartition, GroupRecords.OffsetValue> pendingOffsets = new HashMap<>();
    /**
     * Transactional offsets (TxnOffsetCommit) committed to the log by producer id, awaiting the transaction's
     * marker: moved to {@link #offsets} on COMMIT, dropped on ABORT. OffsetFetch with {@code require_stable}
     * answers UNSTABLE_OFFSET_COMMIT for their partitions meanwhile.
     */
    final Map<Long, Map<TopicPartition, GroupRecords.OffsetValue>> pendingTxnOffsets = new HashMap<>();
    /** The leader's assignment is being written: the group becomes Stable when (and if) it commits. */
    boolean assignmentPending;
    /**
     * The group's deletion is being written: requests that would change it are refused (retriably) until the
     * tombstones commit and the group is dead, or fail and it lives on.
     */
    boolean deleting;
    /**
     * Present while the group is a KIP-848 consumer group; its classic part is then empty. An empty group of
     * either kind turns into the other when a member of the other protocol joins.
     */
    Optional<ConsumerProtocolGroup> consumer = Optional.empty();

    ClassicGroup(String groupId, int partition, Time time) {
        this.groupId = groupId;
        this.partition = partition;
        this.time = time;
        this.stateTimestamp = time.milliseconds();
    }

    void transition(GroupState next) {
        state = next;
        stateTimestamp = time.milliseconds();
        changed.signalAll();
    }

    /** Dead, or about to be: requests that would change the group get COORDINATOR_NOT_AVAILABLE and retry. */
    boolean isGone() {
        return state == GroupState.DEAD || deleting;
    }

    /** Offset keys a deletion must cover: committed ones and those still being written. */
    Set<TopicPartition> offsetKeys() {
        Set<TopicPartition> keys = new HashSet<>(offsets.keySet());
        keys.addAll(pendingOffsets.keySet());
        return keys;
    }

    boolean isEmpty() {
        return members.isEmpty();
    }

    /** Members that have not sent JoinGroup in the current rebalance. */
    boolean allMembersJoined() {
        return members.values().stream().allMatch(Member::awaitingJoin) && pendingMembers.isEmpty();
    }

    int maxRebalanceTimeoutMs() {
        return members.values().stream().mapToInt(m -> m.rebalanceTimeoutMs).max().orElse(0);
    }

    /** Protocols that every member supports, in the order of {@code candidate}'s preference. */
    Set<String> commonProtocols() {
        Set<String> common = null;
        for (Member m : members.values()) {
            Set<String> names = new HashSet<>();
            m.protocols.forEach(p -> names.add(p.name()));
            if (common == null) {
                common = names;
            } else {
                common.retainAll(names);
            }
        }
        return common == null ? Set.of() : common;
    }

    /** Whether a member with these protocols may join: same protocol type and one protocol in common. */
    boolean supports(String memberProtocolType, List<Member.Protocol> memberProtocols) {
        if (isEmpty()) {
            return !memberProtocolType.isEmpty() && !memberProtocols.isEmpty();
        }
        if (!protocolType.map(memberProtocolType::equals).orElse(true)) {
            return false;
        }
        Set<String> common = commonProtocols();
        return memberProtocols.stream().anyMatch(p -> common.contains(p.name()));
    }

    /**
     * Kafka's protocol vote: every member votes for the first of its protocols that all members support; the
     * protocol with the most votes wins (ties go to the first member's preference).
     */
    String selectProtocol() {
        Set<String> common = commonProtocols();
        Map<String, Integer> votes = new LinkedHashMap<>();
        for (Member m : members.values()) {
            m.protocols.stream().map(Member.Protocol::name).filter(common::contains).findFirst()
                    .ifPresent(p -> votes.merge(p, 1, Integer::sum));
        }
        return votes.entrySet().stream().max((a, b) -> Integer.compare(a.getValue(), b.getValue()))
                .map(Map.Entry::getKey).orElseThrow();
    }

    /** Waits on {@link #changed} until the deadline; the lock is released while waiting. */
    void awaitChange(long deadlineNanos) throws InterruptedException {
        long remaining = deadlineNanos - time.nanoseconds();
        if (remaining > 0) {
            changed.await(remaining, TimeUnit.NANOSECONDS);
        }
    }

    /** Kafka's name for the group's type in ListGroups v5+. */
    String type() {
        return consumer.isPresent() ? "consumer" : "classic";
    }

    /** The state as Kafka names it for the group's type. */
    String stateName() {
        return consumer.map(ConsumerProtocolGroup::stateName).orElse(state.kafkaName());
    }

    /** Fails every parked request of a group this node stops coordinating, and marks it dead. Under the lock. */
    void abandon() {
        for (Member m : members.values()) {
            ClassicResponses.failParked(m, Errors.NOT_COORDINATOR);
        }
        transition(GroupState.DEAD);
    }

    /** Whether members of either protocol are in the group. */
    boolean hasMembers() {
        return !members.isEmpty() || consumer.map(c -> !c.isEmpty()).orElse(false);
    }
}
