package io.strata.server.coordinator.txn;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;

class TxnTransitionsTest {

    private static final TopicPartition A = new TopicPartition("a", 0);
    private static final TopicPartition B = new TopicPartition("b", 0);
    private final AtomicLong ids = new AtomicLong(9000);

    private static TxnValue idle(short epoch) {
        return new TxnValue(100, -1, -1, epoch, 60_000, TxnState.EMPTY, Set.of(), 0, -1);
    }

    private static TxnValue written(TxnTransitions.Transition t) {
        assertThat(t).isInstanceOf(TxnTransitions.Transition.Write.class);
        return ((TxnTransitions.Transition.Write) t).target();
    }

    private static Errors answered(TxnTransitions.Transition t) {
        assertThat(t).isInstanceOf(TxnTransitions.Transition.Answer.class);
        return ((TxnTransitions.Transition.Answer) t).error();
    }

    @Test
    void version1KeepsTheEpochThroughCommitAndCompletion() {
        TxnValue ongoing = written(TxnTransitions.addPartitions(idle((short) 3), Set.of(A), 10, false));
        assertThat(ongoing.state()).isEqualTo(TxnState.ONGOING);
        assertThat(ongoing.startMs()).isEqualTo(10);
        TxnValue prepared = written(TxnTransitions.endTxn(ongoing, (short) 3, true, false, 20, ids::getAndIncrement));
        assertThat(prepared.state()).isEqualTo(TxnState.PREPARE_COMMIT);
        assertThat(prepared.producerEpoch()).isEqualTo((short) 3);
        TxnValue done = TxnTransitions.completion(prepared, 30);
        assertThat(done.state()).isEqualTo(TxnState.COMPLETE_COMMIT);
        assertThat(done.producerEpoch()).isEqualTo((short) 3);
        assertThat(done.partitions()).isEmpty();
        // A retry of the same EndTxn succeeds; the other outcome is an invalid state.
        assertThat(answered(TxnTransitions.endTxn(done, (short) 3, true, false, 40, ids::getAndIncrement)))
                .isEqualTo(Errors.NONE);
        assertThat(answered(TxnTransitions.endTxn(done, (short) 3, false, false, 40, ids::getAndIncrement)))
                .isEqualTo(Errors.INVALID_TXN_STATE);
    }

    @Test
    void version2BumpsTheEpochAtEveryEndAndTheMarkersCarryIt() {
        TxnValue ongoing = written(TxnTransitions.addPartitions(idle((short) 3), Set.of(A, B), 10, true));
        assertThat(ongoing.isV2()).isTrue();
        TxnValue prepared = written(TxnTransitions.endTxn(ongoing, (short) 3, true, true, 20, ids::getAndIncrement));
        assertThat(prepared.state()).isEqualTo(TxnState.PREPARE_COMMIT);
        assertThat(prepared.producerEpoch()).as("the markers' epoch").isEqualTo((short) 4);
        assertThat(prepared.partitions()).containsExactlyInAnyOrder(A, B);
        assertThat(TxnTransitions.nextProducerId(prepared)).isEqualTo(100);
        assertThat(TxnTransitions.nextProducerEpoch(prepared)).isEqualTo((short) 4);
        TxnValue done = TxnTransitions.completion(prepared, 30);
        assertThat(done.producerEpoch()).isEqualTo((short) 4);

        TxnValue next = written(TxnTransitions.addPartitions(done, Set.of(A), 40, true));
        TxnValue aborted = written(TxnTransitions.endTxn(next, (short) 4, false, true, 50, ids::getAndIncrement));
        assertThat(aborted.state()).isEqualTo(TxnState.PREPARE_ABORT);
        assertThat(aborted.producerEpoch()).isEqualTo((short) 5);
    }

