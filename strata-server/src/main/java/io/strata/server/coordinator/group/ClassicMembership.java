package io.strata.server.coordinator.group;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.apache.kafka.common.protocol.Errors;

/**
 * Heartbeat and LeaveGroup of the classic protocol, and the member checks JoinGroup's siblings share. The rebalance
 * itself is {@link ClassicRebalance}'s; JoinGroup and SyncGroup are {@link ClassicJoin} and {@link ClassicSync}.
 *
 * <p>Thread-safety: every change happens under the group's lock; nothing blocks.
 */
final class ClassicMembership {

    private final GroupRegistry registry;
    private final ClassicRebalance rebalance;

    ClassicMembership(GroupRegistry registry, ClassicRebalance rebalance) {
        this.registry = registry;
        this.rebalance = rebalance;
    }

    Errors heartbeat(String groupId, String memberId, Optional<String> instanceId, int generation) {
        if (groupId == null || groupId.isEmpty()) {
            return Errors.INVALID_GROUP_ID;
        }
        Optional<ClassicGroup> found = registry.group(groupId, false);
        if (found.isEmpty()) {
            return Errors.UNKNOWN_MEMBER_ID;
        }
        ClassicGroup group = found.get();
        group.lock.lock();
        try {
            Errors error = validateMember(group, memberId, instanceId, generation);
            if (error != Errors.NONE) {
                return error;
            }
            group.members.get(memberId).touch(rebalance.time().nanoseconds());
            return group.state == GroupState.PREPARING_REBALANCE ? Errors.REBALANCE_IN_PROGRESS : Errors.NONE;
        } finally {
            group.lock.unlock();
        }
    }

    /** Kafka's checks of a member's identity and generation, in Kafka's order. Under the group lock. */
    static Errors validateMember(ClassicGroup group, String memberId, Optional<String> instanceId, int generation) {
        if (group.isGone()) {
            return Errors.COORDINATOR_NOT_AVAILABLE;
        }
        if (instanceId.isPresent()) {
            String holder = group.staticMembers.get(instanceId.get());
            if (holder != null && !holder.equals(memberId)) {
                return Errors.FENCED_INSTANCE_ID;
            }
        }
        if (!group.members.containsKey(memberId)) {
            return Errors.UNKNOWN_MEMBER_ID;
        }
        if (generation != group.generation) {
            return Errors.ILLEGAL_GENERATION;
        }
        return Errors.NONE;
    }

    /** A member leaving: by member id, or by group instance id (with member id "" when an admin removes it). */
    record Leaving(String memberId, Optional<String> instanceId) {
    }

    /**
     * Removes members; returns the error per member in request order.
     *
     * @return empty if the group is unknown
     */
    Optional<List<Errors>> leave(String groupId, List<Leaving> leaving) {
        Optional<ClassicGroup> found = registry.group(groupId, false);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        ClassicGroup group = found.get();
        List<Errors> errors = new ArrayList<>();
        group.lock.lock();
        try {
            if (group.isGone()) {
                return Optional.empty();
            }
            boolean removed = false;
            for (Leaving l : leaving) {
                Errors error = Errors.NONE;
                if (l.instanceId().isPresent()) {
                    String holder = group.staticMembers.get(l.instanceId().get());
                    if (holder == null) {
                        error = Errors.UNKNOWN_MEMBER_ID;
                    } else if (!l.memberId().isEmpty() && !holder.equals(l.memberId())) {
                        error = Errors.FENCED_INSTANCE_ID;
                    } else {
                        ClassicRebalance.removeMember(group, group.members.get(holder), Errors.UNKNOWN_MEMBER_ID);
                        removed = true;
                    }
                } else if (group.pendingMembers.remove(l.memberId()) != null) {
                    removed = true;
                } else if (group.members.containsKey(l.memberId())) {
                    ClassicRebalance.removeMember(group, group.members.get(l.memberId()), Errors.UNKNOWN_MEMBER_ID);
                    removed = true;
                } else {
                    error = Errors.UNKNOWN_MEMBER_ID;
                }
                errors.add(error);
            }
            if (removed) {
                rebalance.afterRemoval(group, "members left the group");
            }
            return Optional.of(errors);
        } finally {
            group.lock.unlock();
        }
    }

    /** Applies {@code f} to the group under its lock. */
    static <T> T locked(ClassicGroup group, Function<ClassicGroup, T> f) {
        group.lock.lock();
        try {
            return f.apply(group);
        } finally {
            group.lock.unlock();
        }
    }
}
