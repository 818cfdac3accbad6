package io.strata.server.cluster;

import io.strata.metadata.PartitionImage;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.Uuid;

/**
 * Where a leader proposes a new ISR (Kafka's AlterPartition): the controller accepts it only if the metadata still
 * has this leader in this leader epoch and partition epoch, and the change then reaches the leader as a new image
 * like every other role change. Implementations are thread-safe.
 */
@FunctionalInterface
public interface IsrChanges {

    /** Proposals go nowhere: for tests of single-replica partitions. */
    IsrChanges NONE = (topicId, partition, leaderId, leaderEpoch, partitionEpoch, newIsr) ->
            CompletableFuture.failedFuture(new IllegalStateException("ISR changes are not wired"));

    CompletableFuture<PartitionImage> alterIsr(Uuid topicId, int partition, int leaderId, int leaderEpoch,
                                               int partitionEpoch, List<Integer> newIsr);
}
