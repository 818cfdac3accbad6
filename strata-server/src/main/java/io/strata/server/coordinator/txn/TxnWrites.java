package io.strata.server.coordinator.txn;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.kafka.common.errors.NotCoordinatorException;
import org.apache.kafka.common.errors.NotEnoughReplicasAfterAppendException;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a transactional id's next state to {@code __transaction_state} and applies it once committed: the one
 * way every transition (requests, markers' completion, timers) takes effect.
 *
 * <p>Thread-safe: holds the id's lock only to apply the outcome, never while the write commits.
 */
final class TxnWrites {

    private static final Logger log = LoggerFactory.getLogger(TxnWrites.class);

    private final TxnStore store;

    TxnWrites(TxnStore store) {
        this.store = store;
    }

    /**
     * Writes {@code m.pending} (= {@code target}, set by the caller under the lock) and waits for its commit;
     * applies it on success. The pending state is cleared either way.
     */
    Errors await(TxnMetadata m, TxnValue target) {
        CompletableFuture<Void> write = store.append(m.partition, m.transactionalId, Optional.of(target));
        Errors error = Errors.NONE;
        try {
            write.join();
        } catch (CompletionException e) {
            error = writeError(e.getCause() != null ? e.getCause() : e);
        }
        m.lock.lock();
        try {
            m.clearPending(); // the waiters decide once the lock is released, on what is applied below
            if (error == Errors.NONE) {
                if (m.removed) {
                    return Errors.NOT_COORDINATOR;
                }
                m.value = target;
            }
        } finally {
            m.lock.unlock();
        }
        return error;
    }

    /** Clears a pending state whose write was never started. */
    static void clearPending(TxnMetadata m) {
        m.lock.lock();
        try {
            m.clearPending();
        } finally {
            m.lock.unlock();
        }
    }

    /** Kafka's mapping of a failed state write to the client's error. */
    private static Errors writeError(Throwable t) {
        if (t instanceof NotCoordinatorException || t instanceof NotLeaderOrFollowerException) {
            return Errors.NOT_COORDINATOR;
        }
        if (t instanceof TimeoutException || t instanceof NotEnoughReplicasException
                || t instanceof NotEnoughReplicasAfterAppendException) {
            return Errors.COORDINATOR_NOT_AVAILABLE;
        }
        log.warn("Writing transaction state failed", t);
        return Errors.UNKNOWN_SERVER_ERROR;
    }
}
