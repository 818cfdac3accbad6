package io.strata.storage;

import static io.strata.storage.TestSupport.TOPIC_ID;
import static io.strata.storage.TestSupport.batch;
import static io.strata.storage.TestSupport.readAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.strata.testkit.Tmpfs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.record.internal.FileRecords;
import org.apache.kafka.common.record.internal.FileLogInputStream.FileChannelRecordBatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A full file system refuses appends and leaves the log as it was, its directory online, until space returns: the
 * guard alone (a fake file system), appends failing with ENOSPC through {@link FileLogManager}, and real small
 * file systems (tmpfs, mounted by the test as root) filled by appends, with and without a reserve.
 */
class LogDirSpaceTest {
    private static final long INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(LogDirSpace.SAMPLE_INTERVAL_MS);

    @TempDir
    Path root;

    private final Path dir = Path.of("/data/d1");
    private final AtomicLong usableBytes = new AtomicLong(10_000);
    private final AtomicLong nanos = new AtomicLong();
    private final TopicPartition tp = new TopicPartition("t", 0);
    private final TestSupport.ManualTime time = new TestSupport.ManualTime(System.currentTimeMillis());

    private LogDirSpace space(long minFreeBytes) {
        return new LogDirSpace(minFreeBytes, d -> usableBytes.get(), nanos::get);
    }

    private static LogManagerConfig config(Path logDir, long minFreeBytes) {
        // No background flush, checkpoint or retention: the test decides when they happen.
        return new LogManagerConfig(List.of(logDir), 1, Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE, 0)
                .withMinFreeBytes(minFreeBytes);
    }

    private static LogConfig small() {
        return LogConfig.fromTopicConfigs(Map.of(LogConfig.INTERNAL_SEGMENT_BYTES, "131072",
                "index.interval.bytes", "0"));
    }

    private static List<String> values(Log log) {
        return readAll(log, log.logStartOffset()).stream().map(v -> v.substring(v.indexOf(':') + 1)).toList();
    }

    @Test
    void refusesAnAppendThatWouldEatIntoTheReserveCountingAppendsBetweenReadings() {
        LogDirSpace space = space(4_000);
        space.reserve(dir, 3_000);
        usableBytes.set(1_000_000); // not read again yet: the appends since the last reading count
        space.reserve(dir, 3_000);
        assertThatThrownBy(() -> space.reserve(dir, 1)).isInstanceOf(KafkaStorageException.class)
                .hasMessageContaining("is full");
        nanos.addAndGet(INTERVAL_NANOS);
        space.reserve(dir, 1);
    }

    @Test
    void aFullDirectoryAcceptsAppendsAtTheReadingAfterSpaceIsFreedBeyondAMargin() {
        LogDirSpace space = space(8_000);
        assertThat(space.resumeMarginBytes()).isEqualTo(1_000);
        usableBytes.set(10_000);
        assertThatThrownBy(() -> space.reserve(dir, 3_000)).isInstanceOf(KafkaStorageException.class);
        // Full now: what would still fit the reserve alone waits for the margin too (a refusal counted nothing).
        assertThatThrownBy(() -> space.reserve(dir, 1_500)).isInstanceOf(KafkaStorageException.class);
        space.reserve(dir, 1_000);
        usableBytes.set(100_000);
        nanos.addAndGet(INTERVAL_NANOS - 1);
        assertThatThrownBy(() -> space.reserve(dir, 2_000)).isInstanceOf(KafkaStorageException.class);
        nanos.addAndGet(1);
        space.reserve(dir, 2_000);
    }

    @Test
    void anAppendThatRanOutOfSpaceRefusesTheDirectoryUntilTheNextReading() {
        LogDirSpace space = space(0);
        usableBytes.set(1_000_000);
        space.reserve(dir, 100);
        space.markFull(dir);
        assertThatThrownBy(() -> space.reserve(dir, 1)).isInstanceOf(KafkaStorageException.class);
        space.reserve(Path.of("/data/d2"), 1); // directories are counted apart
        nanos.addAndGet(INTERVAL_NANOS);
        space.reserve(dir, 1);
    }

