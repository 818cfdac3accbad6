package io.strata.storage;

import java.io.File;
import java.io.IOException;
import java.nio.MappedByteBuffer;

/**
 * The sparse time index of one segment: 12-byte entries (timestamp, offset relative to the segment base).
 *
 * <p>An entry {@code (t, o)} says: {@code t} is the largest timestamp of the segment up to the batch being
 * appended when the entry was written, first reached in the batch ending at {@code o}. Hence every record at or
 * before {@code o} has a timestamp at most {@code t}; a search for the first record at or after a target timestamp
 * can start after the last entry whose timestamp is below the target. The last entry also gives the segment's
 * largest timestamp once the segment is inactive (a final entry is written on roll and on close).
 *
 * <p>Thread-safety: see {@link AbstractIndex}.
 */
final class TimeIndex extends AbstractIndex {
    static final int ENTRY_SIZE = 12;

    /** One entry of the time index, with an absolute offset. */
    record Entry(long timestamp, long offset) {
    }

    TimeIndex(File file, long baseOffset, int maxIndexSize) throws IOException {
        super(file, baseOffset, ENTRY_SIZE, maxIndexSize);
    }

    /** A lazy index of a new segment; see {@link AbstractIndex#AbstractIndex(File, long, int, int, boolean)}. */
    static TimeIndex fresh(File file, long baseOffset, int maxIndexSize) throws IOException {
        return new TimeIndex(file, baseOffset, maxIndexSize, true);
    }

    private TimeIndex(File file, long baseOffset, int maxIndexSize, boolean fresh) throws IOException {
        super(file, baseOffset, ENTRY_SIZE, maxIndexSize, fresh);
    }

    private static long timestamp(MappedByteBuffer buf, int slot) {
        return buf.getLong(slot * ENTRY_SIZE);
    }

    private static int relativeOffset(MappedByteBuffer buf, int slot) {
        return buf.getInt(slot * ENTRY_SIZE + 8);
    }

    /** Adds an entry if the timestamp grew and the offset did not go back; ignored when full. */
    void maybeAppend(long timestamp, long offset) {
        lock.lock();
        try {
            int n = entries();
            if (n >= maxEntries()) {
                return;
            }
            if (n > 0) {
                Entry last = lastEntry();
                if (timestamp <= last.timestamp() || offset < last.offset()) {
                    return;
                }
            }
            ensureOpen();
            ensureBacked((n + 1) * ENTRY_SIZE);
            MappedByteBuffer buf = buffer();
            buf.putLong(n * ENTRY_SIZE, timestamp);
            buf.putInt(n * ENTRY_SIZE + 8, Math.toIntExact(offset - baseOffset));
            publishAppend();
        } finally {
            lock.unlock();
        }
    }

    /** The last entry, or null when empty. */
    Entry lastEntry() {
        int n = entries();
        if (n == 0) {
            return null;
        }
        MappedByteBuffer buf = buffer();
        return new Entry(timestamp(buf, n - 1), baseOffset + relativeOffset(buf, n - 1));
    }

    /** The last entry whose timestamp is below {@code timestamp}, or null. */
    Entry lastEntryBelow(long timestamp) {
        int slot = largestSlotAtMost(timestamp - 1, TimeIndex::timestamp);
        if (slot < 0) {
            return null;
        }
        MappedByteBuffer buf = buffer();
        return new Entry(timestamp(buf, slot), baseOffset + relativeOffset(buf, slot));
    }

    /** Removes the entries for offsets at or above {@code offset}. */
    void truncateTo(long offset) {
        lock.lock();
        try {
            MappedByteBuffer buf = buffer();
            int n = entries();
            int keep = 0;
            while (keep < n && baseOffset + relativeOffset(buf, keep) < offset) {
                keep++;
            }
            publishTruncation(keep);
        } finally {
            lock.unlock();
        }
    }

    /** Strictly increasing timestamps and non-decreasing, non-negative offsets. */
    boolean isSane() {
        MappedByteBuffer buf = buffer();
        long prevTs = Long.MIN_VALUE;
        int prevRel = -1;
        for (int i = 0; i < entries(); i++) {
            long ts = timestamp(buf, i);
            int rel = relativeOffset(buf, i);
            if (rel < 0 || rel < prevRel || ts <= prevTs) {
                return false;
            }
            prevTs = ts;
            prevRel = rel;
        }
        return true;
    }
}
