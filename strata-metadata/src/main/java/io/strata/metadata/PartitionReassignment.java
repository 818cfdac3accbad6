package io.strata.metadata;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One partition of an AlterPartitionReassignments request. Immutable.
 *
 * @param targetReplicas the replicas the partition should move to, or empty to cancel its ongoing reassignment
 */
public record PartitionReassignment(String topic, int partition, Optional<List<Integer>> targetReplicas) {

    public PartitionReassignment {
        Objects.requireNonNull(topic, "topic");
        targetReplicas = targetReplicas.map(List::copyOf);
    }
}
