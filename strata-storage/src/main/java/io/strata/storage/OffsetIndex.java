package io.strata.storage;

import java.io.File;
import java.io.IOException;
import java.nio.MappedByteBuffer;

/**
 * The sparse offset index of one segment: 8-byte entries (offset relative to the segment base, file position),
 * each pointing at the start of a batch whose last offset is the entry's offset.
 *
 * <p>A lookup for offset {@code o} returns the position of a batch that ends at or before {@code o}, so the batch
 * containing {@code o} is found by scanning headers forward from there, at most about {@code index.interval.bytes}.
 *
 * <p>Thread-safety: see {@link AbstractIndex}.
 */
final class OffsetIndex extends AbstractIndex {
    static final int ENTRY_SIZE = 8;

    OffsetIndex(File file, long baseOffset, int maxIndexSize) throws IOException {
        super(file, baseOffset, ENTRY_SIZE, maxIndexSize);
    }

    /** A lazy index of a new segment; see {@link AbstractIndex#AbstractIndex(File, long, int, int, boolean)}. */
    static OffsetIndex fresh(File file, long baseOffset, int maxIndexSize) throws IOException {
        return new OffsetIndex(file, baseOffset, maxIndexSize, true);
    }

    private OffsetIndex(File file, long baseOffset, int maxIndexSize, boolean fresh) throws IOException {
        super(file, baseOffset, ENTRY_SIZE, maxIndexSize, fresh);
    }

    private static int relativeOffset(MappedByteBuffer buf, int slot) {
        return buf.getInt(slot * ENTRY_SIZE);
    }

    private static int position(MappedByteBuffer buf, int slot) {
        return buf.getInt(slot * ENTRY_SIZE + 4);
    }

    /** Adds an entry; ignored unless the offset is larger than the last one and there is room. */
    void append(long offset, int position) {
        lock.lock();
        try {
            int n = entries();
            if (n >= maxEntries() || (n > 0 && offset <= lastOffset())) {
                return;
            }
            ensureOpen();
            ensureBacked((n + 1) * ENTRY_SIZE);
            MappedByteBuffer buf = buffer();
            buf.putInt(n * ENTRY_SIZE, Math.toIntExact(offset - baseOffset));
            buf.putInt(n * ENTRY_SIZE + 4, position);
            publishAppend();
        } finally {
            lock.unlock();
        }
    }

    /** The position of the last indexed batch ending at or before {@code offset}, or 0. */
    int lookup(long offset) {
        int slot = largestSlotAtMost(offset - baseOffset, OffsetIndex::relativeOffset);
        return slot < 0 ? 0 : position(buffer(), slot);
    }

    /** The largest indexed position at or below {@code position}, or 0: a batch boundary to scan from. */
    int floorPosition(int position) {
        int slot = largestSlotAtMost(position, OffsetIndex::position);
        return slot < 0 ? 0 : position(buffer(), slot);
    }

    /** The offset of the last entry, or the base offset when empty. */
    long lastOffset() {
        int n = entries();
        return n == 0 ? baseOffset : baseOffset + relativeOffset(buffer(), n - 1);
    }

    int lastPosition() {
        int n = entries();
        return n == 0 ? 0 : position(buffer(), n - 1);
    }

    /** Removes the entries for offsets at or above {@code offset}. */
    void truncateTo(long offset) {
        lock.lock();
        try {
            int slot = largestSlotAtMost(offset - baseOffset - 1, OffsetIndex::relativeOffset);
            publishTruncation(slot + 1);
        } finally {
            lock.unlock();
        }
    }

    /** Strictly increasing offsets, non-decreasing positions within the log file. */
    boolean isSane(int logSize) {
        MappedByteBuffer buf = buffer();
        long prevOffset = -1;
        int prevPosition = -1;
        for (int i = 0; i < entries(); i++) {
            int rel = relativeOffset(buf, i);
            int pos = position(buf, i);
            if (rel < 0 || rel <= prevOffset || pos < prevPosition || pos >= logSize) {
                return false;
            }
            prevOffset = rel;
            prevPosition = pos;
        }
        return true;
    }
}
