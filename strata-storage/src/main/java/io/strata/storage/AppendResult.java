package io.strata.storage;

/**
 * The outcome of an append.
 *
 * @param firstOffset    offset of the first record appended (or of the original batch for a duplicate)
 * @param lastOffset     offset of the last record appended
 * @param logAppendTime  broker time set on the batches for LogAppendTime topics, otherwise -1
 * @param logStartOffset the log start offset after the append
 * @param duplicate      true when the batch was a retry of an already appended idempotent batch
 */
public record AppendResult(long firstOffset, long lastOffset, long logAppendTime, long logStartOffset,
                           boolean duplicate) {
}
