package io.strata.storage;

import static io.strata.storage.CompactionSupport.assertCompacted;
import static io.strata.storage.CompactionSupport.readRecords;
import static io.strata.storage.TestSupport.TOPIC_ID;
import static io.strata.storage.TestSupport.TP;

import io.strata.storage.CompactionSupport.Writer;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * Invariants of compaction under random keyed appends (with tombstones), cleanings, clock moves and crashes in
 * the middle of a cleaning (the directory as it was after a random file operation of the swap becomes the log):
 * every record read is the one appended at its offset, each key's last record holds its latest value (or a
 * tombstone), no key appears twice below the clean point, and recovery never fails.
 */
class CompactionPropertiesTest {

    sealed interface Action permits Append, Clean, Tick, CrashDuringClean {
    }

    record Append(int key, boolean tombstone, int count) implements Action {
    }

    record Clean() implements Action, TxnAction {
    }

    record Tick(int ms) implements Action, TxnAction {
    }

    record CrashDuringClean(int step) implements Action {
    }

    @Provide
    Arbitrary<List<Action>> actions() {
        Arbitrary<Action> append = Combinators.combine(Arbitraries.integers().between(0, 9),
                Arbitraries.integers().between(0, 9).map(i -> i == 0), Arbitraries.integers().between(1, 4))
                .as(Append::new);
        Arbitrary<Action> clean = Arbitraries.just(new Clean());
        Arbitrary<Action> tick = Arbitraries.integers().between(1, 400).map(Tick::new);
        Arbitrary<Action> crash = Arbitraries.integers().between(0, 30).map(CrashDuringClean::new);
        return Arbitraries.frequencyOf(Tuple.of(20, append), Tuple.of(3, clean), Tuple.of(2, tick),
                Tuple.of(2, crash)).list().ofMinSize(10).ofMaxSize(70);
    }

    private static final LogConfig CONFIG = LogConfig.fromTopicConfigs(Map.of("cleanup.policy", "compact",
            "internal.segment.bytes", "400", "segment.index.bytes", "4096", "index.interval.bytes", "128",
            "delete.retention.ms", "500", "min.cleanable.dirty.ratio", "0.3"));

    /** The log under test, replaced by a recovered copy after a crash. */
    private static final class State {
        final TestSupport.ManualTime time = new TestSupport.ManualTime(1_700_000_000_000L);
        Path dataDir;
        FileLog log;
        LogCleaner cleaner;
        int generation;

        void open(Path dir, boolean clean) {
            dataDir = dir;
            log = LogLoader.load(dir.resolve("topic-0"), TP, TOPIC_ID, CONFIG, clean ? LogLoader.Checkpoints.NEW
                    : new LogLoader.Checkpoints(false, OptionalLong.of(0), OptionalLong.empty(), OptionalLong.empty()),
                    time, TestSupport.INLINE, 0);
            log.updateHighWatermark(log.logEndOffset());
            cleaner = new LogCleaner(CompactionSupport.managerConfig(dir), () -> List.of(log), time);
            cleaner.startup();
        }

        void close() {
            cleaner.close();
            log.close();
        }
    }

    @Property(tries = 20)
    void compactionKeepsTheLatestValueOfEveryKey(@ForAll("actions") List<Action> actions) throws IOException {
        Path root = Files.createTempDirectory("compaction-prop");
        State s = new State();
        try {
            s.open(root.resolve("data-0"), true);
            Writer w = new Writer(() -> s.log, s.time);
            int seq = 0;
            for (Action action : actions) {
                switch (action) {
                    case Append a -> {
                        String[] kv = new String[a.count() * 2];
                        for (int i = 0; i < a.count(); i++) {
                            kv[2 * i] = "k" + ((a.key() + i) % 10);
                            kv[2 * i + 1] = a.tombstone() ? null : "v" + seq++;
                        }
                        w.append(kv);
                    }
                    case Clean c -> s.cleaner.cleanOnce();
                    case Tick t -> s.time.advance(t.ms());
                    case CrashDuringClean c -> crashDuringClean(s, root, c.step());
                }
                assertCompacted(readRecords(s.log), w.appended, w.latest,
                        s.cleaner.cleanPoint(TP).orElse(0L));
            }
            // Long after every horizon, two passes leave no tombstone below the clean point.
            s.time.advance(10_000);
            w.append("flush", "rolls nothing but moves the clock");
            s.cleaner.cleanOnce();
            s.time.advance(10_000);
            s.cleaner.cleanOnce();
            long point = s.cleaner.cleanPoint(TP).orElse(0L);
            List<CompactionSupport.Rec> read = readRecords(s.log);
            assertCompacted(read, w.appended, w.latest, point);
            if (read.stream().anyMatch(r -> r.value() == null && r.offset() < point)) {
                throw new AssertionError("Tombstones outlived delete.retention.ms below " + point + ": " + read);
            }
        } finally {
            s.close();
            try (Stream<Path> walk = Files.walk(root)) {
                walk.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
            }
        }
    }

