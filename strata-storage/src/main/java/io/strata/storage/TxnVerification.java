package io.strata.storage;

import java.util.Optional;

/**
 * What a leader append asks of a transactional batch that would start its producer's transaction in the partition
 * (KIP-890): nothing when the leader did not verify the write with the transaction coordinator, else the
 * {@link VerificationGuard} it took before asking, which must still be the producer's current one. Batches that
 * continue an open transaction of their producer and epoch, and non-transactional ones, are never checked.
 *
 * <p>Thread-safety: immutable.
 */
public sealed interface TxnVerification {

    /**
     * No check: the leader did not verify (verification is off for the client's protocol, no transaction
     * coordinator runs, or the write is the broker's own).
     */
    TxnVerification NONE = new Unverified();

    /**
     * The leader verified the write holding {@code guard}; empty when it found the producer's transaction open and
     * asked no one, so the batch may only continue that transaction.
     */
    static TxnVerification verified(Optional<VerificationGuard> guard) {
        return new Verified(guard);
    }

    /** See {@link #NONE}. */
    record Unverified() implements TxnVerification {
    }

    /** See {@link #verified}. */
    record Verified(Optional<VerificationGuard> guard) implements TxnVerification {
    }
}
