package io.strata.storage;

/**
 * The log start offset, the high watermark and the first unstable offset of one log, which readers need together:
 * they are published as one immutable {@link Snapshot} in a volatile field, so a reader never sees a log start from
 * one update with a high watermark from another, nor a last stable offset computed from a high watermark that
 * passed a transaction the reader's first unstable offset did not know of yet. The high watermark is kept within
 * {@code [logStart, logEnd]}.
 *
 * <p>Thread-safety: reads take no lock. Every update must hold the owning log's lock, which serializes updates and
 * keeps the log end offset they are clamped to from moving meanwhile.
 */
final class LogOffsets {
    /**
     * The offsets as one value; replaced, never mutated.
     *
     * @param firstUnstable the first offset of the oldest unstable transaction, {@link Long#MAX_VALUE} if none
     */
    record Snapshot(long logStart, long highWatermark, long firstUnstable) {
        Snapshot(long logStart, long highWatermark) {
            this(logStart, highWatermark, Long.MAX_VALUE);
        }

        /** The last stable offset: read_committed consumers read below it (at most the high watermark). */
        long lastStableOffset() {
            return Math.max(logStart, Math.min(firstUnstable, highWatermark));
        }
    }

    private volatile Snapshot current;

    /** Starts at {@code logStart}, with {@code highWatermark} clamped into {@code [logStart, logEnd]}. */
    LogOffsets(long logStart, long highWatermark, long logEnd) {
        this.current = new Snapshot(logStart, clamp(highWatermark, logStart, logEnd));
    }

    private static long clamp(long v, long min, long max) {
        return Math.max(min, Math.min(max, v));
    }

    /** Both offsets, read together. */
    Snapshot get() {
        return current;
    }

    long logStart() {
        return current.logStart();
    }

    long highWatermark() {
        return current.highWatermark();
    }

    /** Sets the high watermark, clamped into {@code [logStart, logEnd]}, even when that moves it back. */
    void setHighWatermark(long hw, long logEnd) {
        Snapshot s = current;
        current = new Snapshot(s.logStart(), clamp(hw, s.logStart(), logEnd), s.firstUnstable());
    }

    /** Publishes the producer state's first unstable offset ({@link Long#MAX_VALUE} when none). */
    void setFirstUnstable(long firstUnstable) {
        Snapshot s = current;
        if (s.firstUnstable() != firstUnstable) {
            current = new Snapshot(s.logStart(), s.highWatermark(), firstUnstable);
        }
    }

    /**
     * Moves the high watermark forward to {@code hw}, clamped into {@code [logStart, logEnd]}.
     *
     * @return whether it moved (false when the clamped value is not above the current one)
     */
    boolean maybeIncrementHighWatermark(long hw, long logEnd) {
        Snapshot s = current;
        long next = clamp(hw, s.logStart(), logEnd);
        if (next <= s.highWatermark()) {
            return false;
        }
        current = new Snapshot(s.logStart(), next, s.firstUnstable());
        return true;
    }

    /** Sets the log start to {@code logStart}, pulling the high watermark up to it if it was below. */
    void moveLogStart(long logStart) {
        Snapshot s = current;
        current = new Snapshot(logStart, Math.max(s.highWatermark(), logStart), s.firstUnstable());
    }

    /** The log was truncated to end at {@code logEnd}: the high watermark may not stay above it. */
    void truncatedTo(long logEnd) {
        Snapshot s = current;
        current = new Snapshot(s.logStart(), Math.min(s.highWatermark(), logEnd), s.firstUnstable());
    }

    /** The log was emptied and starts again at {@code offset}: both offsets are there. */
    void startOverAt(long offset) {
        current = new Snapshot(offset, offset);
    }
}
