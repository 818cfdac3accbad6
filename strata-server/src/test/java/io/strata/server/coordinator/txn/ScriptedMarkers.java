package io.strata.server.coordinator.txn;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;

/**
 * A {@link MarkerChannel} that records every call and answers NONE, unless the test scripted errors for a
 * partition (answered first, one per call); writes block while the test holds them. Thread-safe.
 */
final class ScriptedMarkers implements MarkerChannel {

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition released = lock.newCondition();
    private boolean holding;
    private final Map<TopicPartition, ArrayDeque<Errors>> scripted = new HashMap<>();
    private final List<Markers> calls = new CopyOnWriteArrayList<>();
    /** Partitions whose marker was answered NONE, with the marker. */
    private final List<Map.Entry<TopicPartition, Markers>> written = new CopyOnWriteArrayList<>();

    void failNext(TopicPartition tp, Errors... errors) {
        lock.lock();
        try {
            scripted.computeIfAbsent(tp, p -> new ArrayDeque<>()).addAll(List.of(errors));
        } finally {
            lock.unlock();
        }
    }

    /** From now on writes block until {@link #release}. */
    void hold() {
        lock.lock();
        try {
            holding = true;
        } finally {
            lock.unlock();
        }
    }

    /** Lets the held writes and every later one through. */
    void release() {
        lock.lock();
        try {
            holding = false;
            released.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Map<TopicPartition, Errors> write(Markers markers) {
        calls.add(markers);
        Map<TopicPartition, Errors> out = new HashMap<>();
        lock.lock();
        try {
            while (holding) {
                released.awaitUninterruptibly();
            }
            for (TopicPartition tp : markers.partitions()) {
                ArrayDeque<Errors> q = scripted.get(tp);
                Errors e = q == null || q.isEmpty() ? Errors.NONE : q.poll();
                out.put(tp, e);
                if (e == Errors.NONE) {
                    written.add(Map.entry(tp, markers));
                }
            }
        } finally {
            lock.unlock();
        }
        return out;
    }

    List<Markers> calls() {
        return List.copyOf(calls);
    }

    List<Map.Entry<TopicPartition, Markers>> written() {
        return List.copyOf(written);
    }
}
