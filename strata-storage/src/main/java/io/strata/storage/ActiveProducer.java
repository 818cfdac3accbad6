package io.strata.storage;

/**
 * What the log knows of one idempotent or transactional producer, as DescribeProducers reports it. Immutable.
 *
 * @param producerId            the producer id
 * @param producerEpoch         its current epoch
 * @param lastSequence          the sequence of the last record of its last batch, or -1 if it has no batch yet
 * @param lastTimestamp         the max timestamp of its last batch, or -1 if it has no batch yet
 * @param coordinatorEpoch      the coordinator epoch of its last transaction marker, or -1 if none
 * @param currentTxnStartOffset the first offset of its ongoing transaction, or -1 if none is open
 */
public record ActiveProducer(long producerId, short producerEpoch, int lastSequence, long lastTimestamp,
                             int coordinatorEpoch, long currentTxnStartOffset) {
}
