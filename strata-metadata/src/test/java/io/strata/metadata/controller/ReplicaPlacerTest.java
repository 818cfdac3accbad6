package io.strata.metadata.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.stream.Collectors;
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
    }
}
