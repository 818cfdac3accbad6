package io.strata.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Iterator;
import java.util.Optional;
import java.util.OptionalInt;
import org.apache.kafka.common.record.internal.FileLogInputStream.FileChannelRecordBatch;
import org.apache.kafka.common.record.internal.FileRecords;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.Records;

/**
 * Finds batches in one segment's log file with the help of its offset and time indexes: the slice of whole batches
 * a fetch returns, the record a timestamp lookup returns, and where the batch holding an offset starts (which
 * truncation needs too). It only reads; the {@link LogSegment} owning the files writes them.
 *
 * <p>Thread-safety: lock-free and safe for concurrent use. Callers bound every read by a position the writer has
 * published ({@code maxPosition}, from the log's volatile end) or hold the log's lock; index lookups are lock-free.
 */
final class SegmentReader {
    /** A batch found by reading headers: where it starts, its size and offsets. */
    record BatchLocation(int position, int size, long baseOffset, long lastOffset) {
    }

    private final FileRecords log;
    private final OffsetIndex offsetIndex;
    private final TimeIndex timeIndex;

    /** Reads {@code log} with the segment's own indexes (the same objects, so renames and truncations show). */
    SegmentReader(FileRecords log, OffsetIndex offsetIndex, TimeIndex timeIndex) {
        this.log = log;
        this.offsetIndex = offsetIndex;
        this.timeIndex = timeIndex;
    }

    /**
     * The first batch at or after the batch boundary {@code from} whose last offset is at least {@code target},
     * reading headers only, up to {@code maxPosition}; null when there is none.
     */
    BatchLocation locate(long target, int from, int maxPosition) throws IOException {
        ByteBuffer header = ByteBuffer.allocate(BatchHeader.BASE_TIMESTAMP);
        int pos = from;
        while (pos + BatchHeader.HEADER_SIZE <= maxPosition) {
            header.clear();
            log.readInto(header, pos);
            long base = header.getLong(BatchHeader.BASE_OFFSET);
            int size = BatchHeader.LOG_OVERHEAD + header.getInt(BatchHeader.LENGTH);
            long last = base + header.getInt(BatchHeader.LAST_OFFSET_DELTA);
            if (last >= target) {
                return new BatchLocation(pos, size, base, last);
            }
            pos += size;
        }
        return null;
    }

    /** The end of the last whole batch at or below {@code limit}, scanning from the batch boundary {@code from}. */
    private int lastBoundaryAtOrBelow(int from, int limit) throws IOException {
        ByteBuffer header = ByteBuffer.allocate(BatchHeader.LOG_OVERHEAD);
        int pos = from;
        while (pos + BatchHeader.LOG_OVERHEAD <= limit) {
            header.clear();
            log.readInto(header, pos);
            int size = BatchHeader.LOG_OVERHEAD + header.getInt(BatchHeader.LENGTH);
            if ((long) pos + size > limit) {
                break;
            }
            pos += size;
        }
        return pos;
    }

    /**
     * Reads whole batches starting with the one containing {@code fetchOffset}: at most {@code maxBytes} (but the
     * first batch whole when {@code minOneMessage}), none holding an offset at or above {@code maxOffset}, none
     * ending after {@code maxPosition}.
     *
     * @return a file slice (possibly empty), or null when this segment holds no batch at or after fetchOffset
     */
    Records read(long fetchOffset, int maxBytes, long maxOffset, int maxPosition, boolean minOneMessage)
            throws IOException {
        BatchLocation start = locate(fetchOffset, offsetIndex.lookup(fetchOffset), maxPosition);
        if (start == null) {
            return null;
        }
        if (start.lastOffset() >= maxOffset) {
            return MemoryRecords.EMPTY;
        }
        if (start.size() > maxBytes) {
            return minOneMessage ? log.slice(start.position(), start.size()) : MemoryRecords.EMPTY;
        }
        int limit = maxPosition;
        if (maxOffset != Long.MAX_VALUE) {
            BatchLocation bound = locate(maxOffset, Math.max(start.position(), offsetIndex.lookup(maxOffset)),
                    maxPosition);
            if (bound != null) {
                limit = bound.position();
            }
        }
        long byteLimit = (long) start.position() + maxBytes;
        int end;
        if (byteLimit >= limit) {
            end = limit;
        } else {
            int from = Math.max(start.position(), offsetIndex.floorPosition((int) byteLimit));
            end = lastBoundaryAtOrBelow(from, (int) byteLimit);
        }
        return log.slice(start.position(), end - start.position());
    }

    /** The first record at or after {@code timestamp} with an offset of at least {@code minOffset}. */
    Optional<TimestampAndOffset> findOffsetByTimestamp(long timestamp, long minOffset) throws IOException {
        TimeIndex.Entry below = timeIndex.lastEntryBelow(timestamp);
        int from = below == null ? 0 : offsetIndex.lookup(below.offset());
        from = Math.max(from, offsetIndex.lookup(minOffset));
        for (FileChannelRecordBatch batch : log.batchesFrom(from)) {
            if (batch.maxTimestamp() >= timestamp && batch.lastOffset() >= minOffset) {
                for (Record record : batch) {
                    if (record.offset() >= minOffset && record.timestamp() >= timestamp) {
                        return Optional.of(new TimestampAndOffset(record.timestamp(), record.offset(),
                                epochOf(batch)));
                    }
                }
            }
        }
        return Optional.empty();
    }

    /**
     * The first record whose timestamp is {@code ts} in the first batch ending at or after {@code offset}, or that
     * batch's last offset if no record carries {@code ts}; empty when there is no such batch. For the record with
     * the segment's largest timestamp, which the segment tracks.
     */
    Optional<TimestampAndOffset> recordWithTimestamp(long ts, long offset) throws IOException {
        BatchLocation loc = locate(offset, offsetIndex.lookup(offset), log.sizeInBytes());
        if (loc == null) {
            return Optional.empty();
        }
        Iterator<FileChannelRecordBatch> it = log.batchesFrom(loc.position()).iterator();
        if (it.hasNext()) {
            FileChannelRecordBatch batch = it.next();
            for (Record record : batch) {
                if (record.timestamp() == ts) {
                    return Optional.of(new TimestampAndOffset(ts, record.offset(), epochOf(batch)));
                }
            }
            return Optional.of(new TimestampAndOffset(ts, batch.lastOffset(), epochOf(batch)));
        }
        return Optional.empty();
    }

    private static OptionalInt epochOf(RecordBatch batch) {
        int epoch = batch.partitionLeaderEpoch();
        return epoch >= 0 ? OptionalInt.of(epoch) : OptionalInt.empty();
    }
}
