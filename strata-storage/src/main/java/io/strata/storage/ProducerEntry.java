package io.strata.storage;

import java.util.ArrayList;
import java.util.List;

/**
 * The state of one idempotent or transactional producer: its epoch, its last {@value #MAX_BATCHES} batches (oldest
 * first), the epoch of the transaction coordinator that wrote its last marker, and the first offset of its ongoing
 * transaction. Immutable: an append produces a new entry, so a failed append leaves the committed state untouched.
 *
 * @param coordinatorEpoch       the coordinator epoch of the last marker, -1 before any
 * @param currentTxnFirstOffset  the offset of the first batch of the ongoing transaction, -1 when none is open
 */
record ProducerEntry(long producerId, short epoch, List<ProducerBatch> batches, int coordinatorEpoch,
                     long currentTxnFirstOffset) {
    /** Kafka keeps five: the most in-flight requests an idempotent producer may have per connection. */
    static final int MAX_BATCHES = 5;

    ProducerEntry {
        batches = List.copyOf(batches);
    }

    /** A producer seen for the first time, with no batch, marker or transaction yet. */
    static ProducerEntry empty(long producerId, short epoch) {
        return new ProducerEntry(producerId, epoch, List.of(), -1, -1);
    }

    /** This entry plus {@code batch}; a new epoch starts over with only that batch. */
    ProducerEntry with(short newEpoch, ProducerBatch batch) {
        List<ProducerBatch> next = new ArrayList<>(MAX_BATCHES);
        if (newEpoch == epoch) {
            next.addAll(batches);
        }
        next.add(batch);
        while (next.size() > MAX_BATCHES) {
            next.remove(0);
        }
        return new ProducerEntry(producerId, newEpoch, next, coordinatorEpoch, currentTxnFirstOffset);
    }

    /** This entry moved to {@code newEpoch} without a data batch (a control batch from a newer epoch). */
    ProducerEntry withEpoch(short newEpoch) {
        return newEpoch == epoch ? this
                : new ProducerEntry(producerId, newEpoch, List.of(), coordinatorEpoch, currentTxnFirstOffset);
    }

    /** This entry with its ongoing transaction starting at {@code firstOffset}. */
    ProducerEntry withTxnStart(long firstOffset) {
        return new ProducerEntry(producerId, epoch, batches, coordinatorEpoch, firstOffset);
    }

    /** This entry after a marker of {@code markerCoordinatorEpoch}: no transaction open any more. */
    ProducerEntry withTxnEnded(int markerCoordinatorEpoch) {
        return new ProducerEntry(producerId, epoch, batches, markerCoordinatorEpoch, -1);
    }

    boolean inTransaction() {
        return currentTxnFirstOffset >= 0;
    }

    /** Whether a transaction of {@code producerEpoch} is open: a write of that epoch continues it. */
    boolean inTransactionOf(short producerEpoch) {
        return inTransaction() && epoch == producerEpoch;
    }

    ProducerBatch lastBatch() {
        return batches.isEmpty() ? null : batches.get(batches.size() - 1);
    }
}
