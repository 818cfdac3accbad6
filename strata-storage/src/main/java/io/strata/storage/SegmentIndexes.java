package io.strata.storage;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import org.apache.kafka.common.record.internal.RecordBatch;

/**
 * The offset and time indexes of one segment and what keeps them in step with its batches: an entry every
 * {@code index.interval.bytes}, the time entry carrying the largest timestamp so far, which is tracked here too
 * ({@link #maxTimestamp()}, for retention and ListOffsets). Opening judges whether the index files can be trusted:
 * an empty segment gets lazy indexes (no files, no mappings until the first entry), and missing or insane ones are
 * emptied and flagged for a rebuild ({@link #needRebuild()}), which a scan then does ({@link #reset},
 * {@link #onBatch}).
 *
 * <p>Thread-safety: as its segment's. Changes are made under the owning log's lock; index lookups are lock-free,
 * and the max timestamp and its offset are volatile for lock-free readers.
 */
final class SegmentIndexes {

    /** What an append changes here, taken before it so that a failed append can be undone. */
    record Mark(int offsetIndexEntries, int timeIndexEntries, long maxTimestamp, long offsetOfMaxTimestamp,
                int bytesSinceLastIndexEntry) {
    }

    private final OffsetIndex offsetIndex;
    private final TimeIndex timeIndex;
    private final boolean needRebuild;
    private volatile long maxTimestamp = RecordBatch.NO_TIMESTAMP;
    private volatile long offsetOfMaxTimestamp = -1;
    private int bytesSinceLastIndexEntry;

    private SegmentIndexes(OffsetIndex offsetIndex, TimeIndex timeIndex, boolean needRebuild) {
        this.offsetIndex = offsetIndex;
        this.timeIndex = timeIndex;
        this.needRebuild = needRebuild;
        TimeIndex.Entry last = timeIndex.lastEntry();
        if (!needRebuild && last != null) {
            maxTimestamp = last.timestamp();
            offsetOfMaxTimestamp = last.offset();
        }
    }

    /**
     * Opens the indexes of a segment whose log holds {@code logBytes} (creating missing files), mapped at
     * {@code maxIndexSize} if positive (active segment). The segment's aborted-transaction index counts for the
     * verdict too: it is emptied with an empty log, and an insane one calls for a rebuild.
     */
    static SegmentIndexes open(File offsetFile, File timeFile, long baseOffset, int logBytes,
                               TransactionIndex txnIndex, int maxIndexSize) throws IOException {
        boolean offsetIndexExists = offsetFile.exists();
        boolean timeIndexExists = timeFile.exists();
        OffsetIndex offsetIndex;
        TimeIndex timeIndex;
        boolean rebuild = false;
        if (logBytes == 0) {
            // An empty segment gets lazy indexes: no files, no mappings until the first entry. Any index file left
            // over (e.g. preallocated before a crash) holds no valid entry for an empty log.
            if (offsetIndexExists) {
                Files.delete(offsetFile.toPath());
            }
            if (timeIndexExists) {
                Files.delete(timeFile.toPath());
            }
            txnIndex.reset();
            offsetIndex = OffsetIndex.fresh(offsetFile, baseOffset, 0);
            timeIndex = TimeIndex.fresh(timeFile, baseOffset, 0);
        } else {
            offsetIndex = new OffsetIndex(offsetFile, baseOffset, 0);
            timeIndex = new TimeIndex(timeFile, baseOffset, 0);
            rebuild = !offsetIndexExists || !timeIndexExists || !offsetIndex.isSane(logBytes)
                    || !timeIndex.isSane() || !txnIndex.isSane();
            if (rebuild) {
                offsetIndex.reset();
                timeIndex.reset();
            }
        }
        if (maxIndexSize > 0) {
            offsetIndex.resize(maxIndexSize);
            timeIndex.resize(maxIndexSize);
        }
        return new SegmentIndexes(offsetIndex, timeIndex, rebuild);
    }

    OffsetIndex offsetIndex() {
        return offsetIndex;
    }

    TimeIndex timeIndex() {
        return timeIndex;
    }

    /** Whether the index files were missing or insane at open, and were emptied. */
    boolean needRebuild() {
        return needRebuild;
    }

