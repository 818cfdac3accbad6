package io.strata.metadata.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

class ReplicaPlacerTest {

    private final ReplicaPlacer placer = new ReplicaPlacer(new SplittableRandom());

    @RepeatedTest(5)
    void placesRoundRobinWithDistinctReplicasAndBalancedLeaders() {
        List<Integer> brokers = List.of(1, 2, 5);
        List<List<Integer>> assignment = placer.place(brokers, 9, 2);
        assertThat(assignment).hasSize(9).allSatisfy(replicas -> {
            assertThat(replicas).hasSize(2).doesNotHaveDuplicates();
            assertThat(brokers).containsAll(replicas);
        });
        Map<Integer, Long> leaders = assignment.stream().map(r -> r.get(0))
                .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
        assertThat(leaders).containsOnlyKeys(1, 2, 5).allSatisfy((broker, count) -> assertThat(count).isEqualTo(3));
        for (int p = 1; p < assignment.size(); p++) { // consecutive partitions start at the next broker
            int previous = brokers.indexOf(assignment.get(p - 1).get(0));
            assertThat(assignment.get(p).get(0)).isEqualTo(brokers.get((previous + 1) % brokers.size()));
        }
    }

    @Test
    void refusesMoreReplicasThanBrokers() {
        assertThatThrownBy(() -> placer.place(List.of(1, 2), 1, 3)).isInstanceOf(InvalidReplicationFactorException.class);
        assertThatThrownBy(() -> placer.place(List.of(), 1, 1)).isInstanceOf(InvalidReplicationFactorException.class);
        assertThatThrownBy(() -> placer.place(List.of(1), 1, 0)).isInstanceOf(InvalidReplicationFactorException.class);
        assertThatThrownBy(() -> placer.place(racks("a", "b"), 1, 3))
                .isInstanceOf(InvalidReplicationFactorException.class);
    }

    @Test
    void arrangesBrokersSoThatRacksAlternate() {
        SortedMap<Integer, Optional<String>> brokers = new TreeMap<>(Map.of(1, Optional.of("b"), 2, Optional.of("a"),
                3, Optional.of("a"), 4, Optional.of("c"), 5, Optional.of("b"), 6, Optional.of("a")));
        assertThat(ReplicaPlacer.rackAlternating(brokers)).containsExactly(2, 1, 4, 3, 5, 6);
    }

    @RepeatedTest(5)
    void threeReplicasOverThreeRacksPutOneReplicaInEveryRack() {
        SortedMap<Integer, Optional<String>> brokers = racks("a", "a", "b", "b", "c", "c");
        List<List<Integer>> assignment = placer.place(brokers, 12, 3);
        assertThat(assignment).allSatisfy(replicas -> assertThat(replicas.stream().map(brokers::get))
                .containsExactlyInAnyOrder(Optional.of("a"), Optional.of("b"), Optional.of("c")));
        // every broker leads twice, and replicas are spread evenly as well
        assertThat(counts(assignment.stream().map(r -> r.get(0)).toList())).containsOnlyKeys(brokers.keySet())
                .allSatisfy((broker, count) -> assertThat(count).isEqualTo(2));
        assertThat(counts(assignment.stream().flatMap(List::stream).toList()))
                .allSatisfy((broker, count) -> assertThat(count).isEqualTo(6));
    }

    @Test
    void brokersWithoutRackCountAsOneMoreRack() {
        SortedMap<Integer, Optional<String>> brokers = racks("a", "a", null, null);
        assertThat(placer.place(brokers, 8, 2)).allSatisfy(replicas -> assertThat(replicas.stream()
                .map(brokers::get).distinct()).hasSize(2));
    }

    /**
     * Any cluster, racked or not: replicas are distinct brokers of the cluster, a partition spans as many racks as it
     * can, and leaders are spread evenly (each broker leads the floor or the ceiling of partitions / brokers).
     */
    @Property(tries = 300)
    void spreadsReplicasOverRacksAndLeadersOverBrokers(@ForAll @IntRange(min = 1, max = 12) int brokerCount,
                                                      @ForAll @IntRange(min = 1, max = 5) int rackCount,
                                                      @ForAll @IntRange(min = 1, max = 40) int partitions,
                                                      @ForAll long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        boolean racked = rackCount > 1 || random.nextBoolean();
        SortedMap<Integer, Optional<String>> brokers = new TreeMap<>();
        for (int i = 0; i < brokerCount; i++) {
            int broker = i * 3 + random.nextInt(3); // sparse ids
            brokers.put(broker, racked ? Optional.of("rack-" + random.nextInt(rackCount)) : Optional.empty());
        }
        int replicationFactor = 1 + random.nextInt(brokerCount);
        int racks = new HashSet<>(brokers.values()).size();

        List<List<Integer>> assignment = new ReplicaPlacer(random).place(brokers, partitions, replicationFactor);

        assertThat(assignment).hasSize(partitions).allSatisfy(replicas -> {
            assertThat(replicas).hasSize(replicationFactor).doesNotHaveDuplicates();
            assertThat(brokers.keySet()).containsAll(replicas);
            assertThat(replicas.stream().map(brokers::get).distinct()).hasSize(Math.min(replicationFactor, racks));
        });
        Map<Integer, Long> leaders = counts(assignment.stream().map(r -> r.get(0)).toList());
        int floor = partitions / brokerCount;
        for (int broker : brokers.keySet()) {
            assertThat(leaders.getOrDefault(broker, 0L)).isBetween((long) floor, (long) floor + 1);
        }
    }

    /** With equally sized racks, consecutive partitions are led from different racks. */
    @Property(tries = 100)
    void consecutiveLeadersAlternateRacks(@ForAll @IntRange(min = 2, max = 4) int rackCount,
                                          @ForAll @IntRange(min = 1, max = 3) int perRack,
                                          @ForAll long seed) {
        SortedMap<Integer, Optional<String>> brokers = new TreeMap<>();
        for (int i = 0; i < rackCount * perRack; i++) {
            brokers.put(i, Optional.of("rack-" + (i % rackCount)));
        }
        List<List<Integer>> assignment = new ReplicaPlacer(new SplittableRandom(seed)).place(brokers, 20, 1);
        for (int p = 1; p < assignment.size(); p++) {
            assertThat(brokers.get(assignment.get(p).get(0))).isNotEqualTo(brokers.get(assignment.get(p - 1).get(0)));
        }
    }

    /** Brokers 1, 2, ... in the given racks ({@code null}: no rack). */
    private static SortedMap<Integer, Optional<String>> racks(String... racks) {
        SortedMap<Integer, Optional<String>> brokers = new TreeMap<>();
        for (int i = 0; i < racks.length; i++) {
            brokers.put(i + 1, Optional.ofNullable(racks[i]));
        }
        return brokers;
    }

    private static Map<Integer, Long> counts(List<Integer> brokers) {
        return brokers.stream().collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
    }
}
