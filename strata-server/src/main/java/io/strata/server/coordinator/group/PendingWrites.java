package io.strata.server.coordinator.group;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.errors.ApiException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The writes of one group whose records are appended but not yet known to be committed, in append order, each
 * with the in-memory {@link Effect} it has once committed. Effects are applied in append order whatever order the
 * commit notifications arrive in: a write's commit implies the commit of every write appended before it to the
 * same partition, so it settles them too.
 *
 * <p>Not thread-safe: guarded by the owning group's lock. The futures are completed by {@link GroupWriter} after
 * it releases the lock.
 */
final class PendingWrites {

    private static final Logger log = LoggerFactory.getLogger(PendingWrites.class);

    /**
     * What a write does to the in-memory state, run under the group's lock: {@link #committed} once its records
     * are committed, or {@link #failed} if they could not be (nothing was applied, so only waiting requests need
     * an answer).
     */
    interface Effect {

        void committed();

        void failed(ApiException error);

        /** An effect with nothing to undo on failure. */
        static Effect onCommit(Runnable committed) {
            return new Effect() {
                @Override
                public void committed() {
                    committed.run();
                }

                @Override
                public void failed(ApiException error) {
                }
            };
        }
    }

    /** One write in flight; {@link #done} completes after its effect was applied (or fails with its error). */
    static final class Write {
        private final Effect effect;
        final CompletableFuture<Void> done = new CompletableFuture<>();

        private Write(Effect effect) {
            this.effect = effect;
        }
    }

    private final ArrayDeque<Write> inFlight = new ArrayDeque<>();

    /** Registers a write just appended. */
    Write add(Effect effect) {
        Write w = new Write(effect);
        inFlight.addLast(w);
        return w;
    }

    /**
     * Applies the effects of {@code w} and of every write before it; returns the writes settled (none if
     * {@code w} was settled already).
     */
    List<Write> committed(Write w) {
        if (!inFlight.contains(w)) {
            return List.of();
        }
        List<Write> settled = new ArrayList<>();
        Write next;
        do {
            next = inFlight.pollFirst();
            try {
                next.effect.committed();
            } catch (RuntimeException e) {
                log.error("Applying a committed group write failed", e);
            }
            settled.add(next);
        } while (next != w);
        return settled;
    }

    /** Drops {@code w} without applying it; false if it was settled already (a later write's commit won). */
    boolean failed(Write w, ApiException error) {
        if (!inFlight.remove(w)) {
            return false;
        }
        try {
            w.effect.failed(error);
        } catch (RuntimeException e) {
            log.error("Undoing a failed group write failed", e);
        }
        return true;
    }

    boolean isEmpty() {
        return inFlight.isEmpty();
    }
}
