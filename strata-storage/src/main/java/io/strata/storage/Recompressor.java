package io.strata.storage;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.CompressionType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MemoryRecordsBuilder;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.utils.BufferSupplier;
import org.apache.kafka.common.utils.ByteBufferOutputStream;
import org.apache.kafka.common.utils.CloseableIterator;

/**
 * Broker-side compression: rewrites a client's batches with the topic's {@code compression.type} when they were
 * sent with another codec, as Kafka's broker does on a leader append. Each batch becomes one batch with the same
 * offset deltas, producer id, epoch, base sequence, transactional flag and record timestamps, keys, values and
 * headers; its CRC is computed anew. Control batches and batches already in the target codec are kept as they are.
 *
 * <p>Applied only to appends from clients, after their batches passed validation (a corrupt batch is never
 * rewritten into a valid one); replicated batches are stored as the leader stored them. The rewritten size is
 * bounded by {@code max.message.bytes} while it is written, so a small batch that inflates enormously is refused
 * before its inflated size is held in memory (into a compressing codec, one record at a time is inflated, as in
 * Kafka). Stateless and thread-safe.
 */
final class Recompressor {

    private Recompressor() {
    }

    /**
     * The batches of {@code records} in the codec of {@code config}, or empty when they are stored as sent
     * ({@code compression.type=producer}, or every batch already uses the target codec).
     *
     * @param nowMs the append time, used as the batches' max timestamp on {@code LogAppendTime} topics
     * @throws RecordTooLargeException if a rewritten batch exceeds {@code max.message.bytes}
     */
    static Optional<MemoryRecords> recompress(MemoryRecords records, LogConfig config, long nowMs) {
        if (config.compression().isEmpty()) {
            return Optional.empty();
        }
        Compression target = config.compression().get();
        boolean needed = false;
        for (MutableRecordBatch batch : records.batches()) {
            needed |= rewrites(batch, target);
        }
        if (!needed) {
            return Optional.empty();
        }
        List<ByteBuffer> parts = new ArrayList<>();
        int total = 0;
        int position = records.buffer().position();
        for (MutableRecordBatch batch : records.batches()) {
            ByteBuffer part = rewrites(batch, target) ? rewrite(batch, target, config, nowMs)
                    : records.buffer().duplicate().limit(position + batch.sizeInBytes()).position(position);
            position += batch.sizeInBytes();
            parts.add(part);
            total += part.remaining();
        }
        ByteBuffer all = ByteBuffer.allocate(total);
        parts.forEach(all::put);
        return Optional.of(MemoryRecords.readableRecords(all.flip()));
    }

    private static boolean rewrites(RecordBatch batch, Compression target) {
        return !batch.isControlBatch() && batch.compressionType() != target.type();
    }

    private static ByteBuffer rewrite(MutableRecordBatch batch, Compression target, LogConfig config, long nowMs) {
        int limit = config.maxMessageBytes();
        if (target.type() == CompressionType.NONE) {
            // Stored uncompressed, the records take at least their own sizes: add them up first, skipping keys and
            // values, so that a single record inflating beyond the limit is refused without being allocated.
            long total = 0;
            try (CloseableIterator<Record> it = batch.skipKeyValueIterator(BufferSupplier.NO_CACHING)) {
                while (it.hasNext()) {
                    total += it.next().sizeInBytes();
                    if (total > limit) {
                        throw tooLarge(total, limit);
                    }
                }
            }
        }
        ByteBufferOutputStream out = new ByteBufferOutputStream(Math.min(limit, Math.max(batch.sizeInBytes(), 512)));
        boolean logAppendTime = config.timestampType() == TimestampType.LOG_APPEND_TIME;
        MemoryRecordsBuilder builder = new MemoryRecordsBuilder(out, RecordBatch.MAGIC_VALUE_V2, target,
                config.timestampType(), batch.baseOffset(), logAppendTime ? nowMs : RecordBatch.NO_TIMESTAMP,
                batch.producerId(), batch.producerEpoch(), batch.baseSequence(), batch.isTransactional(), false,
                batch.partitionLeaderEpoch(), Integer.MAX_VALUE, RecordBatch.NO_TIMESTAMP);
        try (CloseableIterator<Record> it = batch.streamingIterator(BufferSupplier.NO_CACHING)) {
            while (it.hasNext()) {
                Record record = it.next();
                builder.appendWithOffset(record.offset(), record);
                if (out.position() > limit) {
                    // What the codec has emitted so far already exceeds the limit: stop before inflating further.
                    throw tooLarge(out.position(), limit);
                }
            }
        }
        MemoryRecords rewritten = builder.build();
        if (rewritten.sizeInBytes() > limit) {
            throw tooLarge(rewritten.sizeInBytes(), limit);
        }
        return rewritten.buffer();
    }

    private static RecordTooLargeException tooLarge(long size, int limit) {
        return new RecordTooLargeException("Batch of " + size + " bytes after recompression exceeds "
                + "max.message.bytes " + limit);
    }
}
