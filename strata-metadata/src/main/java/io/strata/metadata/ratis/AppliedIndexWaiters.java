package io.strata.metadata.ratis;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Futures that complete once the local state machine has applied a given log index.
 *
 * <p>Thread-safe. Futures are completed outside the lock, on the thread that advances the index (the Ratis apply
 * thread): dependants should continue asynchronously.
 */
public final class AppliedIndexWaiters {

    private final ReentrantLock lock = new ReentrantLock();
    private final TreeMap<Long, List<CompletableFuture<Void>>> waiting = new TreeMap<>();
    private long applied = -1;
    private Throwable closed;

    /** A future completed when {@code index} has been applied (at once if it already has). */
    public CompletableFuture<Void> await(long index) {
        lock.lock();
        try {
            if (index <= applied) {
                return CompletableFuture.completedFuture(null);
            }
            if (closed != null) {
                return CompletableFuture.failedFuture(closed);
            }
            CompletableFuture<Void> future = new CompletableFuture<>();
            waiting.computeIfAbsent(index, i -> new ArrayList<>(1)).add(future);
            return future;
        } finally {
            lock.unlock();
        }
    }

    /** Records that everything up to {@code index} is applied and completes the matching futures. */
    public void advance(long index) {
        List<CompletableFuture<Void>> ready = new ArrayList<>();
        lock.lock();
        try {
            if (index > applied) {
                applied = index;
            }
            Map<Long, List<CompletableFuture<Void>>> head = waiting.headMap(applied, true);
            head.values().forEach(ready::addAll);
            head.clear();
        } finally {
            lock.unlock();
        }
        ready.forEach(f -> f.complete(null));
    }

    public long applied() {
        lock.lock();
        try {
            return applied;
        } finally {
            lock.unlock();
        }
    }

    /** Fails every pending and future wait with {@code cause}. */
    public void close(Throwable cause) {
        List<CompletableFuture<Void>> pending = new ArrayList<>();
        lock.lock();
        try {
            closed = cause;
            waiting.values().forEach(pending::addAll);
            waiting.clear();
        } finally {
            lock.unlock();
        }
        pending.forEach(f -> f.completeExceptionally(cause));
    }
}
