package io.strata.storage;

import static io.strata.storage.TestSupport.TOPIC_ID;
import static io.strata.storage.TestSupport.batch;
import static io.strata.storage.TestSupport.idempotent;
import static io.strata.storage.TestSupport.readAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileLogManagerTest {
    @TempDir
    Path root;

    private LogManagerConfig config(long retentionCheckMs, Path... dirs) {
        return new LogManagerConfig(List.of(dirs), 2, 50, 60_000, retentionCheckMs, 0);
    }

    private static LogConfig small() {
        return LogConfig.fromTopicConfigs(Map.of("internal.segment.bytes", "400", "index.interval.bytes", "100"));
    }

    @Test
    void spreadsPartitionsAndRestartsCleanlyFromCheckpoints() throws Exception {
        Path d1 = root.resolve("d1");
        Path d2 = root.resolve("d2");
        FileLogManager manager = new FileLogManager(config(300_000, d1, d2));
        manager.startup(tp -> small());
        for (int p = 0; p < 4; p++) {
            Log log = manager.getOrCreate(new TopicPartition("t", p), TOPIC_ID, small());
            for (int i = 0; i < 20; i++) {
                log.appendAsLeader(batch("p" + p + "-" + i), 1);
            }
            log.updateHighWatermark(15);
        }
        Log idem = manager.get(new TopicPartition("t", 0)).orElseThrow();
        long now = System.currentTimeMillis();
        AppendResult original = idem.appendAsLeader(idempotent(Compression.NONE, now, 42, (short) 0, 0, "x"), 1);
        manager.close();

        try (Stream<Path> a = Files.list(d1); Stream<Path> b = Files.list(d2)) {
            assertThat(a.filter(Files::isDirectory).count()).isEqualTo(2);
            assertThat(b.filter(Files::isDirectory).count()).isEqualTo(2);
        }
        for (Path d : List.of(d1, d2)) {
            assertThat(d.resolve(FileLogManager.CLEAN_SHUTDOWN_FILE)).exists();
            assertThat(d.resolve("recovery-point-offset-checkpoint")).exists();
            assertThat(d.resolve("log-start-offset-checkpoint")).exists();
            assertThat(d.resolve("replication-offset-checkpoint")).exists();
        }

        FileLogManager restarted = new FileLogManager(config(300_000, d1, d2));
        restarted.startup(tp -> small());
        assertThat(d1.resolve(FileLogManager.CLEAN_SHUTDOWN_FILE)).doesNotExist();
        assertThat(restarted.all()).hasSize(4);
        Log log1 = restarted.get(new TopicPartition("t", 1)).orElseThrow();
        assertThat(log1.logEndOffset()).isEqualTo(20);
        assertThat(log1.highWatermark()).isEqualTo(15);
        assertThat(log1.topicId()).isEqualTo(TOPIC_ID);
        assertThat(readAll(log1, 0)).hasSize(20).startsWith("0:p1-0");
        Log log0 = restarted.get(new TopicPartition("t", 0)).orElseThrow();
        AppendResult retry = log0.appendAsLeader(idempotent(Compression.NONE, now, 42, (short) 0, 0, "x"), 1);
        assertThat(retry.duplicate()).isTrue();
        assertThat(retry.firstOffset()).isEqualTo(original.firstOffset());
        restarted.close();
    }

    /** The files under {@code dir} this JVM holds open, from {@code /proc/self/fd} (the log dir lock aside). */
    private static List<Path> openFilesUnder(Path dir) throws java.io.IOException {
        Path real = dir.toRealPath();
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.map(fd -> {
                try {
                    return Files.readSymbolicLink(fd);
                } catch (java.io.IOException e) {
                    return null; // closed since it was listed (the listing's own descriptor, for one)
                }
            }).filter(t -> t != null && t.startsWith(real) && !t.getFileName().toString().equals(".lock")).toList();
        }
    }

    private static List<Path> filesEndingWith(Path dir, String suffix) throws java.io.IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(f -> f.toString().endsWith(suffix)).map(f -> f.toAbsolutePath().normalize())
                    .toList();
        }
    }

    @Test
    void aPartitionHoldsOneDescriptorPerSegmentAndNoneForItsIndexes() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(Path.of("/proc/self/fd")));
        Path d = root.resolve("fds");
        FileLogManager manager = new FileLogManager(config(300_000, d));
        manager.startup(tp -> small());
        int partitions = 300;
        for (int p = 0; p < partitions; p++) {
            Log log = manager.getOrCreate(new TopicPartition("fd", p), TOPIC_ID, LogConfig.fromTopicConfigs(Map.of()));
            log.appendAsLeader(batch("v" + p), 0);
        }
        Path real = d.toRealPath();
        assertThat(openFilesUnder(d)).hasSize(partitions)
                .allSatisfy(f -> assertThat(f.toString()).endsWith(".log"));
        // A partition that rolled keeps one per segment, as Kafka does; its indexes stay closed.
        Log rolling = manager.getOrCreate(new TopicPartition("roll", 0), TOPIC_ID, small());
        for (int i = 0; i < 20; i++) {
            rolling.appendAsLeader(batch("v" + i), 0);
        }
        assertThat(filesEndingWith(real.resolve("roll-0"), ".log")).hasSizeGreaterThan(2);
        // A roll writes the producer-state snapshot off the append path: its file is open only until written.
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(openFilesUnder(d))
                .hasSize(partitions + filesEndingWith(real.resolve("roll-0"), ".log").size())
                .allSatisfy(f -> assertThat(f.toString()).endsWith(".log")));
        manager.close();
        assertThat(openFilesUnder(d)).isEmpty();

        FileLogManager restarted = new FileLogManager(config(300_000, d));
        restarted.startup(tp -> small());
        assertThat(openFilesUnder(d)).containsExactlyInAnyOrderElementsOf(filesEndingWith(real, ".log"));
        restarted.close();
    }

    @Test
    void uncleanRestartTruncatesATornTailAndRebuildsIndexesAndProducerState() throws Exception {
        Path d = root.resolve("d");
        FileLogManager manager = new FileLogManager(config(300_000, d));
        manager.startup(tp -> small());
        TopicPartition tp = new TopicPartition("t", 0);
        Log log = manager.getOrCreate(tp, TOPIC_ID, small());
        long now = System.currentTimeMillis();
        for (int i = 0; i < 30; i++) {
            log.appendAsLeader(idempotent(Compression.NONE, now, 5, (short) 0, i, "v" + i), 2);
        }
        manager.crashForTesting();

        Path partition = d.resolve("t-0");
        Path active;
        try (Stream<Path> files = Files.list(partition)) {
            active = files.filter(p -> p.toString().endsWith(".log")).max(Path::compareTo).orElseThrow();
        }
        long size = Files.size(active);
        try (RandomAccessFile raf = new RandomAccessFile(active.toFile(), "rw")) {
            raf.setLength(size - 3); // tear the last batch
            raf.seek(size - 3);
            raf.write(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}); // and add garbage
        }
        for (Path p : Files.list(partition).filter(p -> p.toString().endsWith(".index")).toList()) {
            Files.delete(p); // missing indexes are rebuilt
        }

        FileLogManager restarted = new FileLogManager(config(300_000, d));
        restarted.startup(t -> small());
        Log recovered = restarted.get(tp).orElseThrow();
        assertThat(recovered.logEndOffset()).isEqualTo(29);
        List<String> all = readAll(recovered, 0);
        assertThat(all).hasSize(29).endsWith("28:v28");
        assertThat(recovered.latestEpoch()).contains(new EpochEntry(2, 0));
        // The producer's state was rebuilt: the retry of seq 28 is a duplicate, the lost seq 29 is accepted again.
        assertThat(recovered.appendAsLeader(idempotent(Compression.NONE, now, 5, (short) 0, 28, "v28"), 2)
                .duplicate()).isTrue();
        AppendResult again = recovered.appendAsLeader(idempotent(Compression.NONE, now, 5, (short) 0, 29, "v29"), 2);
        assertThat(again.duplicate()).isFalse();
        assertThat(again.firstOffset()).isEqualTo(29);
        restarted.close();
    }

    @Test
    void placesNewLogsInTheLeastLoadedDirectoryAfterRestartsAndDeletions() throws Exception {
        Path d1 = root.resolve("d1");
        Path d2 = root.resolve("d2");
        FileLogManager manager = new FileLogManager(config(300_000, d1, d2));
        manager.startup(tp -> small());
        for (int p = 0; p < 4; p++) {
            manager.getOrCreate(new TopicPartition("t", p), TOPIC_ID, small());
        }
        manager.close();
        // Two logs per directory on disk; move one from d2 to d1 so the restarted manager must count what it loads.
        Path moved;
        try (Stream<Path> inD2 = Files.list(d2)) {
            moved = inD2.filter(Files::isDirectory).findFirst().orElseThrow();
        }
        Files.move(moved, d1.resolve(moved.getFileName()));
        FileLogManager restarted = new FileLogManager(config(300_000, d1, d2));
        restarted.startup(tp -> small());
        Log fifth = restarted.getOrCreate(new TopicPartition("t", 4), TOPIC_ID, small());
        assertThat(((FileLog) fifth).dir().getParent()).isEqualTo(d2);
        // d1 3 logs, d2 2: deleting two of d1's makes d1 the least loaded.
        List<TopicPartition> inD1 = restarted.all().stream().filter(l -> ((FileLog) l).dir().getParent().equals(d1))
                .map(Log::topicPartition).toList();
        restarted.delete(inD1.get(0));
        restarted.delete(inD1.get(1));
        Log sixth = restarted.getOrCreate(new TopicPartition("t", 5), TOPIC_ID, small());
        assertThat(((FileLog) sixth).dir().getParent()).isEqualTo(d1);
        restarted.close();
    }

    @Test
    void closeClosesEveryLogOnItsPoolAndFinishesEvenWhenTheCallerIsInterrupted() {
        Path d = root.resolve("d");
        FileLogManager manager = new FileLogManager(config(300_000, d));
        manager.startup(tp -> small());
        for (int p = 0; p < 20; p++) {
            manager.getOrCreate(new TopicPartition("c", p), TOPIC_ID, small()).appendAsLeader(batch("v" + p), 0);
        }
        // An interrupted closing thread must still leave every log closed and flushed, and the clean marker.
        Thread.currentThread().interrupt();
        manager.close();
        assertThat(Thread.interrupted()).isTrue();
        assertThat(d.resolve(FileLogManager.CLEAN_SHUTDOWN_FILE)).exists();
        FileLogManager restarted = new FileLogManager(config(300_000, d));
        restarted.startup(tp -> small());
        assertThat(restarted.all()).hasSize(20).allSatisfy(l -> assertThat(l.logEndOffset()).isEqualTo(1));
        assertThat(readAll(restarted.get(new TopicPartition("c", 7)).orElseThrow(), 0)).containsExactly("0:v7");
        restarted.close();
    }

    @Test
    void retentionRunsInTheBackgroundAndDeletesFiles() throws Exception {
        Path d = root.resolve("d");
        FileLogManager manager = new FileLogManager(config(20, d));
        manager.startup(tp -> small());
        LogConfig cfg = LogConfig.fromTopicConfigs(Map.of("internal.segment.bytes", "300", "retention.bytes", "0"));
        Log log = manager.getOrCreate(new TopicPartition("r", 0), TOPIC_ID, cfg);
        for (int i = 0; i < 20; i++) {
            log.appendAsLeader(batch("v" + i), 0);
        }
        log.updateHighWatermark(log.logEndOffset());
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(((FileLog) log).segments()).hasSize(1);
            assertThat(log.logStartOffset()).isEqualTo(((FileLog) log).segments().get(0).baseOffset).isPositive();
            try (Stream<Path> files = Files.list(d.resolve("r-0"))) {
                assertThat(files.map(p -> p.getFileName().toString()))
                        .noneMatch(n -> n.endsWith(".deleted"))
                        .filteredOn(n -> n.endsWith(".log")).hasSize(1);
            }
        });
        manager.close();
    }

    @Test
    void deleteRemovesTheDirectoryInTheBackground() throws Exception {
        Path d = root.resolve("d");
        FileLogManager manager = new FileLogManager(config(300_000, d));
        manager.startup(tp -> small());
        TopicPartition tp = new TopicPartition("gone", 3);
        manager.getOrCreate(tp, TOPIC_ID, small()).appendAsLeader(batch("a"), 0);
        manager.delete(tp);
        assertThat(manager.get(tp)).isEmpty();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            try (Stream<Path> files = Files.list(d)) {
                assertThat(files.filter(Files::isDirectory)).isEmpty();
            }
        });
        manager.close();
        FileLogManager restarted = new FileLogManager(config(300_000, d));
        restarted.startup(t -> small());
        assertThat(restarted.all()).isEmpty();
        restarted.close();
    }

    @Test
    void backgroundFlushAdvancesTheRecoveryPoint() {
        Path d = root.resolve("d");
        FileLogManager manager = new FileLogManager(config(300_000, d));
        manager.startup(tp -> small());
        LogConfig cfg = LogConfig.fromTopicConfigs(Map.of("flush.ms", "10"));
        FileLog log = (FileLog) manager.getOrCreate(new TopicPartition("f", 0), TOPIC_ID, cfg);
        log.appendAsLeader(batch("a", "b"), 0);
        await().atMost(Duration.ofSeconds(10)).until(() -> log.recoveryPoint() == 2);
        manager.close();
    }

    @Test
    void recoversManyMegabytesQuickly() throws Exception {
        Path d = root.resolve("d");
        LogConfig cfg = LogConfig.fromTopicConfigs(Map.of("segment.bytes", Integer.toString(64 << 20)));
        FileLogManager manager = new FileLogManager(config(300_000, d));
        manager.startup(tp -> cfg);
        Log log = manager.getOrCreate(new TopicPartition("big", 0), TOPIC_ID, cfg);
        String value = "x".repeat(1000);
        String[] values = new String[16];
        java.util.Arrays.fill(values, value);
        long total = 0;
        while (total < (48L << 20)) {
            total += log.appendAsLeader(batch(values), 0).lastOffset() >= 0 ? 16 * 1000 : 0;
        }
        long end = log.logEndOffset();
        manager.crashForTesting();
        long start = System.nanoTime();
        FileLogManager restarted = new FileLogManager(config(300_000, d));
        restarted.startup(tp -> cfg);
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertThat(restarted.get(new TopicPartition("big", 0)).orElseThrow().logEndOffset()).isEqualTo(end);
        System.out.println("Recovered 48 MB in " + ms + " ms");
        assertThat(ms).as("recovery of 48 MB took %d ms", ms).isLessThan(5000);
        restarted.close();
    }

    @Test
    void aSecondManagerOnALiveDirectoryIsRefusedBeforeTouchingAnyFile() throws Exception {
        Path d = root.resolve("d");
        FileLogManager live = new FileLogManager(config(300_000, d));
        live.startup(tp -> small());
        Log log = live.getOrCreate(new TopicPartition("t", 0), TOPIC_ID, small());
        for (int i = 0; i < 20; i++) {
            log.appendAsLeader(batch("v" + i), 1);
        }
        Map<Path, String> before = fingerprint(d);

        assertThatThrownBy(() -> new FileLogManager(config(300_000, d)))
                .isInstanceOf(KafkaException.class)
                .hasMessageContaining("Failed to acquire lock on file .lock in " + d);

        assertThat(fingerprint(d)).isEqualTo(before);
        assertThat(d.resolve(FileLogManager.CLEAN_SHUTDOWN_FILE)).doesNotExist();
        log.appendAsLeader(batch("after"), 1);
        assertThat(readAll(log, 20)).containsExactly("20:after");
        live.close();
        // Released on close: the next manager takes the directory.
        FileLogManager next = new FileLogManager(config(300_000, d));
        next.startup(tp -> small());
        assertThat(next.get(new TopicPartition("t", 0)).orElseThrow().logEndOffset()).isEqualTo(21);
        next.close();
    }


    @Test
    void expiresIdleProducersEveryCheckIntervalByTheLogManagersClock() throws Exception {
        Path d = root.resolve("d");
        TestSupport.ManualTime time = new TestSupport.ManualTime(System.currentTimeMillis());
        FileLogManager manager = new FileLogManager(config(300_000, d).withProducerIdExpiration(60_000, 10), time);
        manager.startup(tp -> small());
        Log log = manager.getOrCreate(new TopicPartition("t", 0), TOPIC_ID, small());
        log.appendAsLeader(idempotent(Compression.NONE, time.milliseconds(), 42, (short) 0, 0, "x"), 1);
        assertThat(log.activeProducers()).hasSize(1);
        time.advance(60_000);
        await().atMost(Duration.ofSeconds(10)).until(() -> log.activeProducers().isEmpty());
        manager.close();
    }

    /** Every regular file under {@code dir} with its size and modification time. */
    private static Map<Path, String> fingerprint(Path dir) throws Exception {
        Map<Path, String> files = new java.util.TreeMap<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.filter(Files::isRegularFile).toList()) {
                files.put(p, Files.size(p) + "@" + Files.getLastModifiedTime(p).toMillis() + "#"
                        + java.util.Arrays.hashCode(Files.readAllBytes(p)));
            }
        }
        return files;
    }
}
