package io.strata.bench.jmh;

import io.strata.bench.BenchMain;
import io.strata.storage.AppendResult;
import io.strata.storage.FileLogManager;
import io.strata.storage.Log;
import io.strata.storage.LogConfig;
import io.strata.storage.LogManagerConfig;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MemoryRecordsBuilder;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * A Strata log in a temporary directory, made before a trial and deleted after it, and record batches as producers
 * send them. A JMH state: benchmarks take it as a parameter of their methods, and JMH sets it up before the
 * benchmark's own {@code @Setup} that takes it. Not thread-safe.
 */
@State(Scope.Benchmark)
public class LogFixture {

    private Path dir;
    private FileLogManager manager;
    private Log log;

    @Setup(Level.Trial)
    public void open() throws IOException {
        dir = Files.createTempDirectory("strata-jmh-log");
        manager = new FileLogManager(new LogManagerConfig(List.of(dir), 1, Long.MAX_VALUE, 60_000, 300_000, 60_000));
        manager.startup(tp -> LogConfig.DEFAULT);
        log = manager.getOrCreate(new TopicPartition("jmh", 0), Uuid.randomUuid(), LogConfig.DEFAULT);
    }

    @TearDown(Level.Trial)
    public void close() {
        manager.close();
        BenchMain.deleteTree(dir);
    }

    Log log() {
        return log;
    }

    /** Appends {@code batch} as the leader, in epoch 0, from a copy: appends assign offsets in place. */
    AppendResult append(ByteBuffer batch) {
        ByteBuffer copy = ByteBuffer.allocate(batch.remaining());
        copy.put(batch.duplicate()).flip();
        return log.appendAsLeader(MemoryRecords.readableRecords(copy), 0);
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
}
