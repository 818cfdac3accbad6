package io.strata.server.cluster;

import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;

/**
 * How a partition leader checks a transactional producer's first write to a partition with the producer's
 * transaction coordinator before accepting it (KIP-890): AddPartitionsToTxn v4+ from broker to coordinator. Part 1
 * (verify only): a write to a partition that is not in the producer's open transaction is refused, so it can never
 * open a transaction that no marker closes (a "hanging" transaction). Part 2 (transactions version 2): the
 * coordinator adds the partition to the transaction itself, as the producer no longer does.
 *
 * <p>The leader takes a verification guard from each partition's log before asking, and appends the write with it
 * ({@link io.strata.storage.TxnVerification}), so that a transaction ending between the answer and the append
 * cannot be reopened by the write; writes that {@link #verifies} says are not checked carry no guard.
 *
 * <p>Thread-safety: implementations are called from request threads concurrently and may block (on a virtual
 * thread) while the coordinator answers.
 */
public interface TransactionVerifier {

    /** Accepts every write without asking anyone: the registration until a transaction coordinator plugs in. */
    TransactionVerifier NONE = new TransactionVerifier() {
        @Override
        public boolean verifies(TransactionSupport support) {
            return false;
        }

        @Override
        public Map<TopicPartition, Errors> verify(String transactionalId, long producerId, short producerEpoch,
                                                  Set<TopicPartition> partitions, TransactionSupport support) {
            return Map.of();
        }
    };

    /**
     * Whether the writes of a client with {@code support} are checked with the coordinator; when not,
     * {@link #verify} accepts them without asking and their appends check no guard, as Kafka's with
     * {@code transaction.partition.verification.enable=false}.
     */
    boolean verifies(TransactionSupport support);

    /**
     * Verifies (or, if {@code support} {@linkplain TransactionSupport#addsPartitions adds partitions}, adds) the
     * partitions of a producer's transaction.
     *
     * @return the error of each refused partition, in the client's terms
     *         ({@link TransactionSupport#clientError}); absent if accepted
     */
    Map<TopicPartition, Errors> verify(String transactionalId, long producerId, short producerEpoch,
                                       Set<TopicPartition> partitions, TransactionSupport support);
}
