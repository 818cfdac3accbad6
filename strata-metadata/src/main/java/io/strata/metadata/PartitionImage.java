package io.strata.metadata;

import java.util.ArrayList;
import java.util.List;

/**
 * One partition's replica assignment and leadership. Immutable.
 *
 * <p>While a reassignment moves the partition (KIP-455), {@link #replicas} is the union of the target replicas and
 * the replicas being removed, in that order: every one of them really holds (or is catching up on) the partition,
 * so that is what the partition reports. {@link #addingReplicas} are the target replicas that were not replicas
 * before the reassignment, {@link #removingReplicas} the replicas that are not targets; both are empty when no
 * reassignment is in progress.
 */
public record PartitionImage(List<Integer> replicas, List<Integer> isr, int leader, int leaderEpoch,
                             int partitionEpoch, List<Integer> addingReplicas, List<Integer> removingReplicas) {

    public PartitionImage {
        replicas = List.copyOf(replicas);
        isr = List.copyOf(isr);
        addingReplicas = List.copyOf(addingReplicas);
        removingReplicas = List.copyOf(removingReplicas);
    }

    /** A partition that is not being reassigned. */
    public PartitionImage(List<Integer> replicas, List<Integer> isr, int leader, int leaderEpoch,
                          int partitionEpoch) {
        this(replicas, isr, leader, leaderEpoch, partitionEpoch, List.of(), List.of());
    }

    /** Whether a reassignment is in progress. */
    public boolean isReassigning() {
        return !addingReplicas.isEmpty() || !removingReplicas.isEmpty();
    }

    /** The replicas the partition will have once its reassignment completes: its replicas when there is none. */
    public List<Integer> targetReplicas() {
        if (removingReplicas.isEmpty()) {
            return replicas;
        }
        List<Integer> target = new ArrayList<>(replicas);
        target.removeAll(removingReplicas);
        return List.copyOf(target);
    }

    /**
     * The same replicas and reassignment with another leader and ISR: every leadership or ISR change must keep an
     * ongoing reassignment, so derive changed states with this rather than the constructor.
     */
    public PartitionImage withLeaderAndIsr(int newLeader, List<Integer> newIsr, int newLeaderEpoch,
                                           int newPartitionEpoch) {
        return new PartitionImage(replicas, newIsr, newLeader, newLeaderEpoch, newPartitionEpoch, addingReplicas,
                removingReplicas);
    }
}
