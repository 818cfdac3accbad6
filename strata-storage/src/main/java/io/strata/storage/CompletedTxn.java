package io.strata.storage;

/**
 * A transaction closed by a marker in the log. Immutable.
 *
 * @param producerId  its producer
 * @param firstOffset the offset of its first batch (the marker's own offset when no data batch was seen)
 * @param lastOffset  the offset of the marker
 * @param aborted     true for an ABORT marker, false for COMMIT
 */
record CompletedTxn(long producerId, long firstOffset, long lastOffset, boolean aborted) {
}
