package io.strata.server.api.admin;

import io.strata.metadata.MetadataImage;
import io.strata.server.cluster.Partition;
import io.strata.server.cluster.ReplicaManager;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/** Finds a partition this node leads, with Kafka's errors for unknown partitions and other leaders. */
final class PartitionLookup {

    private PartitionLookup() {
    }

    /**
     * @throws UnknownTopicOrPartitionException if the metadata has no such partition
     * @throws NotLeaderOrFollowerException     if this node does not host or lead it
     */
    static Partition leader(MetadataImage image, ReplicaManager replicas, TopicPartition tp) {
        Partition partition = hosted(image, replicas, tp);
        if (!partition.isLeader()) {
            throw new NotLeaderOrFollowerException("This node is not the leader of " + tp);
        }
        return partition;
    }

    /** A partition this node hosts, as leader or follower. */
    static Partition hosted(MetadataImage image, ReplicaManager replicas, TopicPartition tp) {
        boolean known = image.topic(tp.topic()).map(t -> t.partitions().containsKey(tp.partition())).orElse(false);
        if (!known) {
            throw new UnknownTopicOrPartitionException("This server does not host this topic-partition: " + tp);
        }
        return replicas.partition(tp).orElseThrow(() ->
                new NotLeaderOrFollowerException("This node does not host " + tp));
    }
}
