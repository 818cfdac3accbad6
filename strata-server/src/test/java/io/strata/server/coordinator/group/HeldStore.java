package io.strata.server.coordinator.group;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.record.internal.SimpleRecord;

/**
 * A {@link GroupStore} of one empty partition whose writes stay pending until the test commits or fails them, as
 * if the high watermark lagged. Thread-safe.
 */
final class HeldStore implements GroupStore {

    private final ReentrantLock lock = new ReentrantLock();
    private final ArrayDeque<CompletableFuture<Void>> pending = new ArrayDeque<>();
    private final List<List<SimpleRecord>> appended = new ArrayList<>();

    @Override
    public int partitionFor(String groupId) {
        return 0;
    }

    @Override
    public Optional<List<ClassicGroup>> load(int partition) {
        return Optional.of(List.of());
    }

    @Override
    public CompletableFuture<Void> append(int partition, List<SimpleRecord> records) {
        CompletableFuture<Void> commit = new CompletableFuture<>();
        lock.lock();
        try {
            appended.add(List.copyOf(records));
            pending.addLast(commit);
        } finally {
            lock.unlock();
        }
        return commit;
    }

    @Override
    public CompletableFuture<Void> appendTransactional(int partition, long producerId, short producerEpoch,
                                                       List<SimpleRecord> records) {
        return append(partition, records);
    }

    /** Writes appended and not yet committed or failed. */
    int pendingCount() {
        lock.lock();
        try {
            return pending.size();
        } finally {
            lock.unlock();
        }
    }

    /** Record batches appended so far, in order. */
    List<List<SimpleRecord>> appended() {
        lock.lock();
        try {
            return List.copyOf(appended);
        } finally {
            lock.unlock();
        }
    }

    /** Commits the oldest pending write. */
    void commitNext() {
        next().complete(null);
    }

    /** Commits only the newest pending write, as a high watermark passing it (and the older ones) reports. */
    void commitLatestOnly() {
        CompletableFuture<Void> latest;
        lock.lock();
        try {
            latest = pending.pollLast();
        } finally {
            lock.unlock();
        }
        latest.complete(null);
    }

    /** Fails the oldest pending write. */
    void failNext(ApiException error) {
        next().completeExceptionally(error);
    }

    private CompletableFuture<Void> next() {
        lock.lock();
        try {
            CompletableFuture<Void> next = pending.pollFirst();
            if (next == null) {
                throw new IllegalStateException("No write is pending");
            }
            return next;
        } finally {
            lock.unlock();
        }
    }
}
