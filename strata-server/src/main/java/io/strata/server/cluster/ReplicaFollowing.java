package io.strata.server.cluster;

import org.apache.kafka.common.TopicPartition;

/**
 * Where the replica manager hands the partitions this node follows: something that replicates them from their
 * leaders (the replica fetchers). Implementations are thread-safe.
 */
public interface ReplicaFollowing extends AutoCloseable {

    /** A following that replicates nothing: single-replica partitions, and tests. */
    ReplicaFollowing NONE = new ReplicaFollowing() {
        @Override
        public void follow(Partition partition, int leaderId, int leaderEpoch) {
        }

        @Override
        public void unfollow(TopicPartition tp) {
        }

        @Override
        public void close() {
        }
    };

    /** Replicates {@code partition} from {@code leaderId} in {@code leaderEpoch}, replacing any earlier follow. */
    void follow(Partition partition, int leaderId, int leaderEpoch);

    /** Stops replicating {@code tp} (this node leads it now, or no longer hosts it). */
    void unfollow(TopicPartition tp);

    @Override
    void close();
}
