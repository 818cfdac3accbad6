package io.strata.server.coordinator.group;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData;

/**
 * KIP-848's incremental reconciliation of one member with its target assignment: partitions to revoke first, then
 * the new epoch with the partitions no other member still holds. Stateless; call under the group's lock.
 */
final class ConsumerReconciler {

    private ConsumerReconciler() {
    }

    /** The partitions a heartbeat reports as owned, by topic id. */
    static Map<Uuid, Set<Integer>> owned(List<ConsumerGroupHeartbeatRequestData.TopicPartitions> topicPartitions) {
        Map<Uuid, Set<Integer>> owned = new HashMap<>();
        topicPartitions.forEach(t -> owned.computeIfAbsent(t.topicId(), k -> new TreeSet<>()).addAll(t.partitions()));
        return owned;
    }

    /** Whether every partition of {@code small} is in {@code big}. */
    static boolean isSubset(Map<Uuid, Set<Integer>> small, Map<Uuid, Set<Integer>> big) {
        return small.entrySet().stream().allMatch(e -> e.getValue().isEmpty()
                || big.getOrDefault(e.getKey(), Set.of()).containsAll(e.getValue()));
    }

    private static boolean intersects(Map<Uuid, Set<Integer>> a, Map<Uuid, Set<Integer>> b) {
        return a.entrySet().stream().anyMatch(e -> e.getValue().stream()
                .anyMatch(p -> b.getOrDefault(e.getKey(), Set.of()).contains(p)));
    }

    /**
     * Moves the member towards its target: first it must revoke what the target no longer gives it (keeping its
     * epoch); then it advances to the assignment epoch and receives the target partitions no other member still
     * holds.
     */
    static void reconcile(ConsumerProtocolGroup cg, ConsumerMember member,
                          Optional<Map<Uuid, Set<Integer>>> reportedOwned, long nowNanos) {
        if (member.state == ConsumerMember.State.UNREVOKED_PARTITIONS) {
            if (reportedOwned.isEmpty() || intersects(reportedOwned.get(), member.pendingRevocation)) {
                return;
            }
            member.pendingRevocation = new HashMap<>();
            member.state = ConsumerMember.State.STABLE;
        }
        if (member.memberEpoch == cg.assignmentEpoch && member.state == ConsumerMember.State.STABLE) {
            return;
        }
        Map<Uuid, Set<Integer>> target = cg.targetOf(member.memberId);
        Map<Uuid, Set<Integer>> keep = new HashMap<>();
        Map<Uuid, Set<Integer>> revoke = new HashMap<>();
        member.assigned.forEach((topic, ps) -> ps.forEach(p -> {
            boolean kept = target.getOrDefault(topic, Set.of()).contains(p);
            (kept ? keep : revoke).computeIfAbsent(topic, t -> new TreeSet<>()).add(p);
        }));
        if (!revoke.isEmpty()) {
            member.assigned = keep;
            member.pendingRevocation = revoke;
            member.state = ConsumerMember.State.UNREVOKED_PARTITIONS;
            member.revocationDeadlineNanos = nowNanos + member.rebalanceTimeoutMs * 1_000_000L;
            return;
        }
        boolean unreleased = false;
        for (Map.Entry<Uuid, Set<Integer>> e : target.entrySet()) {
            for (int p : e.getValue()) {
                if (keep.getOrDefault(e.getKey(), Set.of()).contains(p)) {
                    continue;
                }
                if (heldByOther(cg, member, e.getKey(), p)) {
                    unreleased = true;
                } else {
                    keep.computeIfAbsent(e.getKey(), t -> new TreeSet<>()).add(p);
                }
            }
        }
        member.assigned = keep;
        if (member.memberEpoch != cg.assignmentEpoch) {
            member.previousMemberEpoch = member.memberEpoch;
            member.memberEpoch = cg.assignmentEpoch;
        }
        member.state = unreleased ? ConsumerMember.State.UNRELEASED_PARTITIONS : ConsumerMember.State.STABLE;
    }

    private static boolean heldByOther(ConsumerProtocolGroup cg, ConsumerMember self, Uuid topic, int partition) {
        for (ConsumerMember m : cg.members.values()) {
            if (m != self && (m.assigned.getOrDefault(topic, Set.of()).contains(partition)
                    || m.pendingRevocation.getOrDefault(topic, Set.of()).contains(partition))) {
                return true;
            }
        }
        return false;
    }
}
