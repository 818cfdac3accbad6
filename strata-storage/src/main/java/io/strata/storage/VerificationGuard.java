package io.strata.storage;

/**
 * A token of one transaction verification (KIP-890): a partition leader takes it from the log
 * ({@link Log#startTransactionVerification}) before asking the transaction coordinator about a producer's first
 * write to the partition, and presents it with the append ({@link TxnVerification#verified}). The log keeps one
 * guard per producer and forgets it when anything ends or changes the producer's transaction in the partition, so
 * an append that presents a guard the log no longer holds was verified against a transaction that may be over.
 *
 * <p>Guards compare by identity: only the log makes them, and two verifications are never the same one.
 *
 * <p>Thread-safety: immutable.
 */
public final class VerificationGuard {
    private final long producerId;
    private final short producerEpoch;
    private final boolean transactionsV2;
    private final long createdMs;

    VerificationGuard(long producerId, short producerEpoch, boolean transactionsV2, long createdMs) {
        this.producerId = producerId;
        this.producerEpoch = producerEpoch;
        this.transactionsV2 = transactionsV2;
        this.createdMs = createdMs;
    }

    public long producerId() {
        return producerId;
    }

    public short producerEpoch() {
        return producerEpoch;
    }

    /**
     * Whether the producer runs transactions version 2, whose markers carry the epoch of its next transaction: a
     * marker of this guard's epoch then ends the previous transaction, not the one being verified.
     */
    boolean transactionsV2() {
        return transactionsV2;
    }

    long createdMs() {
        return createdMs;
    }

    @Override
    public String toString() {
        return "VerificationGuard(producer " + producerId + ", epoch " + producerEpoch
                + (transactionsV2 ? ", transactions v2" : "") + ", " + Integer.toHexString(hashCode()) + ")";
    }
}
