package io.strata.storage;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.errors.InvalidTimestampException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.utils.BufferSupplier;
import org.apache.kafka.common.utils.CloseableIterator;

/**
 * Validates the batches of a produce request at batch level, before the log lock is taken (CRC32C is the costly
 * part and needs no log state), and rewrites the max timestamp of LogAppendTime topics.
 *
 * <p>Records are walked only when a finite {@code message.timestamp.before.max.ms} requires every record's
 * timestamp or a compacted topic requires every record's key; otherwise the batch header's first and max timestamps are enough for the upper bound. Stateless and
 * thread-safe.
 */
final class BatchValidator {

    /** A batch that passed validation, with its position in the request buffer. */
    record ValidBatch(MutableRecordBatch batch, int position, int size, int lastOffsetDelta) {
    }

    /** The batches of a valid request, in order; {@code logAppendTime} is -1 unless LogAppendTime applies. */
    record Result(List<ValidBatch> batches, int sizeInBytes, long logAppendTime) {
        /**
         * Assigns the batches consecutive offsets from {@code firstOffset} and the leader epoch, in place in the
         * request's buffer (neither field is covered by the CRC).
         *
         * @return the offset after the last batch
         */
        long assignOffsets(long firstOffset, int leaderEpoch) {
            long offset = firstOffset;
            for (ValidBatch vb : batches) {
                offset += vb.lastOffsetDelta();
                vb.batch().setLastOffset(offset);
                vb.batch().setPartitionLeaderEpoch(leaderEpoch);
                offset++;
            }
            return offset;
        }
    }

    private BatchValidator() {
    }

    /** Validates a produce request's batches as leader, rewriting LogAppendTime timestamps. */
    static Result validate(MemoryRecords records, LogConfig config, long nowMs) {
        return validate(records, config, nowMs, true);
    }

    /** Validates batches replicated from a leader: structure, magic and CRC only; offsets are kept. */
    static Result validateReplicated(MemoryRecords records) {
        return validate(records, null, 0, false);
    }

    private static Result validate(MemoryRecords records, LogConfig config, long nowMs, boolean leader) {
        ByteBuffer buf = records.buffer();
        int start = buf.position();
        int end = buf.limit();
        List<ValidBatch> result = new ArrayList<>(1);
        Iterator<MutableRecordBatch> batches = records.batches().iterator();
        boolean logAppendTime = leader && config.timestampType() == TimestampType.LOG_APPEND_TIME;
        int pos = start;
        while (pos < end) {
            int remaining = end - pos;
            if (remaining < BatchHeader.MAGIC + 1) {
                throw new CorruptRecordException("Truncated batch header at position " + (pos - start));
            }
            byte magic = buf.get(pos + BatchHeader.MAGIC);
            if (magic != RecordBatch.MAGIC_VALUE_V2) {
                throw new InvalidRecordException("Unsupported record batch magic " + magic + ": only v2 is accepted");
            }
            int length = buf.getInt(pos + BatchHeader.LENGTH);
            if (remaining < BatchHeader.HEADER_SIZE || length < BatchHeader.MIN_LENGTH
                    || length > remaining - BatchHeader.LOG_OVERHEAD) {
                throw new CorruptRecordException("Malformed batch at position " + (pos - start) + ": length " + length
                        + ", " + remaining + " bytes left");
            }
            int size = BatchHeader.LOG_OVERHEAD + length;
            if (leader && size > config.maxMessageBytes()) {
                throw new RecordTooLargeException("Batch of " + size + " bytes exceeds max.message.bytes "
                        + config.maxMessageBytes());
            }
            // The iterator agrees with our walk: both advance by the length field over the same bytes.
            MutableRecordBatch batch = batches.next();
            if (!batch.isValid()) {
                throw new CorruptRecordException("Record batch CRC mismatch at position " + (pos - start));
            }
            Integer count = batch.countOrNull();
            int lastOffsetDelta = buf.getInt(pos + BatchHeader.LAST_OFFSET_DELTA);
            boolean countOk = leader ? count != null && count > 0 && lastOffsetDelta == count - 1
                    // A compacted leader log keeps batches' offset ranges with fewer (even zero) records in them.
                    : count != null && count >= 0 && lastOffsetDelta >= 0 && count <= lastOffsetDelta + 1L;
            if (!countOk) {
                throw new InvalidRecordException("Batch record count " + count + " does not match last offset delta "
                        + lastOffsetDelta);
            }
            if (leader && config.compact() && !batch.isControlBatch()) {
                requireKeys(batch);
            }
            if (batch.hasProducerId() && !batch.isControlBatch() && batch.baseSequence() < 0) {
                throw new InvalidRecordException("Idempotent batch without a sequence number");
            }
            if (logAppendTime) {
                batch.setMaxTimestamp(TimestampType.LOG_APPEND_TIME, nowMs);
            } else if (leader) {
                checkCreateTime(batch, buf.getLong(pos + BatchHeader.BASE_TIMESTAMP), config, nowMs);
            }
            result.add(new ValidBatch(batch, pos - start, size, lastOffsetDelta));
            pos += size;
        }
        return new Result(result, end - start, logAppendTime ? nowMs : RecordBatch.NO_TIMESTAMP);
    }

    /** Kafka refuses keyless records on compacted topics: the cleaner could never decide which one to keep. */
    private static void requireKeys(MutableRecordBatch batch) {
        try (CloseableIterator<Record> it = batch.streamingIterator(BufferSupplier.NO_CACHING)) {
            while (it.hasNext()) {
                if (!it.next().hasKey()) {
                    throw new InvalidRecordException("Compacted topic cannot accept message without key");
                }
            }
        }
    }

    private static void checkCreateTime(MutableRecordBatch batch, long firstTimestamp, LogConfig config, long now) {
        long latest = saturatedAdd(now, config.timestampAfterMaxMs());
        long earliest = config.timestampBeforeMaxMs() >= now ? Long.MIN_VALUE : now - config.timestampBeforeMaxMs();
        checkTimestamp(batch.maxTimestamp(), earliest, latest);
        checkTimestamp(firstTimestamp, earliest, latest);
        if (earliest != Long.MIN_VALUE) {
            // Only a finite lower bound needs every record: timestamps inside a batch need not be ordered.
            try (CloseableIterator<Record> it = batch.skipKeyValueIterator(BufferSupplier.NO_CACHING)) {
                while (it.hasNext()) {
                    checkTimestamp(it.next().timestamp(), earliest, latest);
                }
            }
        }
    }

    private static void checkTimestamp(long timestamp, long earliest, long latest) {
        if (timestamp != RecordBatch.NO_TIMESTAMP && (timestamp < earliest || timestamp > latest)) {
            throw new InvalidTimestampException("Timestamp " + timestamp + " is out of range [" + earliest + ", "
                    + latest + "]");
        }
    }

    private static long saturatedAdd(long a, long b) {
        long r = a + b;
        return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE : r;
    }
}
