package io.strata.server.coordinator.txn;

import java.util.Optional;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One transactional id this node coordinates: its committed state and the write in flight, if any.
 *
 * <p>Thread-safety: the mutable fields are guarded by {@link #lock}, which is never held while waiting for a write
 * to commit or for markers.
 */
final class TxnMetadata {

    final String transactionalId;
    final int partition;
    final ReentrantLock lock = new ReentrantLock();
    /**
     * Signalled under {@link #lock} whenever {@link #value}, {@link #pending} or {@link #removed} change, so that a
     * request waiting for the id's write or completion to finish decides again.
     */
    final Condition changed = lock.newCondition();
    /** The state as last committed to {@code __transaction_state}. */
    TxnValue value;
    /** The state being written: requests that would change the id get CONCURRENT_TRANSACTIONS meanwhile. */
    Optional<TxnValue> pending = Optional.empty();
    /** The epoch before the last bump, so that a retried InitProducerId (KIP-360) gets the same answer; -1 if none. */
    short lastProducerEpoch = -1;
    /** This node no longer coordinates the id (leadership moved or the id expired): nothing may change it here. */
    boolean removed;

    TxnMetadata(String transactionalId, int partition, TxnValue value) {
        this.transactionalId = transactionalId;
        this.partition = partition;
        this.value = value;
    }
}
