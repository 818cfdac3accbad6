package io.strata.storage;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MemoryRecordsBuilder;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Leader-side validation of one producer batch of 1 KiB records: header, CRC32C and the walk of every record
 * (in place when uncompressed, streaming decompression when lz4), against a baseline of header and CRC only.
 * Multiply ops/s by the batch's uncompressed size (16 records x 1 KiB) for bytes/s. In package {@code io.strata.storage} because the validator is package-private.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
public class BatchValidatorBench {

    @Param({"none", "lz4"})
    String codec;

    @Param({"1024"})
    int recordSize;

    /** Records per batch: about what linger.ms=5 batches hold at full speed (16 KiB batch.size). */
    @Param({"16"})
    int recordsPerBatch;

    private final LogConfig config = LogConfig.fromTopicConfigs(Map.of());
    private ByteBuffer batch;
    private long now;

    @Setup
    public void setUp() {
        // Each value half random, half repeated bytes: lz4 gets about 2:1, as on typical JSON payloads.
        SplittableRandom random = new SplittableRandom(42);
        now = System.currentTimeMillis();
        MemoryRecordsBuilder b = MemoryRecords.builder(ByteBuffer.allocate(recordsPerBatch * (recordSize + 64) + 128),
                RecordBatch.CURRENT_MAGIC_VALUE, Compression.of(codec).build(), TimestampType.CREATE_TIME, 0L);
        for (int i = 0; i < recordsPerBatch; i++) {
            byte[] value = new byte[recordSize];
            random.nextBytes(value);
            for (int j = recordSize / 2; j < recordSize; j++) {
                value[j] = (byte) ('a' + j % 8);
            }
            b.append(now, ("key-" + i).getBytes(), value);
        }
        batch = b.build().buffer();
    }

    @Benchmark
    public BatchValidator.Result validate() {
        // Validation leaves an already consistent batch unchanged, so the same bytes serve every invocation.
        return BatchValidator.validate(MemoryRecords.readableRecords(batch.duplicate()), config, now);
    }

    /** Baseline: header and CRC32C only, what the leader checked before records were walked. */
    @Benchmark
    public BatchValidator.Result headerAndCrcOnly() {
        return BatchValidator.validateReplicated(MemoryRecords.readableRecords(batch.duplicate()));
    }
}
