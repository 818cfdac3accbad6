package io.strata.server.coordinator.txn;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.kafka.common.errors.ApiException;

/**
 * A {@link TxnStore} of one partition in memory: writes commit at once, unless the test holds them (to see
 * requests racing a write) or makes the next one fail. Thread-safe.
 */
final class MemoryTxnStore implements TxnStore {

    /** One appended record: the id and its state (empty for a tombstone). */
    record Appended(String transactionalId, Optional<TxnValue> value) {
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final List<Appended> log = new ArrayList<>();
    private final ArrayDeque<CompletableFuture<Void>> held = new ArrayDeque<>();
    private boolean holding;
    private ApiException failNext;

    @Override
    public int partitionFor(String transactionalId) {
        return 0;
    }

    @Override
    public Optional<Map<String, TxnValue>> load(int partition) {
        lock.lock();
        try {
            Map<String, TxnValue> latest = new HashMap<>();
            for (Appended a : log) {
                a.value().ifPresentOrElse(v -> latest.put(a.transactionalId(), v),
                        () -> latest.remove(a.transactionalId()));
            }
            return Optional.of(latest);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public int coordinatorEpoch(int partition) {
        return 7;
    }

    @Override
    public CompletableFuture<Void> append(int partition, String transactionalId, Optional<TxnValue> value) {
        lock.lock();
        try {
            if (failNext != null) {
                ApiException e = failNext;
                failNext = null;
                return CompletableFuture.failedFuture(e);
            }
            log.add(new Appended(transactionalId, value));
            if (holding) {
                CompletableFuture<Void> f = new CompletableFuture<>();
                held.add(f);
                return f;
            }
            return CompletableFuture.completedFuture(null);
        } finally {
            lock.unlock();
        }
    }

    void failNext(ApiException e) {
        lock.lock();
        try {
            failNext = e;
        } finally {
            lock.unlock();
        }
    }

    /** From now on writes stay pending until {@link #release}. */
    void hold() {
        lock.lock();
        try {
            holding = true;
        } finally {
            lock.unlock();
        }
    }

    int heldCount() {
        lock.lock();
        try {
            return held.size();
        } finally {
            lock.unlock();
        }
    }

    /** Commits the held writes and stops holding. */
    void release() {
        List<CompletableFuture<Void>> toComplete;
        lock.lock();
        try {
            holding = false;
            toComplete = new ArrayList<>(held);
            held.clear();
        } finally {
            lock.unlock();
        }
        toComplete.forEach(f -> f.complete(null));
    }

    /** The states written, in order. */
    List<Appended> appended() {
        lock.lock();
        try {
            return List.copyOf(log);
        } finally {
            lock.unlock();
        }
    }

    /** The latest state written for {@code transactionalId}. */
    Optional<TxnValue> latest(String transactionalId) {
        return Optional.ofNullable(load(0).orElseThrow().get(transactionalId));
    }
}
