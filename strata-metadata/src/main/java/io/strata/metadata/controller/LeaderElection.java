package io.strata.metadata.controller;

import io.strata.metadata.PartitionImage;
import java.util.List;
import java.util.Optional;
import java.util.function.IntPredicate;

/**
 * Leader and ISR of one partition given which brokers are usable (registered and not fenced), as Kafka's
 * controller decides them:
 * <ul>
 *   <li>unusable brokers leave the ISR, except that the ISR never becomes empty: when no member is usable it keeps
 *       the last leader (or stays as it is if the partition had no leader), the replica known to have everything
 *       that was committed;</li>
 *   <li>a usable leader in the ISR stays leader; otherwise the first replica, in replica order, that is in the ISR
 *       and usable becomes leader;</li>
 *   <li>with no usable ISR member the partition has no leader ({@code -1}), unless unclean election is enabled:
 *       then the first usable replica leads with an ISR of itself (acknowledged records may be lost).</li>
 * </ul>
 * Every change bumps both the leader epoch and the partition epoch. The decision is idempotent: applied to its own
 * result with the same usable brokers it changes nothing.
 *
 * <p>Stateless and thread-safe.
 */
public final class LeaderElection {

    /** The leader of a partition that has none. */
    public static final int NO_LEADER = -1;

    private LeaderElection() {
    }

    /**
     * @param partition      the current state
     * @param usable         whether a broker may lead or be in the ISR
     * @param uncleanAllowed {@code unclean.leader.election.enable} of the partition's topic
     * @return the new state, or empty if nothing changes
     */
    public static Optional<PartitionImage> elect(PartitionImage partition, IntPredicate usable,
                                                 boolean uncleanAllowed) {
        List<Integer> isr = partition.isr().stream().filter(usable::test).toList();
        int leader = partition.leader();
        if (leader == NO_LEADER || !isr.contains(leader)) {
            leader = partition.replicas().stream().filter(isr::contains).findFirst().orElse(NO_LEADER);
        }
        if (leader == NO_LEADER) {
            Optional<Integer> unclean = uncleanAllowed
                    ? partition.replicas().stream().filter(usable::test).findFirst() : Optional.empty();
            if (unclean.isPresent()) {
                leader = unclean.get();
                isr = List.of(leader);
            } else {
                isr = partition.isr().contains(partition.leader()) ? List.of(partition.leader()) : partition.isr();
            }
        }
        if (leader == partition.leader() && isr.equals(partition.isr())) {
            return Optional.empty();
        }
        return Optional.of(partition.withLeaderAndIsr(leader, isr, partition.leaderEpoch() + 1,
                partition.partitionEpoch() + 1));
    }
}