    @Test
    void version2RetriesNameTheEpochBeforeTheBump() {
        TxnValue ongoing = written(TxnTransitions.addPartitions(idle((short) 3), Set.of(A), 10, true));
        TxnValue prepared = written(TxnTransitions.endTxn(ongoing, (short) 3, true, true, 20, ids::getAndIncrement));
        assertThat(answered(TxnTransitions.endTxn(prepared, (short) 3, true, true, 25, ids::getAndIncrement)))
                .isEqualTo(Errors.CONCURRENT_TRANSACTIONS);
        TxnValue done = TxnTransitions.completion(prepared, 30);
        assertThat(answered(TxnTransitions.endTxn(done, (short) 3, true, true, 35, ids::getAndIncrement)))
                .isEqualTo(Errors.NONE);
        assertThat(answered(TxnTransitions.endTxn(done, (short) 3, false, true, 35, ids::getAndIncrement)))
                .isEqualTo(Errors.PRODUCER_FENCED);
        assertThat(answered(TxnTransitions.endTxn(done, (short) 2, true, true, 35, ids::getAndIncrement)))
                .isEqualTo(Errors.PRODUCER_FENCED);
    }

    @Test
    void version2AbortsWithNoTransactionOpenStillBumpTheEpoch() {
        TxnValue prepared = written(TxnTransitions.endTxn(idle((short) 7), (short) 7, false, true, 20,
                ids::getAndIncrement));
        assertThat(prepared.state()).isEqualTo(TxnState.PREPARE_ABORT);
        assertThat(prepared.partitions()).isEmpty();
        assertThat(prepared.producerEpoch()).isEqualTo((short) 8);
    }

    @Test
    void version2CommitThatOvertakesItsRecordsWaitsForThem() {
        TxnValue ongoing = written(TxnTransitions.addPartitions(idle((short) 3), Set.of(A), 10, true));
        TxnValue prepared = written(TxnTransitions.endTxn(ongoing, (short) 3, true, true, 20, ids::getAndIncrement));
        // The producer continues at epoch 4, and its next EndTxn reaches the coordinator before any of its records
        // reaches a leader (Kafka's producer can send it first): it waits while the first transaction completes...
        assertThat(answered(TxnTransitions.endTxn(prepared, (short) 4, true, true, 25, ids::getAndIncrement)))
                .isEqualTo(Errors.CONCURRENT_TRANSACTIONS);
        TxnValue done = TxnTransitions.completion(prepared, 30);
        // ...and once it completed, rather than failing the producer with INVALID_TXN_STATE.
        assertThat(answered(TxnTransitions.endTxn(done, (short) 4, true, true, 35, ids::getAndIncrement)))
                .isEqualTo(Errors.CONCURRENT_TRANSACTIONS);
        // The records arrive, their leader adds the partition, and the retried EndTxn commits them.
        TxnValue next = written(TxnTransitions.addPartitions(done, Set.of(B), 40, true));
        TxnValue second = written(TxnTransitions.endTxn(next, (short) 4, true, true, 45, ids::getAndIncrement));
        assertThat(second.state()).isEqualTo(TxnState.PREPARE_COMMIT);
        assertThat(second.partitions()).containsExactly(B);
        assertThat(second.producerEpoch()).isEqualTo((short) 5);
        // Past the transaction timeout no such records can still be on their way: an invalid state, as in Kafka.
        assertThat(answered(TxnTransitions.endTxn(done, (short) 4, true, true, 30 + 60_001, ids::getAndIncrement)))
                .isEqualTo(Errors.INVALID_TXN_STATE);
    }

