package io.strata.server.coordinator.txn;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The transaction coordinator's timers, over the ids it coordinates: aborting transactions open longer than their
 * timeout ({@code transaction.abort.timed.out.transaction.cleanup.interval.ms}) and forgetting ids idle for
 * {@code transactional.id.expiration.ms} ({@code transaction.remove.expired.transaction.cleanup.interval.ms}).
 *
 * <p>Thread-safe: each id is read and changed under its own lock, never held while a write commits.
 */
final class TxnTimers {

    private static final Logger log = LoggerFactory.getLogger(TxnTimers.class);

    private final TxnConfig config;
    private final TxnStore store;
    private final TxnMarkerWriter markers;
    private final Time time;
    private final Map<String, TxnMetadata> txns;

    /** @param txns the coordinator's ids, live: an expired id is removed from it */
    TxnTimers(TxnConfig config, TxnStore store, TxnMarkerWriter markers, Time time, Map<String, TxnMetadata> txns) {
        this.config = config;
        this.store = store;
        this.markers = markers;
        this.time = time;
        this.txns = txns;
    }

    /** Runs both timers on {@code scheduler} at their configured intervals. */
    void schedule(ScheduledExecutorService scheduler) {
        scheduler.scheduleWithFixedDelay(() -> guarded("Aborting timed-out transactions", this::abortTimedOut),
                config.abortCheckIntervalMs(), config.abortCheckIntervalMs(), TimeUnit.MILLISECONDS);
        scheduler.scheduleWithFixedDelay(() -> guarded("Expiring transactional ids", this::expireIds),
                config.expiryCheckIntervalMs(), config.expiryCheckIntervalMs(), TimeUnit.MILLISECONDS);
    }

    /** Runs a periodic task, logging its failure: an exception would cancel its next runs. */
    private static void guarded(String what, Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            log.error("{} failed", what, e);
        }
    }

    /**
     * Aborts transactions open longer than their timeout, bumping the epoch so that their producer is fenced (its
     * next request fails and it must initialise again), as Kafka does. Also the scheduled task.
     */
    void abortTimedOut() {
        long now = time.milliseconds();
        for (TxnMetadata m : txns.values()) {
            TxnValue target;
            m.lock.lock();
            try {
                TxnValue v = m.value;
                if (m.removed || m.pending.isPresent() || v.state() != TxnState.ONGOING
                        || now - v.startMs() <= v.timeoutMs()) {
                    continue;
                }
                target = TxnTransitions.fenceAndAbort(v, now);
                m.pending = Optional.of(target);
            } finally {
                m.lock.unlock();
            }
            log.info("Aborting the transaction of {} (producer id {}): open longer than its timeout of {} ms",
                    m.transactionalId, target.producerId(), target.timeoutMs());
            markers.writeThenComplete(m, target);
        }
    }

    /**
     * Forgets transactional ids with no transaction open or completing whose state has not changed for
     * {@code transactional.id.expiration.ms}: a tombstone, then removal once it is committed. Also the scheduled
     * task.
     */
    void expireIds() {
        long now = time.milliseconds();
        for (TxnMetadata m : txns.values()) {
            m.lock.lock();
            try {
                TxnValue v = m.value;
                if (m.removed || m.pending.isPresent() || !v.state().isIdle()
                        || now - v.lastUpdateMs() < config.idExpirationMs()) {
                    continue;
                }
                m.pending = Optional.of(new TxnValue(v.producerId(), v.previousProducerId(), -1, v.producerEpoch(),
                        v.timeoutMs(), TxnState.DEAD, Set.of(), now, -1));
            } finally {
                m.lock.unlock();
            }
            store.append(m.partition, m.transactionalId, Optional.empty()).whenComplete((ok, error) -> {
                m.lock.lock();
                try {
                    m.clearPending();
                    if (error == null) {
                        m.removed = true;
                        txns.remove(m.transactionalId, m);
                        log.info("Expired transactional id {}", m.transactionalId);
                    }
                } finally {
                    m.lock.unlock();
                }
            });
        }
    }
}