    @Test
    void outOfSpaceIsEnospcOrEdquotOrAnyFailedWriteOnANearlyFullFileSystem() {
        LogDirSpace space = space(0);
        usableBytes.set(LogDirSpace.NEARLY_FULL_BYTES * 10);
        assertThat(space.isOutOfSpace(dir, new IOException("No space left on device"))).isTrue();
        assertThat(space.isOutOfSpace(dir, new UncheckedIOException(new IOException("Disk quota exceeded"))))
                .isTrue();
        IOException localised = new IOException("Auf dem Gerät ist kein Speicherplatz mehr verfügbar");
        assertThat(space.isOutOfSpace(dir, localised)).isFalse();
        assertThat(space.isOutOfSpace(dir, new IOException("Input/output error"))).isFalse();
        // The reserve is not "nearly full": a failure with that much space left is an I/O error.
        assertThat(space(1L << 30).isOutOfSpace(dir, new IOException("Input/output error"))).isFalse();
        usableBytes.set(4096);
        assertThat(space.isOutOfSpace(dir, localised)).isTrue();
    }

    @Test
    void anAppendFailingWithEnospcIsRefusedAndLeavesTheLogAndItsDirectoryAsTheyWere() throws Exception {
        Path d = root.resolve("d");
        AtomicLong failing = new AtomicLong();
        DiskFaults disk = (op, file) -> {
            if (op == DiskFaults.Op.APPEND && failing.get() > 0) {
                throw new IOException("No space left on device");
            }
        };
        List<LogDirFailure> told = new CopyOnWriteArrayList<>();
        FileLogManager manager = new FileLogManager(config(d, 0), time, disk, x -> Long.MAX_VALUE / 4);
        manager.onLogDirFailure(told::add);
        manager.startup(x -> small());
        Log log = manager.getOrCreate(tp, TOPIC_ID, small());
        log.appendAsLeader(batch("a"), 1);
        failing.set(1);
        assertThatThrownBy(() -> log.appendAsLeader(batch("b"), 1)).isInstanceOf(KafkaStorageException.class)
                .hasMessageContaining("out of space");
        assertThat(log.logEndOffset()).isEqualTo(1);
        assertThat(values(log)).containsExactly("a");
        failing.set(0);
        // Refused without a try until the free space is read again.
        assertThatThrownBy(() -> log.appendAsLeader(batch("b"), 1)).hasMessageContaining("is full");
        time.advance(LogDirSpace.SAMPLE_INTERVAL_MS);
        assertThat(log.appendAsLeader(batch("b"), 1).firstOffset()).isEqualTo(1);
        assertThat(told).isEmpty();
        assertThat(manager.offlineLogDirs()).isEmpty();
        manager.close();
        assertThat(d.resolve(FileLogManager.CLEAN_SHUTDOWN_FILE)).exists();
    }

    @Test
    void aFollowerIsRefusedAlikeAndReplicatesAgainOnceSpaceIsFreed() {
        Path d = root.resolve("d");
        usableBytes.set((1 << 20) + 10);
        FileLogManager manager = new FileLogManager(config(d, 1 << 20), time, DiskFaults.NONE,
                x -> usableBytes.get());
        try {
            manager.startup(x -> small());
            Log log = manager.getOrCreate(tp, TOPIC_ID, small());
            assertThatThrownBy(() -> log.appendAsFollower(batch("a", "b"))).isInstanceOf(KafkaStorageException.class)
                    .hasMessageContaining("is full");
            assertThat(log.logEndOffset()).isZero();
            usableBytes.set(1L << 30);
            time.advance(LogDirSpace.SAMPLE_INTERVAL_MS);
            log.appendAsFollower(batch("a", "b"));
            assertThat(values(log)).containsExactly("a", "b");
            assertThat(manager.offlineLogDirs()).isEmpty();
        } finally {
            manager.close();
        }
    }

