package io.strata.server.coordinator.txn;

import java.util.Set;
import org.apache.kafka.common.TopicPartition;

/**
 * A transactional id's stored state: what one {@code __transaction_state} record holds. Immutable.
 *
 * @param producerId         the producer id in use
 * @param previousProducerId the id before an epoch exhaustion gave a new one, else -1
 * @param nextProducerId     the id that follows after the current transaction completes, else -1 (kept for
 *                           Kafka's layout; transactions version 1 never sets it)
 * @param producerEpoch      the current epoch
 * @param timeoutMs          the producer's {@code transaction.timeout.ms}
 * @param state              the state
 * @param partitions         the partitions of the open (or completing) transaction
 * @param lastUpdateMs       when the state last changed (the base of transactional id expiry)
 * @param startMs            when the open transaction started, else -1
 */
public record TxnValue(long producerId, long previousProducerId, long nextProducerId, short producerEpoch,
                       int timeoutMs, TxnState state, Set<TopicPartition> partitions, long lastUpdateMs,
                       long startMs) {

    public TxnValue {
        partitions = Set.copyOf(partitions);
    }
}