    @Test
    void everyEndWaitsWhileThePreviousTransactionsMarkersAreWritten() {
        TxnValue ongoing = written(TxnTransitions.addPartitions(idle((short) 3), Set.of(A), 10, false));
        TxnValue committing = written(TxnTransitions.endTxn(ongoing, (short) 3, true, false, 20,
                ids::getAndIncrement));
        assertThat(answered(TxnTransitions.endTxn(committing, (short) 3, false, false, 25, ids::getAndIncrement)))
                .isEqualTo(Errors.CONCURRENT_TRANSACTIONS);

        TxnValue ongoingV2 = written(TxnTransitions.addPartitions(idle((short) 3), Set.of(A), 10, true));
        TxnValue aborting = written(TxnTransitions.endTxn(ongoingV2, (short) 3, false, true, 20,
                ids::getAndIncrement));
        // The next transaction's commit, at the bumped epoch, and a retry of the abort's EndTxn naming the other
        // outcome both wait for the abort's markers.
        assertThat(answered(TxnTransitions.endTxn(aborting, (short) 4, true, true, 25, ids::getAndIncrement)))
                .isEqualTo(Errors.CONCURRENT_TRANSACTIONS);
        assertThat(answered(TxnTransitions.endTxn(aborting, (short) 3, true, true, 25, ids::getAndIncrement)))
                .isEqualTo(Errors.CONCURRENT_TRANSACTIONS);
        TxnValue aborted = TxnTransitions.completion(aborting, 30);
        assertThat(answered(TxnTransitions.endTxn(aborted, (short) 3, true, true, 35, ids::getAndIncrement)))
                .isEqualTo(Errors.PRODUCER_FENCED);
    }

    @Test
    void version2EpochExhaustionHandsOverToANewProducerIdAtCompletion() {
        TxnValue ongoing = written(TxnTransitions.addPartitions(idle((short) (Short.MAX_VALUE - 1)), Set.of(A), 10,
                true));
        TxnValue prepared = written(TxnTransitions.endTxn(ongoing, (short) (Short.MAX_VALUE - 1), true, true, 20,
                ids::getAndIncrement));
        assertThat(prepared.producerEpoch()).isEqualTo(Short.MAX_VALUE);
        assertThat(prepared.producerId()).as("the markers' producer id").isEqualTo(100);
        assertThat(prepared.nextProducerId()).isEqualTo(9000);
        assertThat(TxnTransitions.nextProducerId(prepared)).isEqualTo(9000);
        assertThat(TxnTransitions.nextProducerEpoch(prepared)).isZero();
        TxnValue done = TxnTransitions.completion(prepared, 30);
        assertThat(done.producerId()).isEqualTo(9000);
        assertThat(done.previousProducerId()).isEqualTo(100);
        assertThat(done.nextProducerId()).isEqualTo(-1);
        assertThat(done.producerEpoch()).isZero();
    }

    @Test
    void fencingAnOpenTransactionBumpsTheEpochAndAbortsIt() {
        TxnValue ongoing = written(TxnTransitions.addPartitions(idle((short) 3), Set.of(A), 10, false));
        TxnValue fenced = written(TxnTransitions.init(ongoing, 60_000, 20, ids::getAndIncrement));
        assertThat(fenced.state()).isEqualTo(TxnState.PREPARE_ABORT);
        assertThat(fenced.producerEpoch()).isEqualTo((short) 4);
        assertThat(fenced.partitions()).containsExactly(A);
        assertThat(answered(TxnTransitions.init(fenced, 60_000, 20, ids::getAndIncrement)))
                .isEqualTo(Errors.CONCURRENT_TRANSACTIONS);
    }

    @Test
    void verificationAcceptsOnlyPartitionsOfTheOpenTransaction() {
        TxnValue ongoing = written(TxnTransitions.addPartitions(idle((short) 3), Set.of(A), 10, false));
        assertThat(TxnTransitions.verify(ongoing, A)).isEqualTo(Errors.NONE);
        assertThat(TxnTransitions.verify(ongoing, B)).isEqualTo(Errors.INVALID_TXN_STATE);
        assertThat(TxnTransitions.verify(idle((short) 3), A)).isEqualTo(Errors.INVALID_TXN_STATE);
        assertThat(answered(TxnTransitions.addPartitions(ongoing, Set.of(A), 20, false))).isEqualTo(Errors.NONE);
    }
}
