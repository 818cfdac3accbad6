package io.strata.server.coordinator.txn;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Where the transaction coordinator keeps its state: the partitions of {@code __transaction_state}. The seam
 * between the coordinator's state machine and replication; tests substitute an in-memory store.
 *
 * <p>Implementations are thread-safe.
 */
interface TxnStore {

    /** The partition that holds a transactional id. */
    int partitionFor(String transactionalId);

    /**
     * The latest state of every transactional id in a partition, replayed from its log start; empty while this
     * node has no log for the partition yet (the caller tries again shortly).
     */
    Optional<Map<String, TxnValue>> load(int partition);

    /** The leader epoch of this node's leadership of the partition: the coordinator epoch of its markers. */
    int coordinatorEpoch(int partition);

    /**
     * Appends the state of a transactional id (empty: a tombstone) as the partition's leader. Never blocks on
     * replication and never throws.
     *
     * @return completes once committed; fails with an {@link org.apache.kafka.common.errors.ApiException}
     */
    CompletableFuture<Void> append(int partition, String transactionalId, Optional<TxnValue> value);
}
