package io.strata.server.coordinator.txn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.strata.server.coordinator.ManualTime;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.NotCoordinatorException;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TransactionCoordinatorTest {

    private static final String ID = "txn-1";
    private static final TopicPartition A = new TopicPartition("a", 0);
    private static final TopicPartition B = new TopicPartition("b", 1);
    private static final int TIMEOUT_MS = TxnTestKit.TIMEOUT_MS;

    private final TxnTestKit kit = new TxnTestKit();
    private final ManualTime time = kit.time;
    private final MemoryTxnStore store = kit.store;
    private final ScriptedMarkers markers = kit.markers;
    private TransactionCoordinator coordinator = kit.coordinator;

    @AfterEach
    void stop() {
        kit.close();
    }

    /** Restarts the coordinator on what the store holds. */
    private void restart() {
        kit.restart();
        coordinator = kit.coordinator;
    }

    private TxnValue state() {
        return store.latest(ID).orElseThrow();
    }

    @Test
    void firstInitGivesANewProducerIdAtEpochZeroAndTheNextBumpsTheEpoch() {
        var first = coordinator.initProducerId(ID, TIMEOUT_MS, -1, (short) -1);
        assertThat(first.error()).isEqualTo(Errors.NONE);
        assertThat(first.producerId()).isEqualTo(1000);
        assertThat(first.producerEpoch()).isZero();
        assertThat(state().state()).isEqualTo(TxnState.EMPTY);

        var second = coordinator.initProducerId(ID, TIMEOUT_MS, -1, (short) -1);
        assertThat(second).isEqualTo(new TransactionCoordinator.InitResult(Errors.NONE, 1000, (short) 1));
        // The first incarnation is fenced.
        assertThat(coordinator.addPartitions(ID, 1000, (short) 0, Set.of(A))).isEqualTo(Errors.PRODUCER_FENCED);
        assertThat(coordinator.addPartitions(ID, 999, (short) 1, Set.of(A)))
                .isEqualTo(Errors.INVALID_PRODUCER_ID_MAPPING);
        assertThat(coordinator.addPartitions("unknown", 1000, (short) 1, Set.of(A)))
                .isEqualTo(Errors.INVALID_PRODUCER_ID_MAPPING);
    }

    @Test
    void timeoutsAboveTheMaximumAndIdsOfOtherCoordinatorsAreRefused() {
        assertThat(coordinator.initProducerId(ID, 900_001, -1, (short) -1).error())
                .isEqualTo(Errors.INVALID_TRANSACTION_TIMEOUT);
        assertThat(coordinator.initProducerId(ID, 0, -1, (short) -1).error())
                .isEqualTo(Errors.INVALID_TRANSACTION_TIMEOUT);
        coordinator.lead(Set.of());
        assertThat(coordinator.initProducerId(ID, TIMEOUT_MS, -1, (short) -1).error())
                .isEqualTo(Errors.NOT_COORDINATOR);
        assertThat(coordinator.describe(ID, d -> { })).isEqualTo(Errors.NOT_COORDINATOR);
    }

    @Test
    void commitWritesPrepareCommitThenMarkersToEveryPartitionThenCompleteCommit() {
        coordinator.initProducerId(ID, TIMEOUT_MS, -1, (short) -1);
        assertThat(coordinator.addPartitions(ID, 1000, (short) 0, Set.of(A))).isEqualTo(Errors.NONE);
        long start = time.milliseconds();
        time.sleep(10);
        assertThat(coordinator.addPartitions(ID, 1000, (short) 0, Set.of(B))).isEqualTo(Errors.NONE);
        assertThat(state().state()).isEqualTo(TxnState.ONGOING);
        assertThat(state().partitions()).containsExactlyInAnyOrder(A, B);
        assertThat(state().startMs()).isEqualTo(start);

        assertThat(coordinator.endTxn(ID, 1000, (short) 0, true)).isEqualTo(Errors.NONE);
        await().until(() -> state().state() == TxnState.COMPLETE_COMMIT);
        assertThat(store.appended()).extracting(a -> a.value().orElseThrow().state()).containsSubsequence(
                TxnState.ONGOING, TxnState.PREPARE_COMMIT, TxnState.COMPLETE_COMMIT);
        assertThat(markers.written()).extracting(e -> e.getKey()).containsExactlyInAnyOrder(A, B);
        assertThat(markers.written()).allSatisfy(e -> {
            assertThat(e.getValue().commit()).isTrue();
            assertThat(e.getValue().producerEpoch()).isZero();
            assertThat(e.getValue().coordinatorEpoch()).isEqualTo(7);
        });
        assertThat(state().partitions()).isEmpty();

        // A retried commit succeeds; an abort of the completed commit is refused.
        assertThat(coordinator.endTxn(ID, 1000, (short) 0, true)).isEqualTo(Errors.NONE);
        assertThat(coordinator.endTxn(ID, 1000, (short) 0, false)).isEqualTo(Errors.INVALID_TXN_STATE);
        // The next transaction starts from CompleteCommit.
        assertThat(coordinator.addPartitions(ID, 1000, (short) 0, Set.of(A))).isEqualTo(Errors.NONE);
        assertThat(coordinator.endTxn(ID, 1000, (short) 0, false)).isEqualTo(Errors.NONE);
        await().until(() -> state().state() == TxnState.COMPLETE_ABORT);
    }

    @Test
    void version2PartitionsAreAddedByLeadersAndEveryEndBumpsTheEpochOfTheMarkers() {
        coordinator.initProducerId(ID, TIMEOUT_MS, -1, (short) -1);
        assertThat(coordinator.verify(ID, 1000, (short) 0, Set.of(A))).containsEntry(A, Errors.INVALID_TXN_STATE);
        assertThat(coordinator.addPartitions(ID, 1000, (short) 0, Set.of(A), true)).isEqualTo(Errors.NONE);
        assertThat(coordinator.verify(ID, 1000, (short) 0, Set.of(A, B))).containsEntry(A, Errors.NONE)
                .containsEntry(B, Errors.INVALID_TXN_STATE);

        var committed = coordinator.endTxn(ID, 1000, (short) 0, true, true);
        assertThat(committed).isEqualTo(new TransactionCoordinator.InitResult(Errors.NONE, 1000, (short) 1));
        await().until(() -> state().state() == TxnState.COMPLETE_COMMIT);
        assertThat(markers.written()).singleElement().satisfies(e -> {
            assertThat(e.getKey()).isEqualTo(A);
            assertThat(e.getValue().producerEpoch()).isEqualTo((short) 1);
        });
        // The old epoch is fenced, except for a retry of the same EndTxn, which gets the same answer.
        assertThat(coordinator.addPartitions(ID, 1000, (short) 0, Set.of(A), true)).isEqualTo(Errors.PRODUCER_FENCED);
        assertThat(coordinator.endTxn(ID, 1000, (short) 0, true, true)).isEqualTo(committed);

        assertThat(coordinator.addPartitions(ID, 1000, (short) 1, Set.of(B), true)).isEqualTo(Errors.NONE);
        assertThat(coordinator.endTxn(ID, 1000, (short) 1, false, true).producerEpoch()).isEqualTo((short) 2);
        await().until(() -> state().state() == TxnState.COMPLETE_ABORT);
        assertThat(state().producerEpoch()).isEqualTo((short) 2);
    }

    @Test
    void version2CommitThatOvertakesItsRecordsIsRetriedUntilTheirLeaderAddsThem() {
        coordinator.initProducerId(ID, TIMEOUT_MS, -1, (short) -1);
        assertThat(coordinator.addPartitions(ID, 1000, (short) 0, Set.of(A), true)).isEqualTo(Errors.NONE);
        assertThat(coordinator.endTxn(ID, 1000, (short) 0, true, true).producerEpoch()).isEqualTo((short) 1);
        await().until(() -> state().state() == TxnState.COMPLETE_COMMIT);

        // The next EndTxn reaches the coordinator before the transaction's records reach their leader.
        assertThat(coordinator.endTxn(ID, 1000, (short) 1, true, true).error())
                .isEqualTo(Errors.CONCURRENT_TRANSACTIONS);
        assertThat(state().state()).isEqualTo(TxnState.COMPLETE_COMMIT);
        // The records arrive: their leader adds the partition, and the producer's retry commits the transaction.
        assertThat(coordinator.addPartitions(ID, 1000, (short) 1, Set.of(B), true)).isEqualTo(Errors.NONE);
        assertThat(coordinator.endTxn(ID, 1000, (short) 1, true, true))
                .isEqualTo(new TransactionCoordinator.InitResult(Errors.NONE, 1000, (short) 2));
        await().until(() -> state().state() == TxnState.COMPLETE_COMMIT && state().producerEpoch() == 2);
        assertThat(markers.written()).extracting(e -> e.getKey()).containsExactly(A, B);
    }

    @Test
    void endTxnWithoutATransactionIsAnInvalidState() {
        coordinator.initProducerId(ID, TIMEOUT_MS, -1, (short) -1);
        assertThat(coordinator.endTxn(ID, 1000, (short) 0, true)).isEqualTo(Errors.INVALID_TXN_STATE);
    }

    @Test
    void markersAreRetriedUntilEveryLeaderWroteThem() {
        coordinator.initProducerId(ID, TIMEOUT_MS, -1, (short) -1);
        coordinator.addPartitions(ID, 1000, (short) 0, Set.of(A, B));
        markers.failNext(A, Errors.NOT_LEADER_OR_FOLLOWER, Errors.NETWORK_EXCEPTION, Errors.LEADER_NOT_AVAILABLE);
        assertThat(coordinator.endTxn(ID, 1000, (short) 0, false)).isEqualTo(Errors.NONE);
        await().until(() -> state().state() == TxnState.COMPLETE_ABORT);
        assertThat(markers.calls()).hasSize(4);
        // Only the partition not written yet is retried.
        assertThat(markers.calls().subList(1, 4)).allSatisfy(m -> assertThat(m.partitions()).containsExactly(A));
    }

    @Test
    void aRequestDuringAWriteWaitsForItsOutcome() throws Exception {
        coordinator.initProducerId(ID, TIMEOUT_MS, -1, (short) -1);
        store.hold();
        CompletableFuture<Errors> add = CompletableFuture.supplyAsync(
                () -> coordinator.addPartitions(ID, 1000, (short) 0, Set.of(A)));
        await().until(() -> store.heldCount() == 1);
        CompletableFuture<Errors> commit = new CompletableFuture<>();
        Thread committer = Thread.ofPlatform().start(
                () -> commit.complete(coordinator.endTxn(ID, 1000, (short) 0, true)));
        awaitWaiting(committer);
        // InitProducerId does not wait.
        assertThat(coordinator.initProducerId(ID, TIMEOUT_MS, -1, (short) -1).error())
                .isEqualTo(Errors.CONCURRENT_TRANSACTIONS);
        store.release();
        assertThat(add.get()).isEqualTo(Errors.NONE);
        // The commit waited for the add and then committed the transaction it opened.
        assertThat(commit.get()).isEqualTo(Errors.NONE);
        await().until(() -> state().state() == TxnState.COMPLETE_COMMIT);
    }

    @Test
    void aRequestWaitsForAWriteOnlySoLong() throws Exception {
        try (TxnTestKit shortWait = new TxnTestKit(TxnTestKit.config(50))) {
            TransactionCoordinator c = shortWait.coordinator;
            c.initProducerId(ID, TIMEOUT_MS, -1, (short) -1);
            shortWait.store.hold();
            CompletableFuture<Errors> add = CompletableFuture.supplyAsync(
                    () -> c.addPartitions(ID, 1000, (short) 0, Set.of(A)));
            await().until(() -> shortWait.store.heldCount() == 1);
            assertThat(c.endTxn(ID, 1000, (short) 0, true)).isEqualTo(Errors.CONCURRENT_TRANSACTIONS);
            shortWait.store.release();
            assertThat(add.get()).isEqualTo(Errors.NONE);
        }
    }

    @Test
    void version2NextTransactionWaitsForThePreviousOneToComplete() throws Exception {
        coordinator.initProducerId(ID, TIMEOUT_MS, -1, (short) -1);
        assertThat(coordinator.addPartitions(ID, 1000, (short) 0, Set.of(A), true)).isEqualTo(Errors.NONE);
        markers.hold();
        assertThat(coordinator.endTxn(ID, 1000, (short) 0, true, true).producerEpoch()).isEqualTo((short) 1);
        assertThat(state().state()).isEqualTo(TxnState.PREPARE_COMMIT);

        // The next transaction's first write reaches its leader while the markers are still on their way.
        CompletableFuture<Errors> add = new CompletableFuture<>();
        Thread leader = Thread.ofPlatform().start(
                () -> add.complete(coordinator.addPartitions(ID, 1000, (short) 1, Set.of(B), true)));
        awaitWaiting(leader);
        markers.release();
        assertThat(add.get()).isEqualTo(Errors.NONE);
        assertThat(state().state()).isEqualTo(TxnState.ONGOING);
        assertThat(state().partitions()).containsExactly(B);
    }

    /** Waits until {@code t} waits with a timeout: the coordinator's wait for an id's write or completion. */
    private static void awaitWaiting(Thread t) {
        await().pollInterval(Duration.ofMillis(1)).until(() -> t.getState() == Thread.State.TIMED_WAITING);
    }

    @Test
    void aFailedWriteChangesNothing() {
        coordinator.initProducerId(ID, TIMEOUT_MS, -1, (short) -1);
        store.failNext(new NotCoordinatorException("moved"));
        assertThat(coordinator.addPartitions(ID, 1000, (short) 0, Set.of(A))).isEqualTo(Errors.NOT_COORDINATOR);
        store.failNext(new org.apache.kafka.common.errors.TimeoutException("slow"));
        assertThat(coordinator.addPartitions(ID, 1000, (short) 0, Set.of(A)))
                .isEqualTo(Errors.COORDINATOR_NOT_AVAILABLE);
        assertThat(coordinator.endTxn(ID, 1000, (short) 0, true)).isEqualTo(Errors.INVALID_TXN_STATE);
    }

    @Test
    void aNewIncarnationAbortsTheOpenTransactionOfThePreviousOneAndFencesIt() {
        coordinator.initProducerId(ID, TIMEOUT_MS, -1, (short) -1);
        coordinator.addPartitions(ID, 1000, (short) 0, Set.of(A));

        var first = coordinator.initProducerId(ID, TIMEOUT_MS, -1, (short) -1);
        assertThat(first.error()).isEqualTo(Errors.CONCURRENT_TRANSACTIONS);
        await().until(() -> state().state() == TxnState.COMPLETE_ABORT);
        assertThat(markers.written()).singleElement().satisfies(e -> {
            assertThat(e.getKey()).isEqualTo(A);
            assertThat(e.getValue().commit()).isFalse();
            assertThat(e.getValue().producerEpoch()).isEqualTo((short) 1);
        });
        assertThat(coordinator.endTxn(ID, 1000, (short) 0, true)).isEqualTo(Errors.PRODUCER_FENCED);

        var retried = coordinator.initProducerId(ID, TIMEOUT_MS, -1, (short) -1);
        assertThat(retried).isEqualTo(new TransactionCoordinator.InitResult(Errors.NONE, 1000, (short) 2));
    }

    @Test
    void kip360ReInitMustNameTheCurrentProducerAndARetryGetsTheSameAnswer() {
        coordinator.initProducerId(ID, TIMEOUT_MS, -1, (short) -1);
        assertThat(coordinator.initProducerId(ID, TIMEOUT_MS, 1000, (short) 5).error())
                .isEqualTo(Errors.PRODUCER_FENCED);
        var bumped = coordinator.initProducerId(ID, TIMEOUT_MS, 1000, (short) 0);
        assertThat(bumped).isEqualTo(new TransactionCoordinator.InitResult(Errors.NONE, 1000, (short) 1));
        assertThat(coordinator.initProducerId(ID, TIMEOUT_MS, 1000, (short) 0)).isEqualTo(bumped);
    }

    @Test
    void anExhaustedEpochRotatesTheProducerId() {
        store.append(0, ID, Optional.of(new TxnValue(500, -1, -1, (short) (Short.MAX_VALUE - 1), TIMEOUT_MS,
                TxnState.COMPLETE_COMMIT, Set.of(), time.milliseconds(), -1)));
        restart();
        var result = coordinator.initProducerId(ID, TIMEOUT_MS, -1, (short) -1);
        assertThat(result).isEqualTo(new TransactionCoordinator.InitResult(Errors.NONE, 1000, (short) 0));
        assertThat(state().previousProducerId()).isEqualTo(500);
    }

    @Test
    void aLoadCompletesTheTransactionsItFindsPreparing() {
        store.append(0, ID, Optional.of(new TxnValue(500, -1, -1, (short) 3, TIMEOUT_MS,
                TxnState.PREPARE_COMMIT, Set.of(A, B), time.milliseconds(), time.milliseconds())));
        store.append(0, "fenced", Optional.of(new TxnValue(501, -1, -1, (short) 4, TIMEOUT_MS,
                TxnState.PREPARE_EPOCH_FENCE, Set.of(A), time.milliseconds(), time.milliseconds())));
        restart();
        await().until(() -> state().state() == TxnState.COMPLETE_COMMIT
                && store.latest("fenced").orElseThrow().state() == TxnState.COMPLETE_ABORT);
        assertThat(markers.written()).filteredOn(e -> e.getValue().producerId() == 500)
                .extracting(e -> e.getKey()).containsExactlyInAnyOrder(A, B);
    }

    @Test
    void losingLeadershipStopsServingAndCompletingTransactions() {
        coordinator.initProducerId(ID, TIMEOUT_MS, -1, (short) -1);
        coordinator.addPartitions(ID, 1000, (short) 0, Set.of(A));
        coordinator.lead(Set.of());
        assertThat(coordinator.endTxn(ID, 1000, (short) 0, true)).isEqualTo(Errors.NOT_COORDINATOR);
        assertThat(coordinator.list()).hasValueSatisfying(l -> assertThat(l).isEmpty());
        coordinator.lead(Set.of(0));
        await().until(() -> coordinator.describe(ID, d -> { }) == Errors.NONE);
        assertThat(coordinator.endTxn(ID, 1000, (short) 0, true)).isEqualTo(Errors.NONE);
    }

    @Test
    void describeAndListShowTheState() {
        coordinator.initProducerId(ID, TIMEOUT_MS, -1, (short) -1);
        coordinator.addPartitions(ID, 1000, (short) 0, Set.of(A));
        coordinator.initProducerId("other", TIMEOUT_MS, -1, (short) -1);
        var described = new java.util.ArrayList<TransactionCoordinator.Description>();
        assertThat(coordinator.describe(ID, described::add)).isEqualTo(Errors.NONE);
        assertThat(described).singleElement().satisfies(d -> {
            assertThat(d.value().state()).isEqualTo(TxnState.ONGOING);
            assertThat(d.value().partitions()).containsExactly(A);
        });
        assertThat(coordinator.list().orElseThrow()).extracting(TransactionCoordinator.Description::transactionalId)
                .containsExactlyInAnyOrder(ID, "other");
    }

    @Test
    void aFencedCoordinatorStopsCompletingTheTransaction() {
        coordinator.initProducerId(ID, TIMEOUT_MS, -1, (short) -1);
        coordinator.addPartitions(ID, 1000, (short) 0, Set.of(A));
        markers.failNext(A, Errors.TRANSACTION_COORDINATOR_FENCED);
        assertThat(coordinator.endTxn(ID, 1000, (short) 0, true)).isEqualTo(Errors.NONE);
        await().until(() -> markers.calls().size() == 1);
        assertThat(state().state()).isEqualTo(TxnState.PREPARE_COMMIT);
        // Its next load (as when it leads the partition again) completes it.
        restart();
        await().until(() -> state().state() == TxnState.COMPLETE_COMMIT);
    }
}
