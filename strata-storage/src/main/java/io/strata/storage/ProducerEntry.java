package io.strata.storage;

import java.util.ArrayList;
import java.util.List;

/**
 * The state of one idempotent producer: its epoch and its last {@value #MAX_BATCHES} batches, oldest first.
 * Immutable: an append produces a new entry, so a failed append leaves the committed state untouched.
 */
record ProducerEntry(long producerId, short epoch, List<ProducerBatch> batches) {
    /** Kafka keeps five: the most in-flight requests an idempotent producer may have per connection. */
    static final int MAX_BATCHES = 5;

    ProducerEntry {
        batches = List.copyOf(batches);
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
        return new ProducerEntry(producerId, newEpoch, next);
    }

    /** This entry moved to {@code newEpoch} without a data batch (a control batch from a newer epoch). */
    ProducerEntry withEpoch(short newEpoch) {
        return newEpoch == epoch ? this : new ProducerEntry(producerId, newEpoch, List.of());
    }

    ProducerBatch lastBatch() {
        return batches.isEmpty() ? null : batches.get(batches.size() - 1);
    }
}
