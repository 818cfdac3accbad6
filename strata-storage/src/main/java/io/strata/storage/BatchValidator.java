package io.strata.storage;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.UnknownServerException;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.utils.BufferSupplier;
import org.apache.kafka.common.utils.CloseableIterator;

/**
 * Validates the batches of a produce request before the log lock is taken (CRC32C and the record walk are the costly
 * parts and need no log state), with Kafka's rules and error codes, and sets each batch's max timestamp.
 *
 * <p>As leader, every record of every batch is walked and must agree with the header, as Kafka's broker requires:
 * exactly {@code recordCount} records whose varint framing fills the batch to its last byte ({@code INVALID_RECORD}
 * otherwise), offset deltas {@code 0..lastOffsetDelta} in order, keys on compacted topics and CreateTime timestamps
 * inside the {@code message.timestamp.*} window (refused with the per-record error list of {@link RecordErrors}).
 * The max timestamp is then rewritten from the records (CreateTime) or to the append time (LogAppendTime), as Kafka
 * does. Uncompressed batches are walked in place without allocating per record; compressed ones are decompressed as
 * a stream that skips keys and values, with pooled reusable {@link BufferSupplier}s, so a small batch
 * that inflates to gigabytes is walked in bounded memory. A payload that cannot be decompressed is refused with
 * {@code UNKNOWN_SERVER_ERROR}, which is what Kafka 4.3 answers for it.
 *
 * <p>Replicated batches are only checked for structure and CRC: the leader walked them.
 *
 * <p>Thread-safety: thread-safe; the only shared state is the pool of decompression buffers, each lent to one
 * thread at a time.
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

    /**
     * Validates a produce request's batches as leader, walking every record, and sets their max timestamps.
     *
     * @throws CorruptRecordException   bad CRC or a batch cut short ({@code CORRUPT_MESSAGE})
     * @throws InvalidRecordException   a batch or record that breaks the format ({@code INVALID_RECORD}); a
     *                                  {@link RecordErrors} when individual records were refused
     * @throws org.apache.kafka.common.errors.InvalidTimestampException a {@link RecordErrors} for timestamps out of
     *                                  the topic's window ({@code INVALID_TIMESTAMP})
     * @throws RecordTooLargeException  a batch over {@code max.message.bytes}
     * @throws UnknownServerException   a compressed payload that cannot be decompressed (as Kafka answers)
     */
    static Result validate(MemoryRecords records, LogConfig config, long nowMs) {
        return validate(records, config, nowMs, true, false);
    }

    /** Validates a transaction marker batch built by this node for the coordinator: control batches allowed. */
    static Result validateMarker(MemoryRecords records, LogConfig config, long nowMs) {
        return validate(records, config, nowMs, true, true);
    }

    /** Validates batches replicated from a leader: structure, magic and CRC only; offsets are kept. */
    static Result validateReplicated(MemoryRecords records) {
        return validate(records, null, 0, false, false);
    }

    private static Result validate(MemoryRecords records, LogConfig config, long nowMs, boolean leader,
                                   boolean marker) {
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
            if (leader && batch.baseOffset() != 0) {
                throw new InvalidRecordException("The base offset of the record batch in the append should be 0,"
                        + " but it is " + batch.baseOffset());
            }
            if (leader && !marker && batch.isControlBatch()) {
                // Transaction markers are the coordinator's to write: a client's could abort others' transactions.
                throw new InvalidRecordException("Clients are not allowed to write control records");
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
            if (batch.hasProducerId() && !batch.isControlBatch() && batch.baseSequence() < 0) {
                throw new InvalidRecordException("Idempotent batch without a sequence number");
            }
            if (leader) {
                RecordWalk walk = new RecordWalk(batch, config, nowMs);
                if (batch.isCompressed()) {
                    walk.decompressing();
                } else {
                    walk.inPlace(buf, pos + BatchHeader.HEADER_SIZE, pos + size);
                }
                walk.throwRecordErrors();
                // Kafka's rule: the header's max timestamp is whatever the records say (or the append time).
                batch.setMaxTimestamp(config.timestampType(), logAppendTime ? nowMs : walk.maxTimestamp);
            }
            result.add(new ValidBatch(batch, pos - start, size, lastOffsetDelta));
            pos += size;
        }
        return new Result(result, end - start, logAppendTime ? nowMs : RecordBatch.NO_TIMESTAMP);
    }

    /**
     * Decompression buffer suppliers, lent to one walk at a time. A pool rather than a thread local: requests run on
     * each connection's own virtual thread, and thousands of connections must not each keep a codec's buffers
     * (up to 4 MiB for an lz4 block size a client picks). At most as many are kept as walks can run at once.
     */
    private static final BlockingQueue<BufferSupplier> SUPPLIERS =
            new ArrayBlockingQueue<>(Math.max(2, Runtime.getRuntime().availableProcessors()));

    /**
     * The walk of one batch's records: per-record checks, the record error list (allocated only on the first
     * error) and the max timestamp. One object per batch, none per record on the in-place path.
     */
    private static final class RecordWalk {
        private final MutableRecordBatch batch;
        private final int count;
        private final boolean compact;
        private final boolean createTime;
        /** Kafka reads a LogAppendTime batch's records as stamped with the batch's max timestamp. */
        private final boolean batchLogAppendTime;
        private final long earliest;
        private final long latest;
        private long maxTimestamp = RecordBatch.NO_TIMESTAMP;
        private List<RecordErrors.RecordError> errors;
        private boolean timestampErrors;
        private int pos;
        private int limit;

        RecordWalk(MutableRecordBatch batch, LogConfig config, long now) {
            this.batch = batch;
            this.count = batch.countOrNull();
            this.compact = config.compact();
            this.createTime = config.timestampType() == TimestampType.CREATE_TIME;
            this.batchLogAppendTime = batch.timestampType() == TimestampType.LOG_APPEND_TIME;
            this.latest = saturatedAdd(now, config.timestampAfterMaxMs());
            this.earliest = config.timestampBeforeMaxMs() >= now ? Long.MIN_VALUE
                    : now - config.timestampBeforeMaxMs();
        }

        /** Walks an uncompressed batch's records in {@code [from, end)} of {@code buf} without copying. */
        void inPlace(ByteBuffer buf, int from, int end) {
            long baseTimestamp = buf.getLong(from - BatchHeader.HEADER_SIZE + BatchHeader.BASE_TIMESTAMP);
            long batchMax = batch.maxTimestamp();
            pos = from;
            for (int i = 0; i < count; i++) {
                if (pos >= end) {
                    throw new InvalidRecordException("Incorrect declared batch size, premature EOF reached");
                }
                limit = end;
                int bodySize = varint(buf);
                if (bodySize < 0 || bodySize > end - pos) {
                    throw new InvalidRecordException("Invalid record size: expected " + bodySize + " bytes in record"
                            + " payload, but instead the buffer has only " + (end - pos) + " remaining bytes.");
                }
                int bodyStart = pos;
                limit = pos + bodySize;
                skip(1); // attributes: unused by v2 records
                long timestampDelta = varlong(buf);
                int offsetDelta = varint(buf);
                boolean hasKey = skipField(buf);
                skipField(buf);
                int headers = varint(buf);
                if (headers < 0) {
                    throw new InvalidRecordException("Found invalid number of record headers " + headers);
                }
                for (int h = 0; h < headers; h++) {
                    int keySize = varint(buf);
                    if (keySize < 0) {
                        throw new InvalidRecordException("Invalid negative header key size " + keySize);
                    }
                    skip(keySize);
                    skipField(buf);
                }
                if (pos != limit) {
                    throw new InvalidRecordException("Invalid record size: expected to read " + bodySize
                            + " bytes in record payload, but instead read " + (pos - bodyStart));
                }
                record(i, offsetDelta, batchLogAppendTime ? batchMax : baseTimestamp + timestampDelta, hasKey);
            }
            if (pos != end) {
                throw new InvalidRecordException("Incorrect declared batch size, records still remaining in file");
            }
        }

        /**
         * Walks a compressed batch's records through kafka-clients' streaming decompression, which skips keys and
         * values instead of materialising them and checks the same framing rules as {@link #inPlace}.
         */
        void decompressing() {
            long baseOffset = batch.baseOffset();
            BufferSupplier supplier = SUPPLIERS.poll();
            if (supplier == null) {
                supplier = BufferSupplier.create();
            }
            try (CloseableIterator<Record> it = batch.skipKeyValueIterator(supplier)) {
                int i = 0;
                while (it.hasNext()) {
                    Record r = it.next();
                    record(i, r.offset() - baseOffset, r.timestamp(), r.hasKey());
                    i++;
                }
            } catch (ApiException e) {
                throw e;
            } catch (RuntimeException e) {
                // Kafka lets the codec's KafkaException reach its request handler: UNKNOWN_SERVER_ERROR.
                throw new UnknownServerException("Failed to decompress record batch ("
                        + batch.compressionType().name + "): " + e.getMessage(), e);
            } finally {
                if (!SUPPLIERS.offer(supplier)) {
                    supplier.close();
                }
            }
        }

        /** Kafka's per-record checks (key, then timestamp), plus offset deltas that we assign offsets from. */
        private void record(int index, long offsetDelta, long timestamp, boolean hasKey) {
            if (offsetDelta != index) {
                // Kafka recompresses such a compressed batch with new deltas (and does not look at uncompressed
                // ones); we assign offsets in place, so kept deltas would give records wrong, even duplicate,
                // offsets: refused instead.
                error(index, false, "Record " + index + " has offset delta " + offsetDelta + " instead of " + index);
            } else if (compact && !hasKey) {
                error(index, false, "Compacted topic cannot accept message without key.");
            } else if (createTime && timestamp != RecordBatch.NO_TIMESTAMP) {
                if (timestamp < earliest || timestamp > latest) {
                    error(index, true, "Timestamp " + timestamp + " of message with offset " + index + " is out of"
                            + " range. The timestamp should be within [" + earliest + ", " + latest + "]");
                } else if (timestamp > maxTimestamp) {
                    maxTimestamp = timestamp;
                }
            } else if (batchLogAppendTime) {
                error(index, true, "Invalid timestamp type in message " + index + ". Producer should not set"
                        + " timestamp type to LogAppendTime.");
            } else if (timestamp > maxTimestamp) {
                maxTimestamp = timestamp;
            }
        }

        private void error(int index, boolean timestamp, String message) {
            if (errors == null) {
                errors = new ArrayList<>(1);
            }
            errors.add(new RecordErrors.RecordError(index, message));
            timestampErrors |= timestamp;
        }

        /** Refuses the batch as Kafka does when any of its records was refused. */
        void throwRecordErrors() {
            if (errors == null) {
                return;
            }
            if (timestampErrors) {
                throw new RecordErrors.InvalidTimestamps(
                        "One or more records have been rejected due to invalid timestamp", errors);
            }
            throw RecordErrors.invalidRecords(errors);
        }

        /** Skips a length-prefixed field (length -1 is null); returns whether it was non-null. */
        private boolean skipField(ByteBuffer buf) {
            int size = varint(buf);
            if (size >= 0) {
                skip(size);
            }
            return size >= 0;
        }

        private void skip(int n) {
            if (n > limit - pos) {
                throw structure();
            }
            pos += n;
        }

        private byte next(ByteBuffer buf) {
            if (pos >= limit) {
                throw structure();
            }
            return buf.get(pos++);
        }

        /** A zig-zag varint of at most 5 bytes read at {@code pos}; like Kafka, bits past 32 are dropped. */
        private int varint(ByteBuffer buf) {
            int value = 0;
            for (int shift = 0; ; shift += 7) {
                byte b = next(buf);
                if (shift == 28 && b < 0) {
                    throw structure();
                }
                value |= (b & 0x7f) << shift;
                if (b >= 0) {
                    return (value >>> 1) ^ -(value & 1);
                }
            }
        }

        /** A zig-zag varlong of at most 10 bytes read at {@code pos}; like Kafka, bits past 64 are dropped. */
        private long varlong(ByteBuffer buf) {
            long value = 0;
            for (int shift = 0; ; shift += 7) {
                byte b = next(buf);
                if (shift == 63 && b < 0) {
                    throw structure();
                }
                value |= (long) (b & 0x7f) << shift;
                if (b >= 0) {
                    return (value >>> 1) ^ -(value & 1);
                }
            }
        }

        private static InvalidRecordException structure() {
            return new InvalidRecordException("Found invalid record structure");
        }
    }

    private static long saturatedAdd(long a, long b) {
        long r = a + b;
        return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE : r;
    }
}
