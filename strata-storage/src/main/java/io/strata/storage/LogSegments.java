package io.strata.storage;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The segments of one log by base offset, the last one active.
 *
 * <p>Thread-safety: backed by a {@link ConcurrentSkipListMap}, so lock-free readers can walk it while the owning
 * log, under its lock, adds and removes segments; views are weakly consistent.
 */
final class LogSegments {
    private final ConcurrentSkipListMap<Long, LogSegment> segments = new ConcurrentSkipListMap<>();

    LogSegments(Collection<LogSegment> initial) {
        initial.forEach(this::add);
    }

    void add(LogSegment segment) {
        segments.put(segment.baseOffset, segment);
    }

    void remove(LogSegment segment) {
        segments.remove(segment.baseOffset, segment);
    }

    void clear() {
        segments.clear();
    }

    /** Whether {@code segment} (this very instance) is still in the log. */
    boolean contains(LogSegment segment) {
        return segments.get(segment.baseOffset) == segment;
    }

    LogSegment active() {
        return segments.lastEntry().getValue();
    }

    long firstBase() {
        return segments.firstKey();
    }

    int size() {
        return segments.size();
    }

    /** The segment holding {@code offset} (the one with the greatest base at or below it), or null. */
    Map.Entry<Long, LogSegment> floor(long offset) {
        return segments.floorEntry(offset);
    }

    Map.Entry<Long, LogSegment> higher(long base) {
        return segments.higherEntry(base);
    }

    /** The segments from the one holding {@code offset} on (all of them when none holds it). */
    Collection<LogSegment> from(long offset) {
        Long first = segments.floorKey(offset);
        return (first == null ? segments : segments.tailMap(first)).values();
    }

    /** The segments from the one holding {@code from} up to, excluding, the one starting at or after {@code to}. */
    Collection<LogSegment> range(long from, long to) {
        Long first = segments.floorKey(from);
        return segments.subMap(first == null ? Long.MIN_VALUE : first, true, to, false).values();
    }

    /** The segments whose base offset is at or above {@code offset}. */
    List<LogSegment> atOrAbove(long offset) {
        return List.copyOf(segments.tailMap(offset, true).values());
    }

    Collection<LogSegment> values() {
        return segments.values();
    }

    List<LogSegment> snapshot() {
        return List.copyOf(segments.values());
    }

    long sizeInBytes() {
        long size = 0;
        for (LogSegment seg : segments.values()) {
            size += seg.size();
        }
        return size;
    }
}
