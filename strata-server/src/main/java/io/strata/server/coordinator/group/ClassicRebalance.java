package io.strata.server.coordinator.group;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The classic rebalance state machine shared by JoinGroup, SyncGroup and LeaveGroup: preparing a rebalance (with
 * Kafka's initial delay for empty groups), completing the join phase, removing members, and the timer that expires
 * sessions, pending member ids and join deadlines.
 *
 * <p>Thread-safety: every method but {@link #tick} must be called under the group's lock; {@link #tick} takes each
 * group's lock in turn.
 */
final class ClassicRebalance {

    private static final Logger log = LoggerFactory.getLogger(ClassicRebalance.class);

    private final GroupConfig config;
    private final GroupRegistry registry;
    private final GroupWriter writer;
    private final Time time;
    private volatile boolean closed;

    ClassicRebalance(GroupConfig config, GroupRegistry registry, GroupWriter writer, Time time) {
        this.config = config;
        this.registry = registry;
        this.writer = writer;
        this.time = time;
    }

    GroupConfig config() {
        return config;
    }

    Time time() {
        return time;
    }

    /** Starts a rebalance: fails pending syncs, and gives the join phase its deadline. */
    void prepare(ClassicGroup group, String reason) {
        long now = time.nanoseconds();
        if (group.state == GroupState.COMPLETING_REBALANCE) {
            for (Member m : group.members.values()) {
                m.assignment = new byte[0];
                ClassicResponses.failParkedSync(m, Errors.REBALANCE_IN_PROGRESS);
            }
        }
        // An assignment still being written belongs to the generation this rebalance replaces.
        group.assignmentPending = false;
        long timeout = group.maxRebalanceTimeoutMs() * 1_000_000L;
        if (group.state == GroupState.EMPTY) {
            group.initialDelayEndNanos = now + config.initialRebalanceDelayMs() * 1_000_000L;
            group.joinedDuringInitialDelay = false;
            group.initialDelayCapNanos = now + Math.max(timeout, config.initialRebalanceDelayMs() * 1_000_000L);
            group.joinDeadlineNanos = Math.max(group.initialDelayCapNanos, now + timeout);
        } else {
            group.initialDelayEndNanos = 0;
            group.joinDeadlineNanos = now + timeout;
        }
        log.debug("Preparing to rebalance group {} in state {} with generation {}: {}", group.groupId,
                group.state.kafkaName(), group.generation, reason);
        group.transition(GroupState.PREPARING_REBALANCE);
    }

    /** Completes the join phase if every member has joined (after the initial delay) or the deadline passed. */
    void maybeCompleteJoin(ClassicGroup group) {
        if (group.state != GroupState.PREPARING_REBALANCE) {
            return;
        }
        long now = time.nanoseconds();
        if (group.joinedDuringInitialDelay && now >= group.initialDelayEndNanos
                && group.initialDelayEndNanos < group.initialDelayCapNanos) {
            group.joinedDuringInitialDelay = false;
            group.initialDelayEndNanos = Math.min(group.initialDelayEndNanos
                    + config.initialRebalanceDelayMs() * 1_000_000L, group.initialDelayCapNanos);
        }
        boolean ready = group.allMembersJoined() && now >= group.initialDelayEndNanos;
        if (ready || now >= group.joinDeadlineNanos) {
            completeJoin(group, now);
        }
    }

    private void completeJoin(ClassicGroup group, long now) {
        for (Member m : new ArrayList<>(group.members.values())) {
            if (!m.awaitingJoin()) {
                log.info("Member {} of group {} did not rejoin within the rebalance timeout", m.memberId,
                        group.groupId);
                removeMember(group, m, Errors.UNKNOWN_MEMBER_ID);
            }
        }
        group.generation++;
        if (group.members.isEmpty()) {
            group.protocol = Optional.empty();
            group.protocolType = Optional.empty();
            group.leader = Optional.empty();
            group.transition(GroupState.EMPTY);
            storeQuietly(group);
            log.info("Group {} is empty at generation {}", group.groupId, group.generation);
            return;
        }
        group.protocol = Optional.of(group.selectProtocol());
        if (group.leader.isEmpty() || !group.members.containsKey(group.leader.get())) {
            group.leader = Optional.of(group.members.keySet().iterator().next());
        }
        group.transition(GroupState.COMPLETING_REBALANCE);
        for (Member m : group.members.values()) {
            m.pendingJoin.response = ClassicResponses.join(group, m);
            m.pendingJoin = null;
            m.touch(now);
        }
        log.info("Group {} stabilising at generation {} with {} members, protocol {}", group.groupId,
                group.generation, group.members.size(), group.protocol.get());
    }

    /** After members left: a stable or completing group rebalances; a preparing one may now complete. */
    void afterRemoval(ClassicGroup group, String reason) {
        switch (group.state) {
            case STABLE, COMPLETING_REBALANCE -> {
                prepare(group, reason);
                maybeCompleteJoin(group);
            }
            case PREPARING_REBALANCE -> maybeCompleteJoin(group);
            default -> { }
        }
    }

    static void removeMember(ClassicGroup group, Member member, Errors error) {
        if (member == null) {
            return;
        }
        ClassicResponses.failParked(member, error);
        group.members.remove(member.memberId);
        member.instanceId.ifPresent(id -> group.staticMembers.remove(id, member.memberId));
        if (group.leader.map(member.memberId::equals).orElse(false)) {
            group.leader = group.members.keySet().stream().findFirst();
        }
        group.changed.signalAll();
    }

    /**
     * Writes the group where a failure needs no answer to a client: the next completed rebalance writes it again.
     * The change it stores (the group became empty) is already in effect: membership between rebalances is not
     * stored, so nothing a reader sees hangs on this write.
     */
    private void storeQuietly(ClassicGroup group) {
        SimpleRecord record = groupRecord(group, GroupSnapshots.assignments(group));
        writer.write(group, List.of(record), PendingWrites.Effect.onCommit(() -> { }))
                .whenComplete((ignored, e) -> {
                    if (e != null) {
                        log.warn("Could not store the state of group {}: {}", group.groupId,
                                GroupWriter.cause(e).toString());
                    }
                });
    }

    /** The group's record with {@code assignment} (by member id; missing members get none), ready to write. */
    SimpleRecord groupRecord(ClassicGroup group, Map<String, byte[]> assignment) {
        return writer.record(GroupRecords.groupKey(group.groupId),
                GroupRecords.groupValue(GroupSnapshots.snapshot(group, assignment)));
    }

    GroupWriter writer() {
        return writer;
    }

    /** Parked requests give up with NOT_COORDINATOR from now on: the node is stopping. */
    void close() {
        closed = true;
    }

    boolean isClosed() {
        return closed;
    }

    /** Expires sessions, pending member ids and rebalance deadlines; called periodically by the timer. */
    void tick() {
        for (ClassicGroup group : registry.all()) {
            group.lock.lock();
            try {
                long now = time.nanoseconds();
                boolean removed = false;
                for (Map.Entry<String, Long> e : new ArrayList<>(group.pendingMembers.entrySet())) {
                    if (e.getValue() <= now) {
                        group.pendingMembers.remove(e.getKey());
                        removed = true;
                    }
                }
                for (Member m : new ArrayList<>(group.members.values())) {
                    if (!m.awaitingJoin() && m.sessionDeadlineNanos <= now) {
                        log.info("Member {} of group {} expired: no heartbeat within {} ms", m.memberId,
                                group.groupId, m.sessionTimeoutMs);
                        removeMember(group, m, Errors.UNKNOWN_MEMBER_ID);
                        removed = true;
                    }
                }
                if (removed) {
                    afterRemoval(group, "sessions expired");
                }
                maybeCompleteJoin(group);
            } catch (RuntimeException e) {
                log.error("Timer failed on group {}", group.groupId, e);
            } finally {
                group.lock.unlock();
            }
        }
    }
}
