package io.strata.metadata.controller;

import static io.strata.metadata.controller.LeaderElection.NO_LEADER;
import static org.assertj.core.api.Assertions.assertThat;

import io.strata.metadata.PartitionImage;
import java.util.List;
import java.util.Set;
import java.util.function.IntPredicate;
import org.junit.jupiter.api.Test;

class LeaderElectionTest {

    private static final List<Integer> REPLICAS = List.of(1, 2, 3);

    private static PartitionImage partition(List<Integer> isr, int leader) {
        return new PartitionImage(REPLICAS, isr, leader, 5, 10);
    }

    private static IntPredicate usableExcept(Integer... fenced) {
        Set<Integer> down = Set.of(fenced);
        return id -> !down.contains(id);
    }

    @Test
    void aFencedLeaderIsReplacedByTheNextIsrMemberInReplicaOrderAndLeavesTheIsr() {
        assertThat(LeaderElection.elect(partition(List.of(3, 1, 2), 1), usableExcept(1), false))
                .contains(new PartitionImage(REPLICAS, List.of(3, 2), 2, 6, 11));
    }

    @Test
    void aFencedFollowerLeavesTheIsrAndTheLeaderStays() {
        assertThat(LeaderElection.elect(partition(List.of(1, 2, 3), 1), usableExcept(3), false))
                .contains(new PartitionImage(REPLICAS, List.of(1, 2), 1, 6, 11));
    }

    @Test
    void theLastIsrMemberIsKeptWithoutLeader() {
        assertThat(LeaderElection.elect(partition(List.of(2), 2), usableExcept(2), false))
                .contains(new PartitionImage(REPLICAS, List.of(2), NO_LEADER, 6, 11));
        // all ISR members fenced at once: the leader, known to hold everything committed, is the one kept
        assertThat(LeaderElection.elect(partition(List.of(1, 2), 2), usableExcept(1, 2), false))
                .contains(new PartitionImage(REPLICAS, List.of(2), NO_LEADER, 6, 11));
    }

    @Test
    void anUnfencedIsrMemberLeadsALeaderlessPartitionButAnOutOfIsrReplicaDoesNot() {
        PartitionImage leaderless = partition(List.of(2), NO_LEADER);
        assertThat(LeaderElection.elect(leaderless, usableExcept(), false))
                .contains(new PartitionImage(REPLICAS, List.of(2), 2, 6, 11));
        assertThat(LeaderElection.elect(leaderless, usableExcept(2), false)).isEmpty();
    }

    @Test
    void uncleanElectionPicksTheFirstLiveReplicaOnlyWhenNoIsrMemberIsAlive() {
        assertThat(LeaderElection.elect(partition(List.of(2), 2), usableExcept(2), true))
                .contains(new PartitionImage(REPLICAS, List.of(1), 1, 6, 11));
        assertThat(LeaderElection.elect(partition(List.of(2, 3), 2), usableExcept(2), true))
                .contains(new PartitionImage(REPLICAS, List.of(3), 3, 6, 11));
        assertThat(LeaderElection.elect(partition(List.of(2), 2), usableExcept(1, 2, 3), true))
                .contains(new PartitionImage(REPLICAS, List.of(2), NO_LEADER, 6, 11));
    }

    @Test
    void nothingChangesWhenEveryoneIsUsable() {
        assertThat(LeaderElection.elect(partition(List.of(1, 2, 3), 2), usableExcept(), false)).isEmpty();
    }

    /**
     * Over every ISR, fenced set, leader and unclean setting of three replicas: the decision applied to its own
     * result changes nothing (the liveness loop converges), a leader is always a usable ISR member, and the ISR
     * never becomes empty.
     */
    @Test
    void isIdempotentAndKeepsTheInvariantsForEveryStateOfThreeReplicas() {
        for (int isrMask = 0; isrMask < 8; isrMask++) {
            for (int downMask = 0; downMask < 8; downMask++) {
                for (int leader = NO_LEADER; leader <= 3; leader++) {
                    for (boolean unclean : new boolean[] {false, true}) {
                        int isrBits = isrMask;
                        int downBits = downMask;
                        List<Integer> isr = REPLICAS.stream().filter(r -> (isrBits & (1 << (r - 1))) != 0).toList();
                        IntPredicate usable = id -> (downBits & (1 << (id - 1))) == 0;
                        PartitionImage start = partition(isr, isr.contains(leader) ? leader : NO_LEADER);
                        PartitionImage settled = LeaderElection.elect(start, usable, unclean).orElse(start);
                        assertThat(LeaderElection.elect(settled, usable, unclean)).as("%s", start).isEmpty();
                        if (settled.leader() != NO_LEADER) {
                            assertThat(settled.isr()).as("%s", start).contains(settled.leader())
                                    .allMatch(usable::test);
                        }
                        if (!isr.isEmpty()) {
                            assertThat(settled.isr()).as("%s", start).isNotEmpty();
                        }
                    }
                }
            }
        }
    }
}
