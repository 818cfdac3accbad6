package io.strata.storage;

import java.util.HashMap;
import java.util.Map;

/**
 * The {@link VerificationGuard}s a partition leader holds for its producers (KIP-890), at most one per producer id.
 * A guard is taken before the leader asks the transaction coordinator about a producer's first write to the
 * partition, and dropped by anything that ends or changes that producer's transaction in the partition before the
 * write is appended:
 * <ul>
 *   <li>a transactional batch of the producer reaching the log: a data batch has started (or continued) its
 *       transaction, which needs no guard from then on, so a guard is used once; a marker has ended it. The
 *       exception is a transactions version 2 producer's marker of the guard's own epoch: such markers carry the
 *       epoch of the producer's next transaction, so it ends the previous one, not the one being verified;</li>
 *   <li>a newer epoch taking a guard for the same producer, which supersedes the older one;</li>
 *   <li>truncation, reloading the producer state, or a new leadership ({@link #clear});</li>
 *   <li>{@code producer.id.expiration.ms} passing since it was taken, for a write that never came.</li>
 * </ul>
 * Guards live in memory only, never in producer snapshots: a restarted or new leader holds none.
 *
 * <p>Thread-safety: not thread-safe; guarded by the owning log's lock.
 */
final class VerificationGuards {
    private final Map<Long, VerificationGuard> byProducer = new HashMap<>();

    /**
     * The guard for a write of {@code producerId} at {@code epoch}: the one held for that epoch, shared by
     * concurrent first writes of one transaction so that the first appended does not fail the others, else a new
     * one, held unless a newer epoch's guard is (an older epoch's write then gets a guard that is never held).
     */
    VerificationGuard take(long producerId, short epoch, boolean transactionsV2, long nowMs) {
        VerificationGuard current = byProducer.get(producerId);
        if (current != null && current.producerEpoch() == epoch) {
            return current;
        }
        VerificationGuard fresh = new VerificationGuard(producerId, epoch, transactionsV2, nowMs);
        if (current == null || epoch > current.producerEpoch()) {
            byProducer.put(producerId, fresh);
        }
        return fresh;
    }

    /** Whether {@code guard} is still its producer's: nothing ended or changed the transaction since it was taken. */
    boolean holds(VerificationGuard guard) {
        return byProducer.get(guard.producerId()) == guard;
    }

    /** A transactional data batch, or a marker ({@code marker}), of {@code producerId} at {@code epoch} was appended. */
    void onTransactionalWrite(long producerId, short epoch, boolean marker) {
        VerificationGuard current = byProducer.get(producerId);
        if (current != null && !(marker && current.transactionsV2() && current.producerEpoch() == epoch)) {
            byProducer.remove(producerId);
        }
    }

    /** Drops the guards taken {@code expirationMs} or longer before {@code nowMs}. */
    void expire(long nowMs, long expirationMs) {
        byProducer.values().removeIf(g -> nowMs - g.createdMs() >= expirationMs);
    }

    void clear() {
        byProducer.clear();
    }
}
