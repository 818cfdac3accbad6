package io.strata.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * The last stable offset and the aborted transactions of a log under random transactional appends, markers,
 * high watermark moves, clean restarts and crashes (snapshots and {@code .txnindex} files lost), checked against a
 * model: the LSO is the first offset of the oldest transaction that is open or whose marker is not below the high
 * watermark, capped by the high watermark; every ABORT is listed with its first offset and marker offset. As in
 * Kafka, a clean restart forgets closed transactions whose marker is above the high watermark (snapshots keep only
 * open ones); a crash recovery replays them.
 */
class TransactionPropertiesTest {

    sealed interface Action permits Data, Marker, Advance, Restart {
    }

    /** A batch from producer {@code pid} (transactional for pids 1-3, plain for 0). */
    record Data(int pid, int records) implements Action {
    }

    record Marker(int pid, boolean commit) implements Action {
    }

    record Advance(double fraction) implements Action {
    }

    record Restart(boolean crash) implements Action {
    }

    private static final Map<String, String> CONFIG = Map.of(LogConfig.INTERNAL_SEGMENT_BYTES, "300");

    @Provide
    Arbitrary<List<Action>> actions() {
        Arbitrary<Action> data = Combinators.combine(Arbitraries.integers().between(0, 3),
                Arbitraries.integers().between(1, 3)).as(Data::new);
        Arbitrary<Action> marker = Combinators.combine(Arbitraries.integers().between(1, 3),
                Arbitraries.of(true, false)).as(Marker::new);
        Arbitrary<Action> advance = Arbitraries.doubles().between(0, 1).map(Advance::new);
        Arbitrary<Action> restart = Arbitraries.of(true, false).map(Restart::new);
        return Arbitraries.frequencyOf(Tuple.of(6, data), Tuple.of(3, marker), Tuple.of(3, advance),
                Tuple.of(1, restart)).list().ofMinSize(1).ofMaxSize(40);
    }

    /**
     * The model's view of one closed transaction.
     *
     * @param settled whether a clean restart happened since its marker: as in Kafka, the producer snapshot taken at
     *                close holds only open transactions, so a closed one no longer holds the LSO back
     */
    private record Txn(long pid, long first, long marker, boolean aborted, boolean settled) {
    }

    @Property(tries = 30)
    void lastStableOffsetAndAbortsMatchTheModel(@ForAll("actions") List<Action> actions) throws Exception {
        Path root = Files.createTempDirectory("strata-txn-props");
        TestSupport.ManualTime time = new TestSupport.ManualTime(System.currentTimeMillis());
        Map<Long, Long> open = new HashMap<>();
        Map<Long, Integer> sequences = new HashMap<>();
        List<Txn> closed = new ArrayList<>();
        FileLog log = TestSupport.newLog(root, CONFIG, time);
        try {
            for (Action action : actions) {
                switch (action) {
                    case Data d when d.pid() == 0 -> log.appendAsLeader(TestSupport.batch("plain"), 0);
                    case Data d -> {
                        long pid = d.pid();
                        String[] values = new String[d.records()];
                        java.util.Arrays.fill(values, "v" + pid);
                        int seq = sequences.getOrDefault(pid, 0);
                        long first = log.appendAsLeader(TestSupport.transactional(pid, (short) 0, seq, values), 0)
                                .firstOffset();
                        sequences.put(pid, seq + d.records());
                        open.putIfAbsent(pid, first);
                    }
                    case Marker m -> {
                        long pid = m.pid();
                        long offset = log.appendTxnMarker(pid, (short) 0, 0, m.commit(), 0).firstOffset();
                        Long first = open.remove(pid);
                        closed.add(new Txn(pid, first == null ? offset : first, offset, !m.commit(), false));
                    }
                    case Advance a -> log.maybeIncrementHighWatermark(log.highWatermark()
                            + Math.round((log.logEndOffset() - log.highWatermark()) * a.fraction()));
                    case Restart r -> {
                        long hw = log.highWatermark();
                        Path dir = log.dir();
                        if (r.crash()) {
                            // Recovery replays the whole log: every closed transaction is known again.
                            closed.replaceAll(t -> new Txn(t.pid(), t.first(), t.marker(), t.aborted(), false));
                            log.closeForDeletion();
                            try (Stream<Path> files = Files.list(dir)) {
                                for (Path p : files.toList()) {
                                    String name = p.getFileName().toString();
                                    if (name.endsWith(".snapshot") || name.endsWith(".txnindex")) {
                                        Files.delete(p);
                                    }
                                }
                            }
                        } else {
                            log.close();
                            closed.replaceAll(t -> new Txn(t.pid(), t.first(), t.marker(), t.aborted(), true));
                        }
                        log = LogLoader.load(dir, TestSupport.TP, TestSupport.TOPIC_ID, TestSupport.config(CONFIG),
                                new LogLoader.Checkpoints(!r.crash(), OptionalLong.of(r.crash() ? 0 : hw),
                                        OptionalLong.empty(), OptionalLong.of(hw)), time, TestSupport.INLINE, 0);
                    }
                }
                long hw = log.highWatermark();
                long expected = hw;
                for (long first : open.values()) {
                    expected = Math.min(expected, first);
                }
                for (Txn t : closed) {
                    if (t.marker() >= hw && !t.settled()) {
                        expected = Math.min(expected, t.first());
                    }
                }
                assertThat(log.lastStableOffset()).as("LSO after %s", action).isEqualTo(expected);
                List<long[]> aborts = log.abortedTransactions(0, Long.MAX_VALUE).stream()
                        .map(a -> new long[] {a.producerId(), a.firstOffset(), a.lastOffset()}).toList();
                assertThat(aborts).as("aborts after %s", action).containsExactlyElementsOf(closed.stream()
                        .filter(Txn::aborted).map(t -> new long[] {t.pid(), t.first(), t.marker()}).toList());
            }
        } finally {
            log.close();
            try (Stream<Path> walk = Files.walk(root)) {
                walk.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
            }
        }
    }
}
