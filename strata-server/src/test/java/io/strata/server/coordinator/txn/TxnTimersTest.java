package io.strata.server.coordinator.txn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.strata.server.coordinator.ManualTime;
import java.time.Duration;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TxnTimersTest {

    private static final String ID = "txn-1";
    private static final TopicPartition A = new TopicPartition("a", 0);
    private static final int TIMEOUT_MS = TxnTestKit.TIMEOUT_MS;
    private static final long EXPIRATION_MS = TxnTestKit.EXPIRATION_MS;

    private final TxnTestKit kit = new TxnTestKit();
    private final ManualTime time = kit.time;
    private final MemoryTxnStore store = kit.store;
    private final ScriptedMarkers markers = kit.markers;
    private final TransactionCoordinator coordinator = kit.coordinator;

    @AfterEach
    void stop() {
        kit.close();
    }

    private TxnValue state() {
        return store.latest(ID).orElseThrow();
    }

    @Test
    void transactionsOlderThanTheirTimeoutAreAbortedAndTheirProducerFenced() {
        coordinator.initProducerId(ID, TIMEOUT_MS, -1, (short) -1);
        coordinator.addPartitions(ID, 1000, (short) 0, Set.of(A));
        time.sleep(TIMEOUT_MS);
        coordinator.timers().abortTimedOut();
        assertThat(state().state()).isEqualTo(TxnState.ONGOING);

        time.sleep(1);
        coordinator.timers().abortTimedOut();
        await().until(() -> state().state() == TxnState.COMPLETE_ABORT);
        assertThat(state().producerEpoch()).isEqualTo((short) 1);
        assertThat(markers.written()).singleElement().satisfies(e -> assertThat(e.getValue().commit()).isFalse());
        assertThat(coordinator.endTxn(ID, 1000, (short) 0, true)).isEqualTo(Errors.PRODUCER_FENCED);
    }

    @Test
    void idleTransactionalIdsExpire() {
        coordinator.initProducerId(ID, TIMEOUT_MS, -1, (short) -1);
        coordinator.initProducerId("busy", TIMEOUT_MS, -1, (short) -1);
        time.sleep(EXPIRATION_MS / 2);
        coordinator.addPartitions("busy", 1001, (short) 0, Set.of(A));
        time.sleep(EXPIRATION_MS / 2);
        coordinator.timers().expireIds();

        await().until(() -> store.latest(ID).isEmpty());
        assertThat(coordinator.describe(ID, d -> { })).isEqualTo(Errors.TRANSACTIONAL_ID_NOT_FOUND);
        assertThat(coordinator.describe("busy", d -> { })).isEqualTo(Errors.NONE);
        // A new incarnation starts afresh with a new producer id.
        assertThat(coordinator.initProducerId(ID, TIMEOUT_MS, -1, (short) -1).producerId()).isEqualTo(1002);
    }

    @Test
    void timedOutTransactionIsNotAbortedTwice() {
        coordinator.initProducerId(ID, TIMEOUT_MS, -1, (short) -1);
        coordinator.addPartitions(ID, 1000, (short) 0, Set.of(A));
        time.sleep(TIMEOUT_MS + 1);
        coordinator.timers().abortTimedOut();
        await().atMost(Duration.ofSeconds(10)).until(() -> state().state() == TxnState.COMPLETE_ABORT);
        coordinator.timers().abortTimedOut();
        assertThat(markers.calls()).hasSize(1);
    }
}
