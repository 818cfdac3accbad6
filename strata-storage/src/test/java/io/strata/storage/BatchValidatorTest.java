package io.strata.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.errors.InvalidTimestampException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.UnknownServerException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.CompressionType;
import org.apache.kafka.common.record.internal.ControlRecordType;
import org.apache.kafka.common.record.internal.DefaultRecord;
import org.apache.kafka.common.record.internal.EndTransactionMarker;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MemoryRecordsBuilder;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.utils.ByteBufferOutputStream;
import org.apache.kafka.common.utils.ByteUtils;
import org.apache.kafka.common.utils.Crc32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class BatchValidatorTest {
    private final LogConfig config = LogConfig.fromTopicConfigs(Map.of("max.message.bytes", "2000",
            "message.timestamp.before.max.ms", "60000"));
    private final long now = System.currentTimeMillis();

    @Test
    void acceptsValidBatchesAndSetsMaxTimestampFromTheRecords() {
        MemoryRecords records = TestSupport.concat(TestSupport.batch(Compression.NONE, now, "a", "b"),
                TestSupport.batch(Compression.gzip().build(), now, "c"));
        BatchValidator.Result r = BatchValidator.validate(records, config, now);
        assertThat(r.batches()).hasSize(2);
        assertThat(r.sizeInBytes()).isEqualTo(records.sizeInBytes());
        for (Compression c : new Compression[] {Compression.NONE, Compression.lz4().build()}) {
            // A header whose max timestamp disagrees with its records is corrected, as Kafka does (CreateTime).
            MemoryRecords lying = crafted(c, 2, 1, now - 1000, now + 50_000, record(0, 0, "k"),
                    record(1, 500, "k"));
            BatchValidator.Result fixed = BatchValidator.validate(lying, config, now);
            RecordBatch batch = fixed.batches().get(0).batch();
            assertThat(batch.maxTimestamp()).isEqualTo(now - 500);
            assertThat(batch.isValid()).isTrue();
        }
    }

    @ParameterizedTest
    @EnumSource(value = CompressionType.class, names = {"NONE", "GZIP", "LZ4"})
    void refusesARecordCountHigherThanTheRecords(CompressionType type) {
        // The first example: the header claims Integer.MAX_VALUE records, the batch holds one.
        MemoryRecords records = crafted(Compression.of(type).build(), Integer.MAX_VALUE, Integer.MAX_VALUE - 1,
                now, now, record(0, 0, "k"));
        assertThatThrownBy(() -> BatchValidator.validate(records, config, now))
                .isInstanceOf(InvalidRecordException.class).hasMessageContaining("premature EOF");
    }

    @ParameterizedTest
    @EnumSource(value = CompressionType.class, names = {"NONE", "GZIP", "ZSTD"})
    void refusesARecordCountLowerThanTheRecords(CompressionType type) {
        MemoryRecords records = crafted(Compression.of(type).build(), 1, 0, now, now, record(0, 0, "k"),
                record(1, 0, "k"));
        assertThatThrownBy(() -> BatchValidator.validate(records, config, now))
                .isInstanceOf(InvalidRecordException.class).hasMessageContaining("records still remaining");
    }

    @ParameterizedTest
    @EnumSource(value = CompressionType.class, names = {"NONE", "SNAPPY"})
    void refusesOffsetDeltasWithAGapWithTheRecordsIndex(CompressionType type) {
        MemoryRecords records = crafted(Compression.of(type).build(), 3, 2, now, now, record(0, 0, "k"),
                record(2, 0, "k"), record(3, 0, "k"));
        assertThatThrownBy(() -> BatchValidator.validate(records, config, now))
                .isInstanceOf(RecordErrors.InvalidRecords.class)
                .satisfies(e -> assertThat(((RecordErrors) e).recordErrors())
                        .extracting(RecordErrors.RecordError::batchIndex).containsExactly(1, 2));
    }

    @Test
    void refusesBrokenVarintFraming() {
        byte[] good = record(0, 0, "k");
        // Six continuation bytes: no varint is that long.
        byte[] badVarint = new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 1};
        assertRefused(crafted(Compression.NONE, 1, 0, now, now, badVarint), "invalid record structure");
        // A body size larger than what is left of the batch.
        byte[] longBody = good.clone();
        longBody[0] = (byte) (longBody[0] + 2);
        assertRefused(crafted(Compression.NONE, 1, 0, now, now, longBody), "Invalid record size");
        // A body size that the fields do not fill exactly (one byte of padding at the end).
        byte[] padded = new byte[good.length + 1];
        System.arraycopy(good, 0, padded, 0, good.length);
        padded[0] = (byte) (padded[0] + 2);
        assertRefused(crafted(Compression.NONE, 1, 0, now, now, padded), "Invalid record size");
        // A key longer than the record body.
        assertRefused(crafted(Compression.NONE, 1, 0, now, now, rawRecord(0, 100, 0, 0)), "invalid record structure");
        // Negative header count and negative header key size.
        assertRefused(crafted(Compression.NONE, 1, 0, now, now, rawRecord(0, -1, -1, -3)),
                "invalid number of record headers");
        assertRefused(crafted(Compression.NONE, 1, 0, now, now, rawRecord(0, -1, -1, 1, -2)),
                "negative header key size");
        // Trailing bytes after the last record.
        byte[] trailing = new byte[good.length + 3];
        System.arraycopy(good, 0, trailing, 0, good.length);
        assertRefused(crafted(Compression.NONE, 1, 0, now, now, trailing), "records still remaining");
    }

    @Test
    void acceptsHeadersAndNullValues() {
        Header[] headers = {new RecordHeader("h", "v".getBytes(StandardCharsets.UTF_8)), new RecordHeader("n", null)};
        MemoryRecords records = crafted(Compression.NONE, 2, 1, now, now, record(0, 0, "k", headers),
                record(1, 0, null));
        assertThat(BatchValidator.validate(records, config, now).batches()).hasSize(1);
    }

    @ParameterizedTest
    @EnumSource(value = CompressionType.class, names = {"GZIP", "LZ4", "SNAPPY", "ZSTD"})
    void refusesUndecompressablePayloadsAsKafkaDoes(CompressionType type) {
        // The second example: a compressed batch whose payload is random bytes.
        byte[] garbage = new byte[200];
        new SplittableRandom(15).nextBytes(garbage);
        MemoryRecords records = rawBatch(type, 3, 2, now, now, garbage);
        assertThatThrownBy(() -> BatchValidator.validate(records, config, now))
                .isInstanceOfAny(UnknownServerException.class, InvalidRecordException.class);
    }

    @Test
    void refusesAGzipPayloadOfRandomBytesWithUnknownServerError() {
        byte[] garbage = new byte[200];
        new SplittableRandom(15).nextBytes(garbage);
        assertThatThrownBy(() -> BatchValidator.validate(rawBatch(CompressionType.GZIP, 1, 0, now, now, garbage),
                config, now)).isInstanceOf(UnknownServerException.class).hasMessageContaining("gzip");
    }

    @Test
    void walksAZipBombWithBoundedMemory() {
        LogConfig roomy = LogConfig.fromTopicConfigs(Map.of("max.message.bytes", "1048588"));
        byte[] mib = new byte[1 << 20];
        MemoryRecordsBuilder builder = MemoryRecords.builder(ByteBuffer.allocate(1 << 20), Compression.gzip().build(),
                TimestampType.CREATE_TIME, 0L);
        for (int i = 0; i < 110; i++) {
            builder.append(now, null, mib);
        }
        MemoryRecords bomb = builder.build();
        assertThat(bomb.sizeInBytes()).isLessThan(1 << 20);
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        assertThat(BatchValidator.validate(bomb, roomy, now).batches()).hasSize(1);
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        // 110 MiB inflated, walked through a few reused buffers.
        assertThat(allocated).isLessThan(8L << 20);
    }

    @Test
    void refusesKeylessRecordsOnCompactedTopicsWithTheirIndexes() {
        LogConfig compact = LogConfig.fromTopicConfigs(Map.of("cleanup.policy", "compact"));
        for (Compression c : new Compression[] {Compression.NONE, Compression.zstd().build()}) {
            MemoryRecords records = crafted(c, 3, 2, now, now, record(0, 0, "k"), record(1, 0, null),
                    record(2, 0, "k"));
            assertThatThrownBy(() -> BatchValidator.validate(records, compact, now))
                    .isInstanceOf(InvalidRecordException.class)
                    .hasMessageContaining("1 record errors")
                    .satisfies(e -> assertThat(((RecordErrors) e).recordErrors())
                            .extracting(RecordErrors.RecordError::batchIndex).containsExactly(1));
        }
    }

    @Test
    void rejectsTimestampsOutsideTheWindowWithTheirIndexes() {
        assertThatThrownBy(() -> BatchValidator.validate(TestSupport.batch(Compression.NONE, now + 7_200_000, "f"),
                config, now)).isInstanceOf(InvalidTimestampException.class);
        // The old record is not the first one: only the record walk finds it.
        MemoryRecords records = MemoryRecords.withRecords(Compression.lz4().build(),
                new SimpleRecord(now, "a".getBytes()), new SimpleRecord(now - 120_000, "b".getBytes()),
                new SimpleRecord(now, "c".getBytes()));
        assertThatThrownBy(() -> BatchValidator.validate(records, config, now))
                .isInstanceOf(RecordErrors.InvalidTimestamps.class)
                .satisfies(e -> assertThat(((RecordErrors) e).recordErrors())
                        .extracting(RecordErrors.RecordError::batchIndex).containsExactly(1));
    }

    @Test
    void logAppendTimeTopicsStampTheAppendTimeAndRefuseBatchesStampedByTheClient() {
        LogConfig appendTime = LogConfig.fromTopicConfigs(Map.of("message.timestamp.type", "LogAppendTime"));
        BatchValidator.Result r = BatchValidator.validate(TestSupport.batch(Compression.lz4().build(), 5, "a", "b"),
                appendTime, now);
        assertThat(r.logAppendTime()).isEqualTo(now);
        assertThat(r.batches().get(0).batch().maxTimestamp()).isEqualTo(now);
        assertThat(r.batches().get(0).batch().timestampType()).isEqualTo(TimestampType.LOG_APPEND_TIME);
        MemoryRecords stamped = MemoryRecords.withRecords(RecordBatch.MAGIC_VALUE_V2, 0L, Compression.NONE,
                TimestampType.LOG_APPEND_TIME, new SimpleRecord(now, "x".getBytes()));
        assertThatThrownBy(() -> BatchValidator.validate(stamped, appendTime, now))
                .isInstanceOf(RecordErrors.InvalidTimestamps.class);
    }

    @Test
    void rejectsBadCrcTornBatchesOldMagicBigBatchesNonZeroBaseOffsetsAndControlBatches() {
        MemoryRecords good = TestSupport.batch(Compression.NONE, now, "abc");
        ByteBuffer corrupt = ByteBuffer.allocate(good.sizeInBytes()).put(good.buffer()).flip();
        corrupt.put(corrupt.limit() - 1, (byte) 'z');
        assertThatThrownBy(() -> BatchValidator.validate(MemoryRecords.readableRecords(corrupt), config, now))
                .isInstanceOf(CorruptRecordException.class);
        ByteBuffer torn = good.buffer().duplicate();
        torn.limit(torn.limit() - 2);
        assertThatThrownBy(() -> BatchValidator.validate(MemoryRecords.readableRecords(torn.slice()), config, now))
                .isInstanceOf(CorruptRecordException.class);
        MemoryRecords v1 = MemoryRecords.withRecords(RecordBatch.MAGIC_VALUE_V1, Compression.NONE,
                new SimpleRecord(now, "x".getBytes()));
        assertThatThrownBy(() -> BatchValidator.validate(v1, config, now))
                .isInstanceOf(InvalidRecordException.class);
        MemoryRecords big = TestSupport.batch(Compression.NONE, now, "y".repeat(3000));
        assertThatThrownBy(() -> BatchValidator.validate(big, config, now))
                .isInstanceOf(RecordTooLargeException.class);
        MemoryRecords based = MemoryRecords.withRecords(42L, Compression.NONE, new SimpleRecord(now, "x".getBytes()));
        assertThatThrownBy(() -> BatchValidator.validate(based, config, now))
                .isInstanceOf(InvalidRecordException.class).hasMessageContaining("base offset");
        MemoryRecords marker = MemoryRecords.withEndTransactionMarker(7L, (short) 0,
                new EndTransactionMarker(ControlRecordType.ABORT, 0));
        assertThatThrownBy(() -> BatchValidator.validate(marker, config, now))
                .isInstanceOf(InvalidRecordException.class).hasMessageContaining("control records");
        assertThat(BatchValidator.validateReplicated(marker).batches()).hasSize(1);
    }

    @Test
    void replicatedBatchesAreNotWalked() {
        // A follower trusts the leader's walk: only structure and CRC are checked.
        MemoryRecords records = crafted(Compression.NONE, 3, 2, now, now, record(0, 0, "k"), record(5, 0, "k"),
                record(6, 0, "k"));
        assertThat(BatchValidator.validateReplicated(records).batches()).hasSize(1);
    }

    private void assertRefused(MemoryRecords records, String message) {
        assertThatThrownBy(() -> BatchValidator.validate(records, config, now))
                .isInstanceOf(InvalidRecordException.class).hasMessageContaining(message);
    }

    /** One well-formed v2 record. */
    private static byte[] record(int offsetDelta, long timestampDelta, String key, Header... headers) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DefaultRecord.writeTo(new DataOutputStream(bytes), offsetDelta, timestampDelta,
                    key == null ? null : ByteBuffer.wrap(key.getBytes(StandardCharsets.UTF_8)),
                    ByteBuffer.wrap("value".getBytes(StandardCharsets.UTF_8)), headers);
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A record of explicit varint fields after attributes, timestamp and offset delta, with an exact body size. */
    private static byte[] rawRecord(int offsetDelta, int... varints) {
        ByteBuffer body = ByteBuffer.allocate(64);
        body.put((byte) 0);
        ByteUtils.writeVarlong(0, body);
        ByteUtils.writeVarint(offsetDelta, body);
        for (int v : varints) {
            ByteUtils.writeVarint(v, body);
        }
        body.flip();
        ByteBuffer out = ByteBuffer.allocate(body.remaining() + 5);
        ByteUtils.writeVarint(body.remaining(), out);
        out.put(body).flip();
        byte[] bytes = new byte[out.remaining()];
        out.get(bytes);
        return bytes;
    }

    /** A v2 batch with the given header fields around the given records, compressed as asked, with a valid CRC. */
    private static MemoryRecords crafted(Compression compression, int count, int lastOffsetDelta, long baseTimestamp,
                                         long maxTimestamp, byte[]... records) {
        ByteBufferOutputStream payload = new ByteBufferOutputStream(256);
        try (OutputStream out = compression.wrapForOutput(payload, RecordBatch.MAGIC_VALUE_V2)) {
            for (byte[] r : records) {
                out.write(r);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ByteBuffer bytes = payload.buffer().flip();
        byte[] data = new byte[bytes.remaining()];
        bytes.get(data);
        return rawBatch(compression.type(), count, lastOffsetDelta, baseTimestamp, maxTimestamp, data);
    }

    private static MemoryRecords rawBatch(CompressionType type, int count, int lastOffsetDelta, long baseTimestamp,
                                          long maxTimestamp, byte[] payload) {
        ByteBuffer buf = ByteBuffer.allocate(BatchHeader.HEADER_SIZE + payload.length);
        buf.putLong(0).putInt(buf.capacity() - BatchHeader.LOG_OVERHEAD).putInt(0).put(RecordBatch.MAGIC_VALUE_V2)
                .putInt(0).putShort((short) type.id).putInt(lastOffsetDelta).putLong(baseTimestamp)
                .putLong(maxTimestamp).putLong(RecordBatch.NO_PRODUCER_ID).putShort(RecordBatch.NO_PRODUCER_EPOCH)
                .putInt(RecordBatch.NO_SEQUENCE).putInt(count).put(payload).flip();
        long crc = Crc32C.compute(buf, BatchHeader.ATTRIBUTES, buf.limit() - BatchHeader.ATTRIBUTES);
        buf.putInt(BatchHeader.CRC, (int) crc);
        return MemoryRecords.readableRecords(buf);
    }
}
