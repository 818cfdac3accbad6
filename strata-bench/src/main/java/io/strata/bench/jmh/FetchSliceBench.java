package io.strata.bench.jmh;

import io.strata.storage.LogReadInfo;
import java.nio.ByteBuffer;
import java.util.SplittableRandom;
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
 * Fetch read: from a fetch offset to the slice of the segment file a Fetch response sends (index lookup, scan
 * to the batch, slice). The bytes themselves go out by sendfile and are not touched here.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
public class FetchSliceBench {

    /** fetch.max.bytes per partition as the Java consumer asks (max.partition.fetch.bytes = 1 MiB). */
    @Param({"1048576"})
    int maxBytes;

    private long end;
    private final SplittableRandom random = new SplittableRandom(7);

    @Setup
    public void setUp(LogFixture fixture) {
        ByteBuffer batch = LogFixture.batch(16, 1024);
        for (int i = 0; i < 6_400; i++) { // ~100 MiB
            fixture.append(batch);
        }
        end = fixture.log().logEndOffset();
        fixture.log().updateHighWatermark(end);
    }

    @Benchmark
    public int read(LogFixture fixture) {
        LogReadInfo info = fixture.log().read(random.nextLong(end), maxBytes, end, true);
        return info.records().sizeInBytes();
    }
}
