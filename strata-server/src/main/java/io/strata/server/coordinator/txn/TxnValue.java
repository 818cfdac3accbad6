package io.strata.server.coordinator.txn;

import java.util.Set;
import org.apache.kafka.common.TopicPartition;

/**
 * A transactional id's stored state: what one {@code __transaction_state} record holds. Immutable.
 *
 * @param producerId         the producer id in use
 * @param previousProducerId the id before an epoch exhaustion gave a new one, else -1
 * @param nextProducerId     the id the producer gets once the completing transaction completes (transactions
 *                           version 2, when its epoch bump exhausted the epoch), else -1
 * @param producerEpoch      the current epoch
 * @param timeoutMs          the producer's {@code transaction.timeout.ms}
 * @param state              the state
 * @param partitions         the partitions of the open (or completing) transaction
 * @param lastUpdateMs       when the state last changed (the base of transactional id expiry)
 * @param startMs            when the open transaction started, else -1
 * @param clientTxnVersion   the transaction version the producer's transaction runs under (2: KIP-890's epoch bump
 *                           at every end; 0 for the older protocol), Kafka's {@code ClientTransactionVersion}
 */
public record TxnValue(long producerId, long previousProducerId, long nextProducerId, short producerEpoch,
                       int timeoutMs, TxnState state, Set<TopicPartition> partitions, long lastUpdateMs,
                       long startMs, short clientTxnVersion) {

    public TxnValue {
        partitions = Set.copyOf(partitions);
    }

    /** A state of the older protocol (client transaction version 0). */
    public TxnValue(long producerId, long previousProducerId, long nextProducerId, short producerEpoch,
                    int timeoutMs, TxnState state, Set<TopicPartition> partitions, long lastUpdateMs, long startMs) {
        this(producerId, previousProducerId, nextProducerId, producerEpoch, timeoutMs, state, partitions,
                lastUpdateMs, startMs, (short) 0);
    }

    /** Whether the transaction runs under transactions version 2. */
    boolean isV2() {
        return clientTxnVersion >= 2;
    }
}
