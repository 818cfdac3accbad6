package io.strata.server.coordinator.group;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.UnknownServerException;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.utils.Time;

/**
 * The one way group state is written: a write is the records that store a change plus the change itself
 * ({@link PendingWrites.Effect}). The records are appended at once, under the group's lock, so that the log holds
 * a group's changes in order; the change becomes visible in memory only when the records are committed, and a
 * write that fails or times out is never applied. Readers (OffsetFetch, DescribeGroups, SyncGroup answers) thus
 * see only committed state, as with Kafka's coordinator runtime.
 *
 * <p>Thread-safe.
 */
final class GroupWriter {

    private final GroupStore store;
    private final Time time;

    GroupWriter(GroupStore store, Time time) {
        this.store = store;
        this.time = time;
    }

    /** A record stamped with the coordinator's clock. */
    SimpleRecord record(byte[] key, byte[] value) {
        return new SimpleRecord(time.milliseconds(), key, value);
    }

    /**
     * Appends {@code records} to the group's partition and applies {@code effect} once they commit. Call under the
     * group's lock; never blocks on replication.
     *
     * @return completes after the effect was applied; fails with the {@link ApiException} of the write (unwrap
     *         with {@link #cause}) after {@link PendingWrites.Effect#failed} ran
     */
    CompletableFuture<Void> write(ClassicGroup group, List<SimpleRecord> records, PendingWrites.Effect effect) {
        PendingWrites.Write w = group.writes.add(effect);
        store.append(group.partition, records).whenComplete((ignored, error) -> settle(group, w, error));
        return w.done;
    }

    /** As {@link #write}, in a transactional batch of {@code producerId} (TxnOffsetCommit). */
    CompletableFuture<Void> writeTransactional(ClassicGroup group, long producerId, short producerEpoch,
                                               List<SimpleRecord> records, PendingWrites.Effect effect) {
        PendingWrites.Write w = group.writes.add(effect);
        store.appendTransactional(group.partition, producerId, producerEpoch, records)
                .whenComplete((ignored, error) -> settle(group, w, error));
        return w.done;
    }

    private static void settle(ClassicGroup group, PendingWrites.Write w, Throwable error) {
        List<PendingWrites.Write> committed = List.of();
        boolean failed = false;
        ApiException cause = error == null ? null : cause(error);
        group.lock.lock();
        try {
            if (error == null) {
                committed = group.writes.committed(w);
            } else {
                failed = group.writes.failed(w, cause);
            }
            group.changed.signalAll();
        } finally {
            group.lock.unlock();
        }
        // Complete outside the lock: waiting requests may go on to take it.
        committed.forEach(c -> c.done.complete(null));
        if (failed) {
            w.done.completeExceptionally(cause);
        }
    }

    /** The API error behind a failed write's future. */
    static ApiException cause(Throwable error) {
        Throwable t = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        return t instanceof ApiException api ? api : new UnknownServerException(t.getMessage(), t);
    }
}
