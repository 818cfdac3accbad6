package io.strata.it;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MemoryRecordsBuilder;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.utils.Crc32C;

/**
 * The table of malformed produce batches (issue 15) and the error code Apache Kafka answers for each, shared by
 * {@code BatchValidationIT} (against Strata) and {@code KafkaReferenceBatchIT} (against a real Kafka broker), so the
 * expected codes are Kafka's and the two cannot drift apart.
 *
 * <p>A case is refused by both brokers with {@link Case#expected()}, unless it is {@linkplain Case#strataOnly()
 * Strata-only}: Strata refuses it on purpose where Kafka answers otherwise, and the reference test pins Kafka's
 * answer so the documented difference stays true.
 *
 * <p>Batches are built when a case runs ({@link Case#batch()}), as timestamps are relative to the broker's clock.
 * Stateless and thread-safe.
 */
final class MalformedBatches {

    // Offsets of record batch v2 header fields, from the protocol guide's RecordBatch layout.
    private static final int LENGTH = 8;
    private static final int CRC = 17;
    private static final int ATTRIBUTES = 21;
    private static final int LAST_OFFSET_DELTA = 23;
    private static final int BASE_SEQUENCE = 53;
    private static final int RECORDS_COUNT = 57;
    private static final int HEADER_SIZE = 61;
    private static final short CONTROL_FLAG = 0x20;
    private static final long TWO_HOURS_MS = 7_200_000;

    private MalformedBatches() {
    }

    /** The topics the cases are sent to, one partition each, with the configs a case needs. */
    enum Topic {
        PLAIN(Map.of()),
        COMPACTED(Map.of("cleanup.policy", "compact")),
        /** Records older than an hour are refused ({@code message.timestamp.before.max.ms} is unbounded by default). */
        RECENT_ONLY(Map.of("message.timestamp.before.max.ms", "3600000")),
        LOG_APPEND_TIME(Map.of("message.timestamp.type", "LogAppendTime")),
        /** Batches are rewritten into lz4 on append, whatever the producer used. */
        LZ4(Map.of("compression.type", "lz4"));

        private final Map<String, String> configs;

        Topic(Map<String, String> configs) {
            this.configs = configs;
        }

        String topicName() {
            return "malformed-" + name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        Map<String, String> configs() {
            return configs;
        }
    }

    /**
     * Why Strata refuses a case that Kafka answers with {@code kafkaAnswers}.
     *
     * @param kafkaAnswers the code Apache Kafka answers ({@code NONE}: it stores the batch)
     * @param reason       why Strata is stricter (docs/architecture-notes.md)
     */
    record StrataOnly(Errors kafkaAnswers, String reason) {
    }

