package io.strata.server.coordinator.group;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.Uuid;

/**
 * The KIP-848 part of a group whose members use the consumer protocol: the group epoch (bumped by every change of
 * membership, subscriptions or subscribed topics' partitions), the target assignment computed at the assignment
 * epoch, and the members. Mutable; guarded by the owning {@link ClassicGroup}'s lock.
 */
final class ConsumerProtocolGroup {

    int groupEpoch;
    int assignmentEpoch;
    String assignorName = "uniform";
    final Map<String, ConsumerMember> members = new LinkedHashMap<>();
    /** group.instance.id to the member id holding it. */
    final Map<String, String> staticMembers = new HashMap<>();
    /** The target assignment of every member, by topic id. */
    Map<String, Map<Uuid, Set<Integer>>> target = new HashMap<>();
    /** The subscribed topics' ids and partition counts when the target was computed: a change bumps the epoch. */
    Map<String, Map.Entry<Uuid, Integer>> subscribedTopics = new HashMap<>();

    boolean isEmpty() {
        return members.isEmpty();
    }

    /** KIP-848's group states: Empty, Assigning, Reconciling, Stable. */
    String stateName() {
        if (members.isEmpty()) {
            return GroupState.EMPTY.kafkaName();
        }
        if (assignmentEpoch != groupEpoch) {
            return "Assigning";
        }
        boolean reconciled = members.values().stream().allMatch(m -> m.memberEpoch == assignmentEpoch
                && m.state == ConsumerMember.State.STABLE);
        return reconciled ? GroupState.STABLE.kafkaName() : "Reconciling";
    }

    Map<Uuid, Set<Integer>> targetOf(String memberId) {
        return target.getOrDefault(memberId, Map.of());
    }

    Optional<ConsumerMember> member(String memberId) {
        return Optional.ofNullable(members.get(memberId));
    }
}
