package io.strata.server.cluster;

import org.apache.kafka.common.protocol.Errors;

/**
 * What the client of a transactional write knows of KIP-890, read from its request's version as Kafka's
 * {@code TransactionSupportedOperation} is: whether its partition leader verifies the partition with the
 * transaction coordinator or has the coordinator add it, and which errors the client understands. Decides the
 * error a refused write is answered with.
 */
public enum TransactionSupport {
    /** Produce v3-v10: verified; knows neither TRANSACTION_ABORTABLE nor PRODUCER_FENCED on a write. */
    DEFAULT_ERROR,
    /** Produce v11 (KIP-890 part 1): verified; a write outside the transaction is TRANSACTION_ABORTABLE. */
    GENERIC_ERROR_SUPPORTED,
    /** Produce v12+ and TxnOffsetCommit v5 (transactions version 2): the coordinator adds the partition. */
    ADD_PARTITION;

    /** The support of a Produce request of {@code version}. */
    public static TransactionSupport forProduce(short version) {
        return version >= 12 ? ADD_PARTITION : version == 11 ? GENERIC_ERROR_SUPPORTED : DEFAULT_ERROR;
    }

    /** Whether the leader asks the coordinator to add the partitions rather than to verify them. */
    public boolean addsPartitions() {
        return this == ADD_PARTITION;
    }

    /**
     * The error a write refused by the coordinator's {@code answer} gets, as Kafka's partition leader translates
     * it. The coordinator's own unavailability, or its wait for a transaction to complete, becomes the retriable
     * NOT_ENOUGH_REPLICAS (which triggers no metadata refresh). A partition outside the producer's transaction
     * (TRANSACTION_ABORTABLE from Kafka's coordinator since 3.8, INVALID_TXN_STATE from Strata's) is
     * TRANSACTION_ABORTABLE for a client that knows it: the producer aborts and goes on, where an older client gets
     * INVALID_TXN_STATE. A fenced producer is PRODUCER_FENCED for a transactions version 2 client and
     * INVALID_PRODUCER_EPOCH for the others (KIP-588). Any other answer (such as INVALID_PRODUCER_ID_MAPPING) is
     * the client's error as it is.
     */
    public Errors clientError(Errors answer) {
        return switch (answer) {
            case NOT_COORDINATOR, COORDINATOR_NOT_AVAILABLE, COORDINATOR_LOAD_IN_PROGRESS, CONCURRENT_TRANSACTIONS,
                 NETWORK_EXCEPTION, REQUEST_TIMED_OUT -> Errors.NOT_ENOUGH_REPLICAS;
            case TRANSACTION_ABORTABLE, INVALID_TXN_STATE -> this == DEFAULT_ERROR ? Errors.INVALID_TXN_STATE
                    : Errors.TRANSACTION_ABORTABLE;
            case PRODUCER_FENCED -> addsPartitions() ? Errors.PRODUCER_FENCED : Errors.INVALID_PRODUCER_EPOCH;
            case CLUSTER_AUTHORIZATION_FAILED -> Errors.INVALID_TXN_STATE;
            default -> answer;
        };
    }
}
