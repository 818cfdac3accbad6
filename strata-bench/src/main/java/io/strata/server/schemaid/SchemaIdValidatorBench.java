package io.strata.server.schemaid;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
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
 * Schema id validation of one producer batch of 16 x 1 KiB records in the registry's wire format (uncompressed and
 * lz4), every value's id found in a map (the registry's in-memory lookup is a hash lookup under a read lock), against
 * a topic without validation. Compare with {@code BatchValidatorBench}, the log's own walk of the same batch shape.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
public class SchemaIdValidatorBench {

    @Param({"none", "lz4"})
    String codec;

    private static final int RECORDS = 16;
    private static final int SIZE = 1024;
    private static final SchemaValidationConfig VALUES = new SchemaValidationConfig(false, true,
            SubjectNameStrategy.TOPIC, SubjectNameStrategy.TOPIC);

    private static final Map<String, String> PLAIN_TOPIC = Map.of("retention.ms", "86400000",
            "cleanup.policy", "delete");

    private final SchemaIdValidator validator = new SchemaIdValidator();
    private ByteBuffer batch;

    /** Ids 1..100 under {@code orders-value}. */
    private static final class MapLookup implements SchemaIdLookup {
        private final Map<Integer, Set<String>> subjects = new ConcurrentHashMap<>();

        MapLookup() {
            for (int id = 1; id <= 100; id++) {
                subjects.put(id, Set.of("orders-value"));
            }
        }

        @Override
        public Optional<String> unavailable() {
            return Optional.empty();
        }

        @Override
        public boolean exists(int id) {
            return subjects.containsKey(id);
        }

        @Override
        public boolean registeredUnder(int id, String subject) {
            return subjects.getOrDefault(id, Set.of()).contains(subject);
        }

        @Override
        public Optional<String> recordName(int id) {
            return Optional.empty();
        }
    }

    @Setup
    public void setUp() {
        validator.attach(new MapLookup());
        // Each value half random, half repeated bytes (lz4 gets about 2:1), after the 5-byte wire format header.
        SplittableRandom random = new SplittableRandom(42);
        MemoryRecordsBuilder b = MemoryRecords.builder(ByteBuffer.allocate(RECORDS * (SIZE + 64) + 128),
                RecordBatch.CURRENT_MAGIC_VALUE, Compression.of(codec).build(), TimestampType.CREATE_TIME, 0L);
        for (int i = 0; i < RECORDS; i++) {
            byte[] value = new byte[SIZE];
            random.nextBytes(value);
            for (int j = SIZE / 2; j < SIZE; j++) {
                value[j] = (byte) ('a' + j % 8);
            }
            ByteBuffer.wrap(value).put((byte) 0).putInt(1 + i % 100);
            b.append(System.currentTimeMillis(), ("key-" + i).getBytes(), value);
        }
        batch = b.build().buffer();
    }

    @Benchmark
    public MemoryRecords validated() {
        MemoryRecords records = MemoryRecords.readableRecords(batch.duplicate());
        validator.validate("orders", VALUES, records);
        return records;
    }

    /** A topic without the configs: what every other topic's produce pays (its configs read, nothing walked). */
    @Benchmark
    public MemoryRecords off() {
        MemoryRecords records = MemoryRecords.readableRecords(batch.duplicate());
        validator.validate("orders", SchemaValidationConfig.of(PLAIN_TOPIC), records);
        return records;
    }
}
