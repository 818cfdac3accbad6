package io.strata.server.coordinator.group;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;

class ServerAssignorsTest {

    private static final Uuid A = Uuid.randomUuid();
    private static final Uuid B = Uuid.randomUuid();

    private static int count(Map<Uuid, Set<Integer>> assignment) {
        return assignment.values().stream().mapToInt(Set::size).sum();
    }

    private static void assertCoversOnce(Map<String, Map<Uuid, Set<Integer>>> result, Map<Uuid, Integer> counts) {
        Set<String> seen = new HashSet<>();
        result.values().forEach(a -> a.forEach((t, ps) -> ps.forEach(p -> assertThat(seen.add(t + "-" + p))
                .as("partition %s-%s assigned twice", t, p).isTrue())));
        assertThat(seen).hasSize(counts.values().stream().mapToInt(Integer::intValue).sum());
    }

    @Test
    void uniformBalancesAndKeepsPartitionsWhereTheyAre() {
        UniformServerAssignor uniform = new UniformServerAssignor();
        Map<Uuid, Integer> counts = Map.of(A, 6, B, 3);
        Map<String, Set<Uuid>> subs = Map.of("m1", Set.of(A, B), "m2", Set.of(A, B), "m3", Set.of(A, B));
        Map<String, Map<Uuid, Set<Integer>>> first = uniform.assign(new ServerAssignor.Input(subs, Map.of(), counts));
        assertCoversOnce(first, counts);
        assertThat(first.values()).allSatisfy(a -> assertThat(count(a)).isEqualTo(3));

        // m3 leaves: m1 and m2 keep everything they had and share m3's partitions.
        Map<String, Set<Uuid>> two = Map.of("m1", Set.of(A, B), "m2", Set.of(A, B));
        Map<String, Map<Uuid, Set<Integer>>> second = uniform.assign(new ServerAssignor.Input(two, first, counts));
        assertCoversOnce(second, counts);
        assertThat(List.of(count(second.get("m1")), count(second.get("m2")))).containsExactlyInAnyOrder(4, 5);
        for (String m : List.of("m1", "m2")) {
            first.get(m).forEach((t, ps) -> assertThat(second.get(m).get(t)).containsAll(ps));
        }
    }

    @Test
    void uniformRespectsHeterogeneousSubscriptions() {
        Map<Uuid, Integer> counts = Map.of(A, 4, B, 4);
        Map<String, Set<Uuid>> subs = Map.of("m1", Set.of(A), "m2", Set.of(A, B));
        Map<String, Map<Uuid, Set<Integer>>> result = new UniformServerAssignor().assign(
                new ServerAssignor.Input(subs, Map.of(), counts));
        assertCoversOnce(result, counts);
        assertThat(result.get("m1")).containsOnlyKeys(A);
        assertThat(count(result.get("m1"))).isEqualTo(4);
        assertThat(result.get("m2")).containsOnlyKeys(B);
    }

    @Test
    void rangeGivesContiguousBlocksPerTopic() {
        Map<Uuid, Integer> counts = new HashMap<>(Map.of(A, 5));
        Map<String, Map<Uuid, Set<Integer>>> result = new RangeServerAssignor().assign(new ServerAssignor.Input(
                Map.of("b", Set.of(A), "a", Set.of(A)), Map.of(), counts));
        assertThat(result.get("a").get(A)).containsExactly(0, 1, 2);
        assertThat(result.get("b").get(A)).containsExactly(3, 4);
    }
}
