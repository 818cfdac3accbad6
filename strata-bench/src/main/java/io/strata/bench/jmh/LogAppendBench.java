package io.strata.bench.jmh;

import io.strata.storage.AppendResult;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
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
 * Leader append of one producer batch (validation, offset assignment, segment write to the page cache, index
 * maintenance). The log is truncated every ~64 MiB so that the benchmark does not fill the disk; the truncation
 * is amortised over many appends.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
public class LogAppendBench {

    @Param({"100", "1024"})
    int recordSize;

    /** Records per batch: about what linger.ms=5 batches hold at full speed (16 KiB batch.size). */
    @Param({"16"})
    int recordsPerBatch;

    private ByteBuffer batch;
    private long truncateAt;

    @Setup
    public void setUp() {
        batch = LogFixture.batch(recordsPerBatch, recordSize);
        truncateAt = (64L << 20) / ((long) recordSize * recordsPerBatch) * recordsPerBatch;
    }

    @Benchmark
    public AppendResult append(LogFixture fixture) {
        if (fixture.log().logEndOffset() >= truncateAt) {
            fixture.log().truncateTo(0);
        }
        // Each append copies the batch, as each request has its own buffer: the copy is part of the measured cost.
        return fixture.append(batch);
    }
}
