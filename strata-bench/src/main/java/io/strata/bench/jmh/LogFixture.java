package io.strata.bench.jmh;

import io.strata.storage.FileLogManager;
import io.strata.storage.Log;
import io.strata.storage.LogConfig;
import io.strata.storage.LogManagerConfig;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MemoryRecordsBuilder;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.TimestampType;

/** A Strata log in a temporary directory, and record batches as producers send them. Not thread-safe. */
final class LogFixture implements AutoCloseable {

    private final Path dir;
    private final FileLogManager manager;
    final Log log;

    LogFixture() throws IOException {
        dir = Files.createTempDirectory("strata-jmh-log");
        manager = new FileLogManager(new LogManagerConfig(List.of(dir), 1, Long.MAX_VALUE, 60_000, 300_000, 60_000));
        manager.startup(tp -> LogConfig.DEFAULT);
        log = manager.getOrCreate(new TopicPartition("jmh", 0), Uuid.randomUuid(), LogConfig.DEFAULT);
    }

    /** The bytes of one uncompressed producer batch of {@code count} records of {@code size} bytes. */
    static ByteBuffer batch(int count, int size) {
        byte[] value = new byte[size];
        new Random(42).nextBytes(value);
        MemoryRecordsBuilder b = MemoryRecords.builder(ByteBuffer.allocate(count * (size + 32) + 128),
                RecordBatch.CURRENT_MAGIC_VALUE, Compression.NONE, TimestampType.CREATE_TIME, 0L);
        long now = System.currentTimeMillis();
        for (int i = 0; i < count; i++) {
            b.append(now, null, value);
        }
        return b.build().buffer();
    }

    @Override
    public void close() throws IOException {
        manager.close();
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
