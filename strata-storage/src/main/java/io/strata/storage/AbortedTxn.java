package io.strata.storage;

/**
 * An aborted transaction as the {@code .txnindex} stores it and read_committed fetches report it. Immutable.
 *
 * @param producerId       the producer whose transaction was aborted
 * @param firstOffset      the offset of the transaction's first batch
 * @param lastOffset       the offset of its ABORT marker
 * @param lastStableOffset the partition's first unstable offset right after the abort (Kafka's field: the first
 *                         offset of the oldest other open transaction, or {@code lastOffset + 1})
 */
public record AbortedTxn(long producerId, long firstOffset, long lastOffset, long lastStableOffset) {
}
