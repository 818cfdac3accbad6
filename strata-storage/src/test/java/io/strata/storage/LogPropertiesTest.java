package io.strata.storage;

import static io.strata.storage.TestSupport.TOPIC_ID;
import static io.strata.storage.TestSupport.TP;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.FileRecords;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MemoryRecordsBuilder;
import org.apache.kafka.common.record.internal.RecordBatch;

/**
 * Invariants of the log under random appends (codecs none/gzip/lz4, idempotent or not), reads, truncations,
 * simulated crashes (directory copied without close, active segment cut at a random byte, garbage appended) and
 * clean restarts: offsets are dense, reads return what was appended, everything before a cut survives, recovery
 * never throws, and producer deduplication survives restarts.
 */
class LogPropertiesTest {

    sealed interface Action permits Append, IdempotentAppend, Read, Truncate, Crash, Restart {
    }

    record Append(int batches, int records, int valueSize, int codec) implements Action {
    }

    record IdempotentAppend(int records) implements Action {
    }

    record Read(double at, int maxBytes) implements Action {
    }

    record Truncate(double fraction) implements Action {
    }

    record Crash(double cut, int garbage) implements Action {
    }

    record Restart() implements Action {
    }

    /** An idempotent batch the test producer sent. */
    record Sent(int firstSeq, List<String> values, long firstOffset, long lastOffset) {
        int lastSeq() {
            return firstSeq + values.size() - 1;
        }
    }

