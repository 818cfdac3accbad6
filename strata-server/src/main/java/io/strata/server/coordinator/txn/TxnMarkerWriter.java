package io.strata.server.coordinator.txn;

import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Completes prepared transactions: writes their markers (with the prepared state's producer epoch, the bumped one
 * under transactions version 2) to every partition's leader, retrying each partition with a growing back-off until
 * its leader wrote it, then writes CompleteCommit/CompleteAbort. Stops when the id is no longer coordinated here or
 * its state moved on (the new coordinator completes the transaction on its load).
 *
 * <p>Thread-safe: each attempt runs on its own virtual thread; the id's lock is held only to read or set state.
 */
final class TxnMarkerWriter implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TxnMarkerWriter.class);
    private static final long BACKOFF_MIN_MS = 20;
    private static final long BACKOFF_MAX_MS = 1000;

    private final MarkerChannel markers;
    private final TxnWrites writes;
    /** The coordinator epoch of a {@code __transaction_state} partition, -1 once it is no longer led here. */
    private final IntFunction<Integer> coordinatorEpoch;
    private final Time time;
    private final ScheduledExecutorService scheduler;
    /** Marker writes and their retries: blocking calls, one virtual thread each. */
    private final ExecutorService senders = Executors.newVirtualThreadPerTaskExecutor();

    TxnMarkerWriter(MarkerChannel markers, TxnWrites writes, IntFunction<Integer> coordinatorEpoch, Time time,
                    ScheduledExecutorService scheduler) {
        this.markers = markers;
        this.writes = writes;
        this.coordinatorEpoch = coordinatorEpoch;
        this.time = time;
        this.scheduler = scheduler;
    }

    /** Writes the markers of {@code prepared} (the id's committed state) and then its completion, in the background. */
    void complete(TxnMetadata m, TxnValue prepared) {
        sendMarkers(m, prepared, prepared.partitions(), BACKOFF_MIN_MS);
    }

    /** Writes {@code target} (pending under the id's lock) in the background, then completes it. */
    void writeThenComplete(TxnMetadata m, TxnValue target) {
        try {
            senders.execute(() -> {
                if (writes.await(m, target) == Errors.NONE) {
                    complete(m, target);
                }
            });
        } catch (RejectedExecutionException e) {
            TxnWrites.clearPending(m);
        }
    }

    private void sendMarkers(TxnMetadata m, TxnValue prepared, Set<TopicPartition> remaining, long backoffMs) {
        try {
            senders.execute(() -> {
                if (isStale(m, prepared)) {
                    return;
                }
                Set<TopicPartition> left = new HashSet<>(remaining);
                if (!left.isEmpty()) {
                    Map<TopicPartition, Errors> outcome = markers.write(new MarkerChannel.Markers(
                            prepared.producerId(), prepared.producerEpoch(),
                            prepared.state() == TxnState.PREPARE_COMMIT, coordinatorEpoch.apply(m.partition), left));
                    if (outcome.containsValue(Errors.TRANSACTION_COORDINATOR_FENCED)) {
                        // A newer coordinator wrote markers for this producer: the transaction is its to complete.
                        log.info("Markers of {} refused: this coordinator is fenced; leaving the transaction to the "
                                + "newer one", m.transactionalId);
                        return;
                    }
                    outcome.forEach((tp, error) -> {
                        if (error == Errors.NONE || error == Errors.UNKNOWN_TOPIC_OR_PARTITION) {
                            left.remove(tp);
                        }
                    });
                    if (!left.isEmpty()) {
                        log.debug("Markers of {} not written yet to {}: {}", m.transactionalId, left, outcome);
                        retryLater(() -> sendMarkers(m, prepared, left, Math.min(backoffMs * 2, BACKOFF_MAX_MS)),
                                backoffMs);
                        return;
                    }
                }
                writeCompletion(m, prepared, backoffMs);
            });
        } catch (RejectedExecutionException e) {
            log.debug("The coordinator is stopping; the markers of {} are left to the next load", m.transactionalId);
        }
    }

    /** Writes CompleteCommit/CompleteAbort once every marker of {@code prepared} is written. */
    private void writeCompletion(TxnMetadata m, TxnValue prepared, long backoffMs) {
        TxnValue target;
        m.lock.lock();
        try {
            if (m.removed || !m.value.equals(prepared)) {
                return;
            }
            if (m.pending.isPresent()) {
                retryLater(() -> writeCompletion(m, prepared, backoffMs), backoffMs);
                return;
            }
            target = TxnTransitions.completion(prepared, time.milliseconds());
            m.pending = Optional.of(target);
        } finally {
            m.lock.unlock();
        }
        Errors written = writes.await(m, target);
        if (written != Errors.NONE && written != Errors.NOT_COORDINATOR) {
            log.info("Completing the transaction of {} failed ({}); retrying", m.transactionalId, written);
            retryLater(() -> writeCompletion(m, prepared, Math.min(backoffMs * 2, BACKOFF_MAX_MS)), backoffMs);
        }
    }

    private static boolean isStale(TxnMetadata m, TxnValue prepared) {
        m.lock.lock();
        try {
            return m.removed || !m.value.equals(prepared);
        } finally {
            m.lock.unlock();
        }
    }

    private void retryLater(Runnable task, long delayMs) {
        try {
            scheduler.schedule(() -> {
                try {
                    senders.execute(task);
                } catch (RejectedExecutionException e) {
                    log.debug("The coordinator is stopping");
                }
            }, delayMs, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            log.debug("The coordinator is stopping");
        }
    }

    /** Stops sending: in-flight completions are left to the next load. */
    @Override
    public void close() {
        senders.shutdownNow();
    }
}
