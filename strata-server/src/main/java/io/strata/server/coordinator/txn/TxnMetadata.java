package io.strata.server.coordinator.txn;

import java.util.Optional;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One transactional id this node coordinates: its committed state and the write in flight, if any.
 *
 * <p>Thread-safety: the mutable fields are guarded by {@link #lock}, which is never held while waiting for a write
 * to commit or for markers ({@link #awaitChange} releases it while it waits).
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

    /** Under {@link #lock}: the write in flight is over, applied or not; wakes the requests waiting for it. */
    void clearPending() {
        pending = Optional.empty();
        changed.signalAll();
    }

    /**
     * Under {@link #lock}: waits until the id's state or write in flight changes, or {@code deadlineNanos}. A request
     * that meets a write in flight or a transaction completing waits here rather than being told
     * CONCURRENT_TRANSACTIONS at once: the client's retry back-off (100 ms for EndTxn and produce, 20 ms for
     * AddPartitionsToTxn) would otherwise add to every transaction that starts right after another. Nothing the
     * waiting request's connection carries is needed for the change, which the coordinator drives itself.
     *
     * @return false when the deadline passed (or the thread was interrupted): answer CONCURRENT_TRANSACTIONS
     */
    boolean awaitChange(long deadlineNanos) {
        long left = deadlineNanos - System.nanoTime();
        if (left <= 0) {
            return false;
        }
        try {
            changed.awaitNanos(left);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