    @Provide
    Arbitrary<List<Action>> actions() {
        Arbitrary<Action> append = Combinators.combine(Arbitraries.integers().between(1, 3),
                Arbitraries.integers().between(1, 12), Arbitraries.integers().between(0, 200),
                Arbitraries.integers().between(0, 2)).as(Append::new);
        Arbitrary<Action> idempotent = Arbitraries.integers().between(1, 5).map(IdempotentAppend::new);
        Arbitrary<Action> read = Combinators.combine(Arbitraries.doubles().between(0, 1),
                Arbitraries.integers().between(1, 3000)).as(Read::new);
        Arbitrary<Action> truncate = Arbitraries.doubles().between(0, 1).map(Truncate::new);
        Arbitrary<Action> crash = Combinators.combine(Arbitraries.doubles().between(0, 1),
                Arbitraries.integers().between(0, 64)).as(Crash::new);
        Arbitrary<Action> restart = Arbitraries.just(new Restart());
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(6, append), net.jqwik.api.Tuple.of(4, idempotent),
                net.jqwik.api.Tuple.of(3, read), net.jqwik.api.Tuple.of(1, truncate),
                net.jqwik.api.Tuple.of(2, crash), net.jqwik.api.Tuple.of(1, restart))
                .list().ofMinSize(1).ofMaxSize(25);
    }

    private static final long PID = 77;
    private static final LogConfig CONFIG = LogConfig.fromTopicConfigs(Map.of("internal.segment.bytes", "1500",
            "index.interval.bytes", "100", "segment.index.bytes", "120"));

    private Path root;
    private Path logDir;
    private int generation;
    private FileLogManager manager;
    private Log log;
    private final List<String> model = new ArrayList<>();
    private final List<Sent> sent = new ArrayList<>();
    private int counter;
    private Random random;

    @Property(tries = 40)
    void logInvariantsHold(@ForAll("actions") List<Action> actions) throws Exception {
        root = Files.createTempDirectory("strata-log-props");
        random = new Random(actions.hashCode());
        model.clear();
        sent.clear();
        generation = 0;
        try {
            logDir = root.resolve("gen0");
            start();
            log = manager.getOrCreate(TP, TOPIC_ID, CONFIG);
            for (Action action : actions) {
                apply(action);
                assertThat(log.logEndOffset()).as("end after %s", action).isEqualTo(model.size());
            }
            assertThat(TestSupport.readAll(log, 0)).isEqualTo(expected(0));
            manager.close();
        } finally {
            if (manager != null) {
                manager.close();
            }
            try (Stream<Path> walk = Files.walk(root)) {
                walk.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
            }
        }
    }

    private void start() {
        manager = new FileLogManager(new LogManagerConfig(List.of(logDir), 1, Long.MAX_VALUE, 60_000, 300_000, 0));
        manager.startup(tp -> CONFIG);
        log = manager.get(TP).orElse(null);
    }

    private List<String> expected(long from) {
        List<String> out = new ArrayList<>();
        for (int i = (int) from; i < model.size(); i++) {
            out.add(i + ":" + model.get(i));
        }
        return out;
    }

    private void apply(Action action) throws Exception {
        switch (action) {
            case Append a -> {
                MemoryRecords[] parts = new MemoryRecords[a.batches()];
                List<String> values = new ArrayList<>();
                for (int b = 0; b < a.batches(); b++) {
                    String[] vals = new String[a.records()];
                    for (int r = 0; r < vals.length; r++) {
                        vals[r] = "v" + (counter++) + "-" + "x".repeat(random.nextInt(a.valueSize() + 1));
                        values.add(vals[r]);
                    }
                    Compression c = switch (a.codec()) {
                        case 0 -> Compression.NONE;
                        case 1 -> Compression.gzip().build();
                        default -> Compression.lz4().build();
                    };
                    parts[b] = build(c, RecordBatch.NO_PRODUCER_ID, RecordBatch.NO_PRODUCER_EPOCH,
                            RecordBatch.NO_SEQUENCE, vals);
                }
                AppendResult r = log.appendAsLeader(TestSupport.concat(parts), 1);
                assertThat(r.firstOffset()).isEqualTo(model.size());
                assertThat(r.lastOffset()).isEqualTo(model.size() + values.size() - 1);
                model.addAll(values);
            }
            case IdempotentAppend ia -> {
                int seq = sent.isEmpty() ? 0 : sent.get(sent.size() - 1).lastSeq() + 1;
                List<String> values = new ArrayList<>();
                for (int i = 0; i < ia.records(); i++) {
                    values.add("i" + (counter++));
                }
                AppendResult r = log.appendAsLeader(build(Compression.NONE, PID, (short) 0, seq,
                        values.toArray(String[]::new)), 1);
                assertThat(r.duplicate()).isFalse();
                assertThat(r.firstOffset()).isEqualTo(model.size());
                sent.add(new Sent(seq, values, r.firstOffset(), r.lastOffset()));
                model.addAll(values);
            }
            case Read rd -> {
                long offset = (long) Math.floor(rd.at() * model.size());
                LogReadInfo info = log.read(offset, rd.maxBytes(), Long.MAX_VALUE, true);
                List<String> got = TestSupport.values(info.records());
                if (offset < model.size()) {
                    assertThat(got).isNotEmpty();
                    assertThat(info.records().sizeInBytes()).isLessThanOrEqualTo(Math.max(rd.maxBytes(),
                            info.records().batches().iterator().next().sizeInBytes()));
                }
                for (String g : got) {
                    int o = Integer.parseInt(g.substring(0, g.indexOf(':')));
                    assertThat(g).isEqualTo(o + ":" + model.get(o));
                }
            }
            case Truncate t -> {
                long target = (long) Math.floor(t.fraction() * model.size());
                log.truncateTo(target);
                assertThat(log.logEndOffset()).isLessThanOrEqualTo(target);
                cutModel(log.logEndOffset());
            }
            case Crash c -> crash(c);
            case Restart ignored -> {
                manager.close();
                start();
                retryLastIdempotentBatch();
            }
        }
    }

    private static MemoryRecords build(Compression c, long pid, short epoch, int seq, String... values) {
        int size = 512;
        for (String v : values) {
            size += v.length() + 32;
        }
        MemoryRecordsBuilder b = MemoryRecords.builder(ByteBuffer.allocate(size), RecordBatch.CURRENT_MAGIC_VALUE, c,
                TimestampType.CREATE_TIME, 0L, RecordBatch.NO_TIMESTAMP, pid, epoch, seq, false,
                RecordBatch.NO_PARTITION_LEADER_EPOCH);
        long now = System.currentTimeMillis();
        for (String v : values) {
            b.append(now, null, v.getBytes());
        }
        return b.build();
    }

    private void cutModel(long end) {
        while (model.size() > end) {
            model.remove(model.size() - 1);
        }
        sent.removeIf(s -> s.lastOffset() >= end);
    }

    private void crash(Crash c) throws Exception {
        manager.crashForTesting();
        Path copy = root.resolve("gen" + (++generation));
        TestSupport.copyDir(logDir, copy);
        logDir = copy;
        Path partition = copy.resolve("topic-0");
        Path active;
        try (Stream<Path> files = Files.list(partition)) {
            active = files.filter(p -> p.toString().endsWith(".log")).max(Path::compareTo).orElseThrow();
        }
        long base = Long.parseLong(active.getFileName().toString().substring(0, 20));
        long size = Files.size(active);
        long cut = (long) Math.floor(c.cut() * size);
        long expectedEnd = base;
        try (FileRecords records = FileRecords.open(active.toFile())) {
            long pos = 0;
            for (RecordBatch b : records.batches()) {
                pos += b.sizeInBytes();
                if (pos <= cut) {
                    expectedEnd = b.lastOffset() + 1;
                }
            }
        }
        try (RandomAccessFile raf = new RandomAccessFile(active.toFile(), "rw")) {
            raf.setLength(cut);
            byte[] garbage = new byte[c.garbage()];
            random.nextBytes(garbage);
            raf.seek(cut);
            raf.write(garbage);
        }
        start();
        assertThat(log).isNotNull();
        assertThat(log.logEndOffset()).isEqualTo(expectedEnd);
        cutModel(expectedEnd);
        assertThat(TestSupport.readAll(log, 0)).isEqualTo(expected(0));
        retryLastIdempotentBatch();
    }

    /** The producer retries its last acknowledged batch after a restart: it must be recognised as a duplicate. */
    private void retryLastIdempotentBatch() {
        if (sent.isEmpty()) {
            return;
        }
        Sent last = sent.get(sent.size() - 1);
        AppendResult r = log.appendAsLeader(build(Compression.NONE, PID, (short) 0, last.firstSeq(),
                last.values().toArray(String[]::new)), 1);
        assertThat(r.duplicate()).isTrue();
        assertThat(r.firstOffset()).isEqualTo(last.firstOffset());
        assertThat(r.lastOffset()).isEqualTo(last.lastOffset());
    }
}
