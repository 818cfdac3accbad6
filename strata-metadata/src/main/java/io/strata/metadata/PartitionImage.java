package io.strata.metadata;

import java.util.List;

/** One partition's replica assignment and leadership. Immutable. */
public record PartitionImage(List<Integer> replicas, List<Integer> isr, int leader, int leaderEpoch,
                             int partitionEpoch) {
}