    sealed interface TxnAction permits TxnData, TxnEnd, Plain, Clean, Tick {
    }

    /** {@code count} records of keys from {@code key} on, in the open transaction of producer {@code pid}. */
    record TxnData(int pid, int key, int count) implements TxnAction {
    }

    record TxnEnd(int pid, boolean commit) implements TxnAction {
    }

    record Plain(int key) implements TxnAction {
    }

    @Provide
    Arbitrary<List<TxnAction>> txnActions() {
        Arbitrary<TxnAction> data = Combinators.combine(Arbitraries.integers().between(1, 3),
                Arbitraries.integers().between(0, 5), Arbitraries.integers().between(1, 3)).as(TxnData::new);
        Arbitrary<TxnAction> end = Combinators.combine(Arbitraries.integers().between(1, 3),
                Arbitraries.of(true, false)).as(TxnEnd::new);
        Arbitrary<TxnAction> plain = Arbitraries.integers().between(0, 5).map(Plain::new);
        Arbitrary<TxnAction> tick = Arbitraries.integers().between(1, 400).map(Tick::new);
        return Arbitraries.frequencyOf(Tuple.of(8, data), Tuple.of(4, end), Tuple.of(6, plain),
                Tuple.of(3, Arbitraries.just(new Clean())), Tuple.of(2, tick)).list().ofMinSize(10).ofMaxSize(60);
    }

    /**
     * Under random transactions (committed and aborted, interleaved between producers and with plain records),
     * cleanings and clock moves, a read_committed reader from the log start sees only committed records, each the
     * one appended at its offset, and for every key the latest committed value below the last stable offset. Once
     * every transaction is closed and more than {@code delete.retention.ms} has passed over a few cleanings, no
     * marker is left whose transaction has no batch left.
     */
    @Property(tries = 8)
    void readCommittedSeesTheLatestCommittedValuesAndMarkersGoWithTheirData(
            @ForAll("txnActions") List<TxnAction> actions) throws IOException {
        Path root = Files.createTempDirectory("compaction-txn-prop");
        State s = new State();
        try {
            s.open(root.resolve("data-0"), true);
            Map<Long, CompactionSupport.Rec> committed = new java.util.HashMap<>();
            Map<Long, List<CompactionSupport.Rec>> open = new java.util.HashMap<>();
            Map<Long, Integer> sequences = new java.util.HashMap<>();
            int value = 0;
            for (TxnAction action : actions) {
                switch (action) {
                    case TxnData d -> {
                        String[] kv = new String[d.count() * 2];
                        for (int i = 0; i < d.count(); i++) {
                            kv[2 * i] = "k" + ((d.key() + i) % 6);
                            kv[2 * i + 1] = "t" + d.pid() + "-" + value++;
                        }
                        long pid = d.pid();
                        int seq = sequences.getOrDefault(pid, 0);
                        long first = s.log.appendAsLeader(CompactionSupport.keyedTransactional(s.time.milliseconds(),
                                pid, (short) 0, seq, kv), 0).firstOffset();
                        sequences.put(pid, seq + d.count());
                        for (int i = 0; i < d.count(); i++) {
                            open.computeIfAbsent(pid, p -> new java.util.ArrayList<>())
                                    .add(new CompactionSupport.Rec(first + i, kv[2 * i], kv[2 * i + 1]));
                        }
                    }
                    case TxnEnd e -> {
                        List<CompactionSupport.Rec> records = open.remove((long) e.pid());
                        if (records != null) { // a coordinator sends markers only to partitions in the transaction
                            s.log.appendTxnMarker(e.pid(), (short) 0, 0, e.commit(), 0);
                            if (e.commit()) {
                                records.forEach(r -> committed.put(r.offset(), r));
                            }
                        }
                    }
                    case Plain p -> {
                        String key = "k" + p.key();
                        String v = "p" + value++;
                        long offset = s.log.appendAsLeader(CompactionSupport.keyed(s.time.milliseconds(), key, v), 0)
                                .firstOffset();
                        committed.put(offset, new CompactionSupport.Rec(offset, key, v));
                    }
                    case Clean c -> s.cleaner.cleanOnce();
                    case Tick t -> s.time.advance(t.ms());
                }
                s.log.updateHighWatermark(s.log.logEndOffset());
                assertReadCommitted(s.log, committed);
            }
            for (long pid : List.copyOf(open.keySet())) {
                s.log.appendTxnMarker(pid, (short) 0, 0, false, 0);
            }
            for (int i = 0; i < 20; i++) { // roll the last markers out of the active segment
                String v = "p" + value++;
                long offset = s.log.appendAsLeader(CompactionSupport.keyed(s.time.milliseconds(), "k0", v), 0)
                        .firstOffset();
                committed.put(offset, new CompactionSupport.Rec(offset, "k0", v));
            }
            s.log.updateHighWatermark(s.log.logEndOffset());
            for (int i = 0; i < 3; i++) {
                s.cleaner.cleanOnce();
                s.time.advance(1_000);
            }
            assertReadCommitted(s.log, committed);
            assertNoMarkerOutlivesItsTransaction(s.log);
        } finally {
            s.close();
            try (Stream<Path> walk = Files.walk(root)) {
                walk.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
            }
        }
    }

