package io.strata.server.coordinator.txn;

import static org.awaitility.Awaitility.await;

import io.strata.server.coordinator.ManualTime;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A transaction coordinator of node 1 over a {@link MemoryTxnStore} and {@link ScriptedMarkers}, on a
 * {@link ManualTime}, leading partition 0: a unit-test rig. Producer ids are handed out from 1000 up.
 */
final class TxnTestKit implements AutoCloseable {

    static final int TIMEOUT_MS = 60_000;
    static final long EXPIRATION_MS = 3_600_000;
    /** Requests wait for an id's write or completion far longer than any test takes to finish one. */
    static final TxnConfig CONFIG = config(60_000);

    private final TxnConfig config;

    final ManualTime time = new ManualTime();
    final MemoryTxnStore store = new MemoryTxnStore();
    final ScriptedMarkers markers = new ScriptedMarkers();
    private final AtomicLong producerIds = new AtomicLong(1000);
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    TransactionCoordinator coordinator;

    TxnTestKit() {
        this(CONFIG);
    }

    TxnTestKit(TxnConfig config) {
        this.config = config;
        this.coordinator = started();
    }

    /** The tests' settings, with requests waiting at most {@code completionWaitMs} for a write or completion. */
    static TxnConfig config(long completionWaitMs) {
        return new TxnConfig(1, (short) 1, 1, 1 << 20, 900_000, EXPIRATION_MS, 3_600_000, 3_600_000, 5000,
                completionWaitMs);
    }

    private TransactionCoordinator started() {
        TransactionCoordinator c = new TransactionCoordinator(1, config, store, markers,
                producerIds::getAndIncrement, time, scheduler);
        c.lead(Set.of(0));
        await().until(() -> c.list().isPresent());
        return c;
    }

    /** A new coordinator loading what the store holds, as after a restart or a leadership move. */
    void restart() {
        coordinator.close();
        coordinator = started();
    }

    @Override
    public void close() {
        coordinator.close();
        scheduler.shutdownNow();
    }
}