    @Test
    void theCleanerDoesNotEatIntoTheReserve() throws Exception {
        Path d = root.resolve("d");
        usableBytes.set(1L << 30);
        LogConfig compacted = LogConfig.fromTopicConfigs(Map.of("cleanup.policy", "compact",
                LogConfig.INTERNAL_SEGMENT_BYTES, "600"));
        FileLogManager manager = new FileLogManager(config(d, 1 << 20).withCleaner(false, 1, 15_000), time,
                DiskFaults.NONE, x -> usableBytes.get());
        try {
            manager.startup(x -> compacted);
            Log log = manager.getOrCreate(tp, TOPIC_ID, compacted);
            CompactionSupport.Writer writer = new CompactionSupport.Writer(() -> log, time);
            for (int i = 0; i < 100; i++) {
                writer.append("k" + i % 5, "v" + i);
            }
            List<CompactionSupport.Rec> before = CompactionSupport.readRecords(log);
            usableBytes.set((1 << 20) + 100);
            time.advance(LogDirSpace.SAMPLE_INTERVAL_MS);

            assertThatThrownBy(() -> manager.cleaner().cleanOnce()).isInstanceOf(KafkaStorageException.class)
                    .hasMessageContaining("is full");
            // Groups that cleaned down to nothing needed no space and were swapped in; the rest is as it was.
            List<CompactionSupport.Rec> after = CompactionSupport.readRecords(log);
            assertThat(before).containsAll(after);
            assertThat(after).containsAll(before.subList(before.size() - 5, before.size()));
            try (Stream<Path> files = Files.list(log.dir())) {
                assertThat(files.map(Path::toString)).noneMatch(f -> f.endsWith(SegmentFiles.CLEANED_SUFFIX));
            }

            usableBytes.set(1L << 30);
            time.advance(LogDirSpace.SAMPLE_INTERVAL_MS);
            assertThat(manager.cleaner().cleanOnce()).isPresent();
            assertThat(CompactionSupport.readRecords(log)).hasSizeLessThan(after.size());
        } finally {
            manager.close();
        }
    }

    @Test
    void appendsRunningOutOfSpaceMidWriteAreRolledBackAndNothingTornIsKept() throws Exception {
        try (Tmpfs fs = Tmpfs.mount(root.resolve("fs"), "2m")) {
            Path d = fs.dir().resolve("logs");
            Files.createDirectories(d);
            Path filler = fs.dir().resolve("filler");
            Files.write(filler, new byte[512 << 10]);
            // The guard sees 64 KiB more than there is, as when another writer took space since its last reading:
            // the appends themselves run out of space, part way through their write, their index entries, a
            // roll's producer snapshot or a new epoch's checkpoint. After each refusal a little space is freed,
            // so that the file system runs out again at other points of the append path.
            LogDirSpace.UsableSpace real = LogDirSpace.fileStores();
            FileLogManager manager = new FileLogManager(config(d, 0), time, DiskFaults.NONE,
                    x -> real.bytes(x) + (64 << 10));
            List<String> acked = new ArrayList<>();
            try {
                manager.startup(x -> small());
                Log log = manager.getOrCreate(tp, TOPIC_ID, small());
                Random random = new Random(7);
                int refusals = 0;
                int epoch = 1;
                for (int i = 0; refusals < 40; i++) {
                    epoch += i % 16 == 15 ? 1 : 0;
                    String value = i + "-" + "x".repeat(random.nextInt(refusals == 0 ? 20_000 : 600));
                    long end = log.logEndOffset();
                    try {
                        log.appendAsLeader(batch(value), epoch);
                        acked.add(value);
                    } catch (KafkaStorageException e) {
                        refusals++;
                        assertThat(e).hasMessageContaining("out of space");
                        assertThat(log.logEndOffset()).isEqualTo(end);
                        assertThat(log.latestEpoch().orElseThrow().offset()).isLessThanOrEqualTo(end);
                        time.advance(LogDirSpace.SAMPLE_INTERVAL_MS);
                        try (FileChannel f = FileChannel.open(filler, StandardOpenOption.WRITE)) {
                            f.truncate(Math.max(0, f.size() - 4096L * (1 + random.nextInt(2))));
                        }
                    }
                }
                assertThat(acked).hasSizeGreaterThan(100);
                assertThat(values(log)).containsExactlyElementsOf(acked);

                Files.delete(filler);
                time.advance(LogDirSpace.SAMPLE_INTERVAL_MS);
                for (int i = 0; i < 10; i++) {
                    log.appendAsLeader(batch("after-" + i), epoch);
                    acked.add("after-" + i);
                }
                assertThat(values(log)).containsExactlyElementsOf(acked);
                assertThat(manager.offlineLogDirs()).isEmpty();
            } finally {
                manager.crashForTesting();
            }
            assertWholeBatchesOnly(d.resolve(LogLoader.dirName(tp)));
            FileLogManager reopened = new FileLogManager(config(d, 0), time);
            try {
                reopened.startup(x -> small());
                assertThat(values(reopened.get(tp).orElseThrow())).containsExactlyElementsOf(acked);
            } finally {
                reopened.close();
            }
        }
    }