    private static void assertReadCommitted(FileLog log, Map<Long, CompactionSupport.Rec> committed) {
        long lso = log.lastStableOffset();
        List<CompactionSupport.Rec> read = CompactionSupport.readCommitted(log);
        Map<String, CompactionSupport.Rec> last = new java.util.HashMap<>();
        for (CompactionSupport.Rec r : read) {
            if (!r.equals(committed.get(r.offset()))) {
                throw new AssertionError("read_committed read " + r + " but committed " + committed.get(r.offset()));
            }
            last.put(r.key(), r);
        }
        Map<String, CompactionSupport.Rec> expected = new java.util.HashMap<>();
        committed.values().stream().filter(r -> r.offset() < lso)
                .sorted(Comparator.comparingLong(CompactionSupport.Rec::offset))
                .forEach(r -> expected.put(r.key(), r));
        if (!expected.equals(last)) {
            throw new AssertionError("Latest committed values below " + lso + ": expected " + expected + ", read "
                    + last);
        }
    }

    /** Every marker left closes a transaction some batch of which (possibly emptied) is still in the log. */
    private static void assertNoMarkerOutlivesItsTransaction(FileLog log) {
        java.util.Set<Long> withBatch = new java.util.HashSet<>();
        long next = log.logStartOffset();
        while (next < log.logEndOffset()) {
            for (org.apache.kafka.common.record.internal.RecordBatch b : log.read(next, 1 << 16, Long.MAX_VALUE,
                    true).records().batches()) {
                if (b.isControlBatch()) {
                    if (b.iterator().hasNext() && !withBatch.remove(b.producerId())) {
                        throw new AssertionError("Marker at " + b.baseOffset() + " of producer " + b.producerId()
                                + " outlived its transaction");
                    }
                } else if (b.isTransactional()) {
                    withBatch.add(b.producerId());
                }
                next = b.lastOffset() + 1;
            }
        }
    }

    /** Cleans, keeping a copy of the directory as it was after file operation {@code step}, then restarts on it. */
    private static void crashDuringClean(State s, Path root, int step) {
        Path crashDir = root.resolve("data-" + (++s.generation));
        AtomicInteger steps = new AtomicInteger();
        s.cleaner.setAfterStepForTesting(() -> {
            if (steps.getAndIncrement() == step) {
                try {
                    TestSupport.copyDir(s.dataDir, crashDir);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        });
        s.cleaner.cleanOnce();
        if (!Files.exists(crashDir)) {
            return; // the cleaning had fewer steps (or nothing to do): no crash
        }
        s.close();
        s.open(crashDir, false);
    }
}
