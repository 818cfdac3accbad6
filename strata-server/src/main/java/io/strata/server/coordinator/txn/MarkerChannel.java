package io.strata.server.coordinator.txn;

import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;

/**
 * How the coordinator writes a transaction's markers: WriteTxnMarkers to the leader of each partition. Tests
 * substitute a channel that answers as they choose.
 *
 * <p>Implementations are thread-safe; {@link #write} may block (on a virtual thread).
 */
interface MarkerChannel extends AutoCloseable {

    /** One transaction's markers. */
    record Markers(long producerId, short producerEpoch, boolean commit, int coordinatorEpoch,
                   Set<TopicPartition> partitions) {
        public Markers {
            partitions = Set.copyOf(partitions);
        }
    }

    /**
     * Writes the markers once to the partitions' current leaders.
     *
     * @return the outcome per partition: NONE once written, UNKNOWN_TOPIC_OR_PARTITION if the metadata no longer
     *         has the partition, TRANSACTION_COORDINATOR_FENCED if a newer coordinator wrote the producer's markers,
     *         any other error to try again later
     */
    Map<TopicPartition, Errors> write(Markers markers);

    @Override
    default void close() {
    }
}