    @Test
    void theReserveRefusesAppendsBeforeTheFileSystemRunsOutAndDeletedRecordsMakeRoom() throws Exception {
        try (Tmpfs fs = Tmpfs.mount(root.resolve("fs"), "2m")) {
            Path d = fs.dir().resolve("logs");
            FileLogManager manager = new FileLogManager(config(d, 512 << 10), time);
            try {
                manager.startup(x -> small());
                FileLog log = (FileLog) manager.getOrCreate(tp, TOPIC_ID, small());
                List<String> acked = new ArrayList<>();
                String value = "x".repeat(4000);
                for (int i = 0; ; i++) {
                    try {
                        log.appendAsLeader(batch(i + "-" + value), 1);
                        acked.add(i + "-" + value);
                    } catch (KafkaStorageException e) {
                        assertThat(e).hasMessageContaining("is full");
                        break;
                    }
                }
                long usable = Files.getFileStore(d).getUsableSpace();
                assertThat(usable).isGreaterThan(256 << 10);
                assertThat(values(log)).containsExactlyElementsOf(acked);

                // DeleteRecords and retention free whole segments; appends go on at the next reading.
                long end = log.logEndOffset();
                log.advanceLogStartOffset(end);
                manager.runRetention();
                await().atMost(Duration.ofSeconds(10)).until(() -> Files.getFileStore(d).getUsableSpace() > usable);
                time.advance(LogDirSpace.SAMPLE_INTERVAL_MS);
                assertThat(log.appendAsLeader(batch("after"), 1).firstOffset()).isEqualTo(end);
                assertThat(manager.offlineLogDirs()).isEmpty();
            } finally {
                manager.close();
            }
        }
    }

    /** Every segment file holds whole, valid batches only: no torn tail of a failed append survived. */
    private static void assertWholeBatchesOnly(Path partitionDir) throws IOException {
        List<Path> segments;
        try (Stream<Path> files = Files.list(partitionDir)) {
            segments = files.filter(f -> f.getFileName().toString().endsWith(".log")).toList();
        }
        assertThat(segments).isNotEmpty();
        for (Path segment : segments) {
            try (FileRecords records = FileRecords.open(segment.toFile())) {
                long bytes = 0;
                for (FileChannelRecordBatch b : records.batches()) {
                    b.ensureValid();
                    bytes += b.sizeInBytes();
                }
                assertThat(bytes).as("whole batches in %s", segment).isEqualTo(Files.size(segment));
            }
        }
    }
}
