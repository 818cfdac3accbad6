package io.strata.server.coordinator.group;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;

class ConsumerReconcilerTest {

    private static final Uuid TOPIC = Uuid.randomUuid();
    private static final long NOW = 1_000_000_000L;

    private final ConsumerProtocolGroup group = new ConsumerProtocolGroup();

    private ConsumerMember member(String id, int epoch, Set<Integer> assigned, Set<Integer> target) {
        ConsumerMember m = new ConsumerMember(id);
        m.memberEpoch = epoch;
        m.rebalanceTimeoutMs = 30_000;
        m.assigned = partitions(assigned);
        group.members.put(id, m);
        group.target.put(id, partitions(target));
        return m;
    }

    private static Map<Uuid, Set<Integer>> partitions(Set<Integer> ps) {
        Map<Uuid, Set<Integer>> map = new HashMap<>();
        if (!ps.isEmpty()) {
            map.put(TOPIC, new TreeSet<>(ps));
        }
        return map;
    }

    @Test
    void aMemberRevokesFirstAndKeepsItsEpochUntilItReportsTheRevocation() {
        group.groupEpoch = 2;
        group.assignmentEpoch = 2;
        ConsumerMember a = member("a", 1, Set.of(0, 1), Set.of(0));

        ConsumerReconciler.reconcile(group, a, Optional.of(partitions(Set.of(0, 1))), NOW);
        assertThat(a.state).isEqualTo(ConsumerMember.State.UNREVOKED_PARTITIONS);
        assertThat(a.memberEpoch).isEqualTo(1);
        assertThat(a.assigned).isEqualTo(partitions(Set.of(0)));
        assertThat(a.pendingRevocation).isEqualTo(partitions(Set.of(1)));
        assertThat(a.revocationDeadlineNanos).isEqualTo(NOW + 30_000_000_000L);

        ConsumerReconciler.reconcile(group, a, Optional.of(partitions(Set.of(0, 1))), NOW);
        assertThat(a.state).isEqualTo(ConsumerMember.State.UNREVOKED_PARTITIONS);

        ConsumerReconciler.reconcile(group, a, Optional.of(partitions(Set.of(0))), NOW);
        assertThat(a.state).isEqualTo(ConsumerMember.State.STABLE);
        assertThat(a.memberEpoch).isEqualTo(2);
        assertThat(a.previousMemberEpoch).isEqualTo(1);
    }

    @Test
    void aPartitionStillHeldByAnotherMemberIsGivenOnlyOnceReleased() {
        group.groupEpoch = 2;
        group.assignmentEpoch = 2;
        ConsumerMember holder = member("holder", 1, Set.of(0, 1), Set.of(0));
        ConsumerMember b = member("b", 1, Set.of(), Set.of(1));

        ConsumerReconciler.reconcile(group, b, Optional.of(partitions(Set.of())), NOW);
        assertThat(b.state).isEqualTo(ConsumerMember.State.UNRELEASED_PARTITIONS);
        assertThat(b.memberEpoch).isEqualTo(2);
        assertThat(b.assigned).isEmpty();

        ConsumerReconciler.reconcile(group, holder, Optional.of(partitions(Set.of(0, 1))), NOW);
        ConsumerReconciler.reconcile(group, holder, Optional.of(partitions(Set.of(0))), NOW);
        ConsumerReconciler.reconcile(group, b, Optional.of(partitions(Set.of())), NOW);
        assertThat(b.state).isEqualTo(ConsumerMember.State.STABLE);
        assertThat(b.assigned).isEqualTo(partitions(Set.of(1)));
    }
}
