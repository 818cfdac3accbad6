package io.strata.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.CompressionType;
import org.apache.kafka.common.record.internal.ControlRecordType;
import org.apache.kafka.common.record.internal.EndTransactionMarker;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MemoryRecordsBuilder;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.junit.jupiter.api.Test;

class RecompressorTest {

    private static final long NOW = 1_700_000_000_000L;

    @Test
    void producerTypeKeepsBatchesAsSent() {
        MemoryRecords gzip = TestSupport.batch(Compression.gzip().build(), NOW, "a", "b");
        assertThat(Recompressor.recompress(gzip, LogConfig.DEFAULT, NOW)).isEmpty();
    }

    @Test
    void batchesAlreadyInTheTargetCodecAreKept() {
        MemoryRecords zstd = TestSupport.batch(Compression.zstd().build(), NOW, "a", "b");
        assertThat(Recompressor.recompress(zstd, config("zstd"), NOW)).isEmpty();
    }

    @Test
    void rewritesIntoTheTopicCodecKeepingProducerStateTimestampsAndRecords() {
        MemoryRecords sent = TestSupport.concat(idempotentWithHeaders(7, (short) 3, 40, CompressionType.NONE),
                idempotentWithHeaders(7, (short) 3, 43, CompressionType.GZIP));
        MemoryRecords stored = Recompressor.recompress(sent, config("zstd"), NOW).orElseThrow();

        List<MutableRecordBatch> before = new ArrayList<>();
        sent.batches().forEach(before::add);
        List<MutableRecordBatch> after = new ArrayList<>();
        stored.batches().forEach(after::add);
        assertThat(after).hasSize(2);
        for (int i = 0; i < 2; i++) {
            MutableRecordBatch in = before.get(i);
            MutableRecordBatch out = after.get(i);
            out.ensureValid();
            assertThat(out.compressionType()).isEqualTo(CompressionType.ZSTD);
            assertThat(out.producerId()).isEqualTo(7);
            assertThat(out.producerEpoch()).isEqualTo((short) 3);
            assertThat(out.baseSequence()).isEqualTo(in.baseSequence());
            assertThat(out.lastOffset()).isEqualTo(in.lastOffset());
            assertThat(out.maxTimestamp()).isEqualTo(in.maxTimestamp());
            assertThat(out.timestampType()).isEqualTo(TimestampType.CREATE_TIME);
            assertThat(records(out)).isEqualTo(records(in));
        }
    }

    @Test
    void uncompressedTopicInflatesCompressedBatches() {
        MemoryRecords sent = TestSupport.batch(Compression.lz4().build(), NOW, "x", "y", "z");
        MemoryRecords stored = Recompressor.recompress(sent, config("uncompressed"), NOW).orElseThrow();
        assertThat(stored.batches().iterator().next().compressionType()).isEqualTo(CompressionType.NONE);
        assertThat(TestSupport.values(stored)).containsExactly("0:x", "1:y", "2:z");
    }

    @Test
    void logAppendTimeTopicsGetTheAppendTimeAsMaxTimestamp() {
        LogConfig config = LogConfig.fromTopicConfigs(Map.of("compression.type", "snappy",
                "message.timestamp.type", "LogAppendTime"));
        MemoryRecords stored = Recompressor.recompress(TestSupport.batch(Compression.NONE, 5, "a"), config, NOW)
                .orElseThrow();
        RecordBatch batch = stored.batches().iterator().next();
        assertThat(batch.timestampType()).isEqualTo(TimestampType.LOG_APPEND_TIME);
        assertThat(batch.maxTimestamp()).isEqualTo(NOW);
    }

    @Test
    void aBatchThatInflatesBeyondMaxMessageBytesIsRefusedWhileItIsWritten() {
        String big = "a".repeat(10_000);
        String[] values = new String[500];
        java.util.Arrays.fill(values, big);
        MemoryRecords bomb = TestSupport.batch(Compression.gzip().build(), NOW, values);
        assertThat(bomb.sizeInBytes()).isLessThan(100_000);
        LogConfig config = LogConfig.fromTopicConfigs(Map.of("compression.type", "uncompressed",
                "max.message.bytes", "100000"));
        assertThatThrownBy(() -> Recompressor.recompress(bomb, config, NOW))
                .isInstanceOf(RecordTooLargeException.class).hasMessageContaining("max.message.bytes 100000");
    }

    @Test
    void aSingleRecordInflatingBeyondTheLimitIsRefusedBeforeItIsRead() {
        MemoryRecords bomb = TestSupport.batch(Compression.gzip().build(), NOW, "b".repeat(4 << 20));
        assertThat(bomb.sizeInBytes()).isLessThan(100_000);
        LogConfig config = LogConfig.fromTopicConfigs(Map.of("compression.type", "uncompressed",
                "max.message.bytes", "1000000"));
        assertThatThrownBy(() -> Recompressor.recompress(bomb, config, NOW))
                .isInstanceOf(RecordTooLargeException.class).hasMessageContaining("max.message.bytes 1000000");
        // Into a compressing codec the same record fits: it is stored, as Kafka stores it.
        LogConfig zstd = LogConfig.fromTopicConfigs(Map.of("compression.type", "zstd",
                "max.message.bytes", "1000000"));
        assertThat(Recompressor.recompress(bomb, zstd, NOW).orElseThrow().sizeInBytes()).isLessThan(1_000_000);
    }

    @Test
    void controlBatchesAreNeverRewritten() {
        ByteBuffer buf = ByteBuffer.allocate(256);
        MemoryRecords.writeEndTransactionalMarker(buf, 0, NOW, 0, 7, (short) 3,
                new EndTransactionMarker(ControlRecordType.COMMIT, 0));
        MemoryRecords marker = MemoryRecords.readableRecords(buf.flip());
        assertThat(Recompressor.recompress(marker, config("zstd"), NOW)).isEmpty();
    }

    private static LogConfig config(String codec) {
        return LogConfig.fromTopicConfigs(Map.of("compression.type", codec));
    }

    private static MemoryRecords idempotentWithHeaders(long pid, short epoch, int seq, CompressionType codec) {
        MemoryRecordsBuilder builder = MemoryRecords.builder(ByteBuffer.allocate(1024), RecordBatch.CURRENT_MAGIC_VALUE,
                Compression.of(codec).build(), TimestampType.CREATE_TIME, 0L, RecordBatch.NO_TIMESTAMP, pid, epoch,
                seq, false, RecordBatch.NO_PARTITION_LEADER_EPOCH);
        for (int i = 0; i < 3; i++) {
            builder.append(NOW - 100 + i * 7L, ("k" + i).getBytes(StandardCharsets.UTF_8),
                    ("v" + i).getBytes(StandardCharsets.UTF_8),
                    new RecordHeader[] {new RecordHeader("h", ("hv" + i).getBytes(StandardCharsets.UTF_8))});
        }
        return builder.build();
    }

    private static List<String> records(RecordBatch batch) {
        List<String> out = new ArrayList<>();
        for (Record r : batch) {
            out.add(r.offset() + "|" + r.timestamp() + "|" + StandardCharsets.UTF_8.decode(r.key()) + "|"
                    + StandardCharsets.UTF_8.decode(r.value()) + "|" + r.headers()[0].key() + "="
                    + new String(r.headers()[0].value(), StandardCharsets.UTF_8));
        }
        return out;
    }
}
