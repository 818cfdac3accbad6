package io.strata.server.cluster;

import java.util.List;

/**
 * What this node is for one partition, as of the last metadata image applied to it. Role changes come only from
 * the metadata image, in order; a partition never guesses its role locally. Immutable values.
 */
public sealed interface PartitionRole {

    /** The leader epoch the role belongs to. */
    int leaderEpoch();

    /** The partition epoch (bumped on every leader or ISR change) the role was built from. */
    int partitionEpoch();

    /**
     * This node leads the partition.
     *
     * @param replicas the assigned replicas, this node included
     * @param isr      the in-sync replicas as committed in the metadata (this node included)
     */
    record Leader(int leaderEpoch, int partitionEpoch, List<Integer> replicas, List<Integer> isr)
            implements PartitionRole {
        public Leader {
            replicas = List.copyOf(replicas);
            isr = List.copyOf(isr);
        }
    }

    /**
     * This node holds a replica led by another node.
     *
     * @param leaderId the leader's node id, or -1 when the partition has no leader
     */
    record Follower(int leaderId, int leaderEpoch, int partitionEpoch) implements PartitionRole {
    }
}
