package io.strata.storage;

/**
 * One of the last batches appended by an idempotent producer, kept to recognise retries.
 *
 * @param firstSeq    sequence of the batch's first record
 * @param lastSeq     sequence of its last record (wrapped)
 * @param firstOffset offset assigned to its first record
 * @param lastOffset  offset assigned to its last record
 * @param timestamp   the batch's max timestamp as stored (the log append time on LogAppendTime topics)
 */
record ProducerBatch(int firstSeq, int lastSeq, long firstOffset, long lastOffset, long timestamp) {
}