    /** The largest timestamp of the batches indexed so far, or -1 when none carries one. */
    long maxTimestamp() {
        return maxTimestamp;
    }

    /** The last offset of the batch carrying {@link #maxTimestamp()}, or -1. */
    long offsetOfMaxTimestamp() {
        return offsetOfMaxTimestamp;
    }

    /** Whether either index is full, which makes the segment roll. */
    boolean isFull() {
        return offsetIndex.isFull() || timeIndex.isFull();
    }

    /** A batch was appended (or seen again by a rebuild) at {@code position}: adds entries when due. */
    void onBatch(long lastOffset, long batchMaxTimestamp, int position, int size, int indexIntervalBytes) {
        if (batchMaxTimestamp > maxTimestamp) {
            maxTimestamp = batchMaxTimestamp;
            offsetOfMaxTimestamp = lastOffset;
        }
        if (bytesSinceLastIndexEntry > indexIntervalBytes) {
            offsetIndex.append(lastOffset, position);
            if (maxTimestamp >= 0) {
                timeIndex.maybeAppend(maxTimestamp, offsetOfMaxTimestamp);
            }
            bytesSinceLastIndexEntry = 0;
        }
        bytesSinceLastIndexEntry += size;
    }

    /** Empties the indexes and forgets the max timestamp, for a rebuild from the first batch. */
    void reset() {
        offsetIndex.reset();
        timeIndex.reset();
        maxTimestamp = RecordBatch.NO_TIMESTAMP;
        offsetOfMaxTimestamp = -1;
        bytesSinceLastIndexEntry = 0;
    }

    Mark mark() {
        return new Mark(offsetIndex.entries(), timeIndex.entries(), maxTimestamp, offsetOfMaxTimestamp,
                bytesSinceLastIndexEntry);
    }

    /** Undoes what happened since {@code mark}. */
    void rollBack(Mark mark) {
        offsetIndex.truncateToEntries(mark.offsetIndexEntries());
        timeIndex.truncateToEntries(mark.timeIndexEntries());
        maxTimestamp = mark.maxTimestamp();
        offsetOfMaxTimestamp = mark.offsetOfMaxTimestamp();
        bytesSinceLastIndexEntry = mark.bytesSinceLastIndexEntry();
    }

    /** Removes the entries for offsets at or above {@code offset}. */
    void truncateTo(long offset) {
        offsetIndex.truncateTo(offset);
        timeIndex.truncateTo(offset);
    }

    /**
     * After the log was truncated: the max timestamp is the last time entry's, which covers everything up to its
     * batch; the batches after it must be seen again ({@link #onTruncatedBatch}).
     *
     * @return the position of the first batch to see again
     */
    int restartAfterTruncation() {
        TimeIndex.Entry last = timeIndex.lastEntry();
        maxTimestamp = last == null ? RecordBatch.NO_TIMESTAMP : last.timestamp();
        offsetOfMaxTimestamp = last == null ? -1 : last.offset();
        bytesSinceLastIndexEntry = 0;
        return last == null ? 0 : offsetIndex.lookup(last.offset());
    }

    /** A batch kept by a truncation, after {@link #restartAfterTruncation}'s position. */
    void onTruncatedBatch(BatchHeader h) {
        if (h.maxTimestamp() > maxTimestamp) {
            maxTimestamp = h.maxTimestamp();
            offsetOfMaxTimestamp = h.lastOffset();
        }
    }

    /**
     * The segment takes no more appends: records the final max timestamp and trims the indexes; a segment with
     * batches gets its index files even if they never had an entry, so that a reload trusts them.
     */
    void complete(boolean hasBatches) {
        if (maxTimestamp >= 0) {
            timeIndex.maybeAppend(maxTimestamp, offsetOfMaxTimestamp);
        }
        offsetIndex.trimToValidSize();
        timeIndex.trimToValidSize();
        if (hasBatches) {
            offsetIndex.createIfAbsent();
            timeIndex.createIfAbsent();
        }
    }

    /** Lets the indexes of a segment that became the last one again take entries up to {@code maxIndexSize}. */
    void makeActive(int maxIndexSize) {
        offsetIndex.resize(maxIndexSize);
        timeIndex.resize(maxIndexSize);
    }
}