    /**
     * One malformed batch.
     *
     * @param name          a short kebab-case name (the parameterized tests' display name)
     * @param topic         where it is sent
     * @param version       the Produce request version it is sent with
     * @param batch         builds the batch's bytes
     * @param expected      the partition's error code
     * @param recordErrors  the batch indexes listed in {@code record_errors} (Produce v8+), in order
     * @param strataOnly    present when only Strata refuses it, with Kafka's answer and the reason
     */
    record Case(String name, Topic topic, short version, Supplier<MemoryRecords> batch, Errors expected,
                List<Integer> recordErrors, Optional<StrataOnly> strataOnly) {

        /** The code Apache Kafka answers for this batch. */
        Errors kafkaAnswers() {
            return strataOnly.map(StrataOnly::kafkaAnswers).orElse(expected);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** Every case: those both brokers refuse, then the Strata-only ones. */
    static List<Case> all() {
        return List.of(
                // Issue 15's first example: one request burned two billion offsets.
                refused("count-claims-two-billion-records", Topic.PLAIN, () -> patched(
                        batch(Compression.NONE, record("v")), Integer.MAX_VALUE - 1, Integer.MAX_VALUE),
                        Errors.INVALID_RECORD),
                // Issue 15's second example: a poison pill for every consumer. Kafka lets the codec's error through.
                refused("gzip-payload-of-random-bytes", Topic.PLAIN, MalformedBatches::gzipOfRandomBytes,
                        Errors.UNKNOWN_SERVER_ERROR),
                refused("last-offset-delta-disagrees-with-count", Topic.PLAIN, () -> patched(
                        batch(Compression.NONE, record("a"), record("b")), 5, 2), Errors.INVALID_RECORD),
                refused("record-count-zero", Topic.PLAIN, () -> patched(
                        batch(Compression.NONE, record("a")), -1, 0), Errors.INVALID_RECORD),
                refused("record-framing-cut-short", Topic.PLAIN, () -> resized(
                        batch(Compression.NONE, record("a"), record("bcdef")), -3), Errors.INVALID_RECORD),
                refused("bytes-after-the-last-record", Topic.PLAIN, () -> resized(
                        batch(Compression.NONE, record("a")), 4), Errors.INVALID_RECORD),
                refused("compressed-records-beyond-the-count", Topic.PLAIN, () -> patched(
                        batch(Compression.snappy().build(), record("a"), record("b"), record("c")), 1, 2),
                        Errors.INVALID_RECORD),
                refused("compressed-records-short-of-the-count", Topic.PLAIN, () -> patched(
                        batch(Compression.lz4().build(), record("a")), 1, 2), Errors.INVALID_RECORD),
                refused("crc-mismatch", Topic.PLAIN, MalformedBatches::crcMismatch, Errors.CORRUPT_MESSAGE),
                refused("base-offset-not-zero", Topic.PLAIN,
                        () -> MemoryRecords.withRecords(5L, Compression.NONE, record("a")), Errors.INVALID_RECORD),
                refused("idempotent-batch-without-sequence", Topic.PLAIN, MalformedBatches::idempotentWithoutSequence,
                        Errors.INVALID_RECORD),
                // Transaction markers are the coordinator's to write: Kafka refuses a client's as Strata does.
                refused("control-batch-from-a-client", Topic.PLAIN, MalformedBatches::controlBatch,
                        Errors.INVALID_RECORD),
                refused("magic-v1-batch", Topic.PLAIN, () -> MemoryRecords.withRecords(RecordBatch.MAGIC_VALUE_V1,
                        Compression.NONE, record("a")), Errors.INVALID_RECORD),
                new Case("timestamp-after-the-window", Topic.PLAIN, (short) 12, () -> {
                    long now = System.currentTimeMillis();
                    // message.timestamp.after.max.ms defaults to one hour in Kafka 4.
                    return batch(Compression.zstd().build(), record(now, "a"), record(now + TWO_HOURS_MS, "b"));
                }, Errors.INVALID_TIMESTAMP, List.of(1), Optional.empty()),
                new Case("timestamp-before-the-window", Topic.RECENT_ONLY, (short) 12, () -> {
                    long now = System.currentTimeMillis();
                    return batch(Compression.NONE, record(now, "a"), record(now - TWO_HOURS_MS, "b"));
                }, Errors.INVALID_TIMESTAMP, List.of(1), Optional.empty()),
                new Case("log-append-time-set-by-the-producer", Topic.LOG_APPEND_TIME, (short) 12,
                        () -> MemoryRecords.withRecords(RecordBatch.MAGIC_VALUE_V2, 0L, Compression.NONE,
                                TimestampType.LOG_APPEND_TIME, record("a")),
                        Errors.INVALID_TIMESTAMP, List.of(0), Optional.empty()),
                new Case("key-missing-on-a-compacted-topic", Topic.COMPACTED, (short) 12,
                        () -> batch(Compression.lz4().build(), new SimpleRecord(bytes("k"), bytes("v")),
                                new SimpleRecord(null, bytes("v"))),
                        Errors.INVALID_RECORD, List.of(1), Optional.empty()),
                // Before KIP-467 (Produce v8) the response has no place for record errors: the code alone.
                new Case("key-missing-on-a-compacted-topic-produce-v7", Topic.COMPACTED, (short) 7,
                        () -> batch(Compression.NONE, new SimpleRecord(null, bytes("v"))),
                        Errors.INVALID_RECORD, List.of(), Optional.empty()),
                strataOnly("record-offset-deltas-skip-uncompressed", Topic.PLAIN, Compression.NONE, Errors.NONE,
                        "Kafka does not read the offset deltas of uncompressed records: it stores them as sent and"
                                + " serves the second record at an offset past the batch's last one, the next batch's"
                                + " first offset; Strata assigns offsets from the deltas, so it refuses them"),
                strataOnly("record-offset-deltas-skip-compressed", Topic.PLAIN, Compression.gzip().build(),
                        Errors.UNKNOWN_SERVER_ERROR,
                        "Kafka 4.3.1 means to recompress such a batch but, on a topic that keeps the producer's"
                                + " compression, has walked its records without keys and fails to rebuild them"
                                + " (UnsupportedOperationException: UNKNOWN_SERVER_ERROR); Strata refuses it"
                                + " deliberately, with INVALID_RECORD and the record's index"),
                strataOnly("record-offset-deltas-skip-compressed-on-a-recompressing-topic", Topic.LZ4,
                        Compression.gzip().build(), Errors.NONE,
                        "Kafka recompresses the batch into the topic's compression.type with new offset deltas;"
                                + " Strata assigns offsets in place and keeps a recompressed batch's deltas, so it"
                                + " refuses deltas that are not 0..n"));
    }

    private static Case refused(String name, Topic topic, Supplier<MemoryRecords> batch, Errors expected) {
        return new Case(name, topic, (short) 12, batch, expected, List.of(), Optional.empty());
    }

    /** Records whose offset deltas are 0 and 2 in a header that says 0..1: only Strata refuses them. */
    private static Case strataOnly(String name, Topic topic, Compression compression, Errors kafkaAnswers,
                                   String reason) {
        Supplier<MemoryRecords> batch = () -> {
            MemoryRecordsBuilder builder = MemoryRecords.builder(ByteBuffer.allocate(1024), compression,
                    TimestampType.CREATE_TIME, 0L);
            builder.appendWithOffset(0, record("a"));
            builder.appendWithOffset(2, record("b"));
            return patched(builder.build(), 1, 2);
        };
        return new Case(name, topic, (short) 12, batch, Errors.INVALID_RECORD, List.of(1),
                Optional.of(new StrataOnly(kafkaAnswers, reason)));
    }

    private static MemoryRecords gzipOfRandomBytes() {
        MemoryRecords records = batch(Compression.gzip().build(), record("v".repeat(100)));
        ByteBuffer buf = records.buffer();
        byte[] garbage = new byte[buf.limit() - HEADER_SIZE];
        new SplittableRandom(15).nextBytes(garbage);
        buf.put(HEADER_SIZE, garbage);
        resign(buf);
        return records;
    }

    /** A value byte flipped after the CRC was computed, as a faulty network or disk would. */
    private static MemoryRecords crcMismatch() {
        MemoryRecords records = batch(Compression.NONE, record("value"));
        ByteBuffer buf = records.buffer();
        buf.put(buf.limit() - 2, (byte) (buf.get(buf.limit() - 2) ^ 1));
        return records;
    }

    /** A batch with a producer id but no sequence number (a client's builder refuses to write one). */
    private static MemoryRecords idempotentWithoutSequence() {
        MemoryRecords records = MemoryRecords.withRecords(RecordBatch.MAGIC_VALUE_V2, 0L, Compression.NONE,
                TimestampType.CREATE_TIME, 1_000L, (short) 0, 0, RecordBatch.NO_PARTITION_LEADER_EPOCH, false,
                record("a"));
        records.buffer().putInt(BASE_SEQUENCE, RecordBatch.NO_SEQUENCE);
        resign(records.buffer());
        return records;
    }

    /** An ordinary batch with the control attribute set: a client posing as a transaction coordinator. */
    private static MemoryRecords controlBatch() {
        MemoryRecords records = batch(Compression.NONE, record("a"));
        ByteBuffer buf = records.buffer();
        buf.putShort(ATTRIBUTES, (short) (buf.getShort(ATTRIBUTES) | CONTROL_FLAG));
        resign(buf);
        return records;
    }

    /** Sets a batch's header {@code lastOffsetDelta} and {@code recordsCount}, re-signed as a hostile client would. */
    private static MemoryRecords patched(MemoryRecords records, int lastOffsetDelta, int count) {
        ByteBuffer buf = records.buffer();
        buf.putInt(LAST_OFFSET_DELTA, lastOffsetDelta).putInt(RECORDS_COUNT, count);
        resign(buf);
        return records;
    }

    /** The batch cut short ({@code delta < 0}) or padded with zero bytes, its length field and CRC to match. */
    private static MemoryRecords resized(MemoryRecords records, int delta) {
        ByteBuffer old = records.buffer();
        ByteBuffer buf = ByteBuffer.allocate(old.limit() + delta);
        buf.put(old.duplicate().limit(Math.min(old.limit(), buf.capacity()))).flip();
        buf.limit(buf.capacity()).putInt(LENGTH, buf.getInt(LENGTH) + delta);
        resign(buf);
        return MemoryRecords.readableRecords(buf);
    }

    /** Recomputes the CRC of a single batch after its header or payload was altered. */
    private static void resign(ByteBuffer buf) {
        buf.putInt(CRC, (int) Crc32C.compute(buf, ATTRIBUTES, buf.limit() - ATTRIBUTES));
    }

    private static MemoryRecords batch(Compression compression, SimpleRecord... records) {
        return MemoryRecords.withRecords(compression, records);
    }

    private static SimpleRecord record(String value) {
        return record(System.currentTimeMillis(), value);
    }

    private static SimpleRecord record(long timestamp, String value) {
        return new SimpleRecord(timestamp, bytes("k"), bytes(value));
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
