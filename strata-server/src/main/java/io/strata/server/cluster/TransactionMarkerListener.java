package io.strata.server.cluster;

import org.apache.kafka.common.TopicPartition;

/**
 * Learns of transaction markers written to a {@code __consumer_offsets} partition once they are committed (the
 * high watermark passed them), so that the group coordinator can materialize or drop the offsets a transaction
 * committed with TxnOffsetCommit (Kafka's {@code GroupCoordinator.onTransactionCompleted}).
 *
 * <p>Thread-safety: implementations are called from request threads, concurrently for different partitions, and
 * must not block for long.
 */
@FunctionalInterface
public interface TransactionMarkerListener {

    /** Ignores every marker: the registration until a group coordinator that handles transactions plugs in. */
    TransactionMarkerListener NONE = (partition, producerId, producerEpoch, commit, markerOffset) -> { };

    /**
     * A COMMIT ({@code commit}) or ABORT marker for {@code producerId} at {@code markerOffset} of {@code partition}
     * is committed.
     */
    void onMarkerCommitted(TopicPartition partition, long producerId, short producerEpoch, boolean commit,
                           long markerOffset);
}
