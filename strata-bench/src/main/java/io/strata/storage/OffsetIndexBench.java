package io.strata.storage;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Offset index lookup (the memory-mapped {@code .index} binary search every fetch does) in a full-sized segment
 * index. In package {@code io.strata.storage} because the index is package-private; this module runs on the
 * class path, where a package may span jars.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
public class OffsetIndexBench {

    /** Entries in the index: 1 GiB segment / 4 KiB index.interval.bytes = 262144 when full. */
    @Param({"262144"})
    int entries;

    private File dir;
    private OffsetIndex index;
    private final SplittableRandom random = new SplittableRandom(42);

    @Setup
    public void setUp() throws IOException {
        dir = Files.createTempDirectory("strata-jmh-index").toFile();
        index = new OffsetIndex(new File(dir, "00000000000000000000.index"), 0, 10 * 1024 * 1024);
        for (int i = 0; i < entries; i++) {
            index.append(i * 40L, i * 4096);
        }
    }

    @TearDown
    public void tearDown() throws IOException {
        index.deleteIfExists();
        dir.delete();
    }

    /** Position of the largest indexed offset at or below a random offset of the segment. */
    @Benchmark
    public int lookup() {
        return index.lookup(random.nextLong(entries * 40L));
    }
}
