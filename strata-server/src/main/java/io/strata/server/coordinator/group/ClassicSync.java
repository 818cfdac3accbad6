package io.strata.server.coordinator.group;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SyncGroup of the classic protocol: the leader hands in the assignment, which is written to
 * {@code __consumer_offsets}; only once that record commits does the group become Stable and does every member,
 * the leader included, get its assignment. If the write fails, every waiting member gets Kafka's error for it and
 * the group rebalances, as Kafka does; the assignment never becomes visible.
 *
 * <p>Thread-safety: under the group's lock; every SyncGroup of the generation parks the calling (virtual) thread
 * on the group's condition, releasing the lock, until the assignment commits or the generation ends.
 */
final class ClassicSync {

    private static final Logger log = LoggerFactory.getLogger(ClassicSync.class);

    private final GroupRegistry registry;
    private final ClassicRebalance rebalance;

    ClassicSync(GroupRegistry registry, ClassicRebalance rebalance) {
        this.registry = registry;
        this.rebalance = rebalance;
    }

    SyncGroupResponseData sync(SyncGroupRequestData r) {
        if (r.groupId() == null || r.groupId().isEmpty()) {
            return ClassicResponses.syncError(Errors.INVALID_GROUP_ID);
        }
        Optional<ClassicGroup> found = registry.group(r.groupId(), false);
        if (found.isEmpty()) {
            return ClassicResponses.syncError(Errors.UNKNOWN_MEMBER_ID);
        }
        ClassicGroup group = found.get();
        group.lock.lock();
        try {
            Errors error = ClassicMembership.validateMember(group, r.memberId(),
                    Optional.ofNullable(r.groupInstanceId()), r.generationId());
            if (error != Errors.NONE) {
                return ClassicResponses.syncError(error);
            }
            if ((r.protocolType() != null && !group.protocolType.map(r.protocolType()::equals).orElse(false))
                    || (r.protocolName() != null && !group.protocol.map(r.protocolName()::equals).orElse(false))) {
                return ClassicResponses.syncError(Errors.INCONSISTENT_GROUP_PROTOCOL);
            }
            Member member = group.members.get(r.memberId());
            member.touch(rebalance.time().nanoseconds());
            return switch (group.state) {
                case PREPARING_REBALANCE -> ClassicResponses.syncError(Errors.REBALANCE_IN_PROGRESS);
                case STABLE -> ClassicResponses.sync(group, member.assignment);
                case COMPLETING_REBALANCE -> {
                    Member.PendingSync pending = park(member);
                    if (group.leader.map(r.memberId()::equals).orElse(false) && !group.assignmentPending) {
                        storeAssignment(group, r.assignments());
                    }
                    yield await(group, member, pending);
                }
                case EMPTY, DEAD -> ClassicResponses.syncError(Errors.UNKNOWN_MEMBER_ID);
            };
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ClassicResponses.syncError(Errors.COORDINATOR_NOT_AVAILABLE);
        } finally {
            group.lock.unlock();
        }
    }

    /**
     * Writes the leader's assignment; on commit, if the generation is still completing, applies it, makes the
     * group Stable and answers every parked SyncGroup. Under the group lock.
     */
    private void storeAssignment(ClassicGroup group, List<SyncGroupRequestData.SyncGroupRequestAssignment> given) {
        Map<String, byte[]> assignment = new HashMap<>();
        for (SyncGroupRequestData.SyncGroupRequestAssignment a : given) {
            if (group.members.containsKey(a.memberId())) {
                assignment.put(a.memberId(), a.assignment());
            }
        }
        int generation = group.generation;
        group.assignmentPending = true;
        rebalance.writer().write(group, List.of(rebalance.groupRecord(group, assignment)), new PendingWrites.Effect() {
            @Override
            public void committed() {
                if (!stillCompleting(group, generation)) {
                    return;
                }
                group.assignmentPending = false;
                for (Member m : group.members.values()) {
                    m.assignment = assignment.getOrDefault(m.memberId, new byte[0]);
                }
                group.transition(GroupState.STABLE);
                for (Member m : group.members.values()) {
                    if (m.pendingSync != null) {
                        m.pendingSync.response = ClassicResponses.sync(group, m.assignment);
                        m.pendingSync = null;
                    }
                }
            }

            @Override
            public void failed(ApiException cause) {
                if (!stillCompleting(group, generation)) {
                    return;
                }
                Errors error = StoreErrors.forGroup(cause);
                log.warn("Storing the assignment of group {} at generation {} failed: {}", group.groupId,
                        generation, cause.toString());
                group.members.values().forEach(m -> ClassicResponses.failParkedSync(m, error));
                rebalance.prepare(group, "storing the assignment failed with " + error);
                rebalance.maybeCompleteJoin(group);
            }
        });
    }

    private static boolean stillCompleting(ClassicGroup group, int generation) {
        return group.assignmentPending && group.state == GroupState.COMPLETING_REBALANCE
                && group.generation == generation;
    }

    /** Waits (releasing the lock) for the generation's assignment to commit. Under the group lock. */
    private SyncGroupResponseData await(ClassicGroup group, Member member, Member.PendingSync pending)
            throws InterruptedException {
        long deadline = rebalance.time().nanoseconds() + member.rebalanceTimeoutMs * 1_000_000L
                + ClassicJoin.WAIT_SLACK_NANOS;
        while (pending.response == null && !rebalance.isClosed() && rebalance.time().nanoseconds() < deadline) {
            group.awaitChange(deadline);
        }
        if (pending.response != null) {
            return pending.response;
        }
        if (member.pendingSync == pending) {
            member.pendingSync = null;
        }
        return ClassicResponses.syncError(rebalance.isClosed() ? Errors.NOT_COORDINATOR
                : Errors.REBALANCE_IN_PROGRESS);
    }

    private static Member.PendingSync park(Member member) {
        ClassicResponses.failParkedSync(member, Errors.REBALANCE_IN_PROGRESS);
        member.pendingSync = new Member.PendingSync();
        return member.pendingSync;
    }
}
