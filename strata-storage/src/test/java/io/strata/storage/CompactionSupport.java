package io.strata.storage;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.ControlRecordType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MemoryRecordsBuilder;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.utils.Time;

/** Helpers for compaction tests: keyed batches, full reads that tolerate gaps, and a model check. */
final class CompactionSupport {

    /** One record read back; {@code value} is null for a tombstone. */
    record Rec(long offset, String key, String value) {
    }

    private CompactionSupport() {
    }

    /** A batch of keyed records: arguments are key, value pairs; a null value is a tombstone. */
    static MemoryRecords keyed(Compression compression, long timestamp, String... keysAndValues) {
        return keyedIdempotent(compression, timestamp, RecordBatch.NO_PRODUCER_ID, RecordBatch.NO_PRODUCER_EPOCH,
                RecordBatch.NO_SEQUENCE, keysAndValues);
    }

    static MemoryRecords keyed(long timestamp, String... keysAndValues) {
        return keyed(Compression.NONE, timestamp, keysAndValues);
    }

    static MemoryRecords keyedIdempotent(Compression compression, long timestamp, long pid, short epoch, int seq,
                                         String... keysAndValues) {
        return keyedBatch(compression, timestamp, pid, epoch, seq, false, keysAndValues);
    }

    /** A transactional batch of keyed records, as a transactional producer sends it. */
    static MemoryRecords keyedTransactional(long timestamp, long pid, short epoch, int seq, String... keysAndValues) {
        return keyedBatch(Compression.NONE, timestamp, pid, epoch, seq, true, keysAndValues);
    }

    private static MemoryRecords keyedBatch(Compression compression, long timestamp, long pid, short epoch, int seq,
                                            boolean transactional, String... keysAndValues) {
        int size = 256;
        for (String s : keysAndValues) {
            size += (s == null ? 0 : s.length()) + 16;
        }
        MemoryRecordsBuilder builder = MemoryRecords.builder(ByteBuffer.allocate(size),
                RecordBatch.CURRENT_MAGIC_VALUE, compression, TimestampType.CREATE_TIME, 0L, RecordBatch.NO_TIMESTAMP,
                pid, epoch, seq, transactional, RecordBatch.NO_PARTITION_LEADER_EPOCH);
        for (int i = 0; i < keysAndValues.length; i += 2) {
            String v = keysAndValues[i + 1];
            builder.append(timestamp, keysAndValues[i].getBytes(StandardCharsets.UTF_8),
                    v == null ? null : v.getBytes(StandardCharsets.UTF_8));
        }
        return builder.build();
    }

    /** Every record from the log start to the end, following gaps and empty batches. */
    static List<Rec> readRecords(Log log) {
        List<Rec> out = new ArrayList<>();
        long next = log.logStartOffset();
        while (next < log.logEndOffset()) {
            LogReadInfo info = log.read(next, 1 << 16, Long.MAX_VALUE, true);
            long from = next;
            for (RecordBatch b : info.records().batches()) {
                for (Record r : b) {
                    if (r.offset() >= from) {
                        out.add(new Rec(r.offset(), string(r.key()), string(r.value())));
                    }
                }
                next = b.lastOffset() + 1;
            }
            if (next == from) {
                throw new AssertionError("No progress reading at " + next + " below " + log.logEndOffset());
            }
        }
        return out;
    }

    /** A control batch read back: its offset, producer, and marker ({@code UNKNOWN} when emptied by cleaning). */
    record Control(long offset, long producerId, short epoch, ControlRecordType type) {
    }

    /**
     * The records a {@code read_committed} consumer gets from the log start, as Kafka's consumer filters them: up to
     * the last stable offset, dropping the batches of the aborted transactions the log reports for each read (from
     * an aborted transaction's first offset until its producer's ABORT marker) and every control batch.
     */
    static List<Rec> readCommitted(Log log) {
        List<Rec> out = new ArrayList<>();
        PriorityQueue<AbortedTxn> upcoming = new PriorityQueue<>(Comparator.comparingLong(AbortedTxn::firstOffset));
        Set<AbortedTxn> seen = new HashSet<>();
        Set<Long> abortedProducers = new HashSet<>();
        long next = log.logStartOffset();
        long end = log.lastStableOffset();
        while (next < end) {
            LogReadInfo info = log.read(next, 1 << 12, end, true);
            long from = next;
            for (RecordBatch b : info.records().batches()) {
                next = b.lastOffset() + 1;
            }
            for (AbortedTxn t : log.abortedTransactions(from, next)) {
                if (seen.add(t)) {
                    upcoming.add(t);
                }
            }
            for (RecordBatch b : info.records().batches()) {
                while (!upcoming.isEmpty() && upcoming.peek().firstOffset() <= b.lastOffset()) {
                    abortedProducers.add(upcoming.poll().producerId());
                }
                if (b.isControlBatch()) {
                    if (TxnMarker.read(b).isAbort()) {
                        abortedProducers.remove(b.producerId());
                    }
                    continue;
                }
                if (b.isTransactional() && abortedProducers.contains(b.producerId())) {
                    continue;
                }
                for (Record r : b) {
                    if (r.offset() >= from) {
                        out.add(new Rec(r.offset(), string(r.key()), string(r.value())));
                    }
                }
            }
            if (next == from) {
                throw new AssertionError("No progress reading at " + next + " below " + end);
            }
        }
        return out;
    }

    /** Every control batch of the log, in offset order. */
    static List<Control> controlBatches(Log log) {
        List<Control> out = new ArrayList<>();
        long next = log.logStartOffset();
        while (next < log.logEndOffset()) {
            for (RecordBatch b : log.read(next, 1 << 16, Long.MAX_VALUE, true).records().batches()) {
                if (b.isControlBatch()) {
                    out.add(new Control(b.baseOffset(), b.producerId(), b.producerEpoch(), TxnMarker.read(b).type()));
                }
                next = b.lastOffset() + 1;
            }
        }
        return out;
    }

    private static String string(ByteBuffer b) {
        if (b == null) {
            return null;
        }
        byte[] bytes = new byte[b.remaining()];
        b.duplicate().get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /**
     * Checks a read of a compacted log against what was appended: every record is the one appended at its offset,
     * offsets increase, each key's last record carries its latest value (a deleted key is absent or ends with a
     * tombstone), and below {@code cleanPoint} no key appears twice.
     */
    static void assertCompacted(List<Rec> read, Map<Long, Rec> appended, Map<String, String> latest,
                                long cleanPoint) {
        long prev = -1;
        Map<String, Rec> last = new HashMap<>();
        Set<String> cleanKeys = new HashSet<>();
        for (Rec r : read) {
            if (r.offset() <= prev) {
                throw new AssertionError("Offsets out of order at " + r);
            }
            prev = r.offset();
            if (!r.equals(appended.get(r.offset()))) {
                throw new AssertionError("Read " + r + " but appended " + appended.get(r.offset()));
            }
            if (r.offset() < cleanPoint && !cleanKeys.add(r.key())) {
                throw new AssertionError("Key " + r.key() + " twice below the clean point " + cleanPoint);
            }
            last.put(r.key(), r);
        }
        for (Map.Entry<String, String> e : latest.entrySet()) {
            Rec r = last.get(e.getKey());
            if (e.getValue() != null && (r == null || !e.getValue().equals(r.value()))) {
                throw new AssertionError("Key " + e.getKey() + " should end with " + e.getValue() + ", got " + r);
            }
            if (e.getValue() == null && r != null && r.value() != null) {
                throw new AssertionError("Deleted key " + e.getKey() + " ends with a value: " + r);
            }
        }
    }

    /** Appends keyed records one batch per call and remembers them for {@link #assertCompacted}. */
    static final class Writer {
        final Map<Long, Rec> appended = new HashMap<>();
        final Map<String, String> latest = new LinkedHashMap<>();
        private final Supplier<? extends Log> log;
        private final Time time;

        Writer(Supplier<? extends Log> log, Time time) {
            this.log = log;
            this.time = time;
        }

        AppendResult append(String... keysAndValues) {
            AppendResult r = log.get().appendAsLeader(keyed(time.milliseconds(), keysAndValues), 0);
            for (int i = 0; i < keysAndValues.length; i += 2) {
                appended.put(r.firstOffset() + i / 2, new Rec(r.firstOffset() + i / 2, keysAndValues[i],
                        keysAndValues[i + 1]));
                latest.put(keysAndValues[i], keysAndValues[i + 1]);
            }
            log.get().updateHighWatermark(log.get().logEndOffset());
            return r;
        }
    }

    static LogManagerConfig managerConfig(Path logDir) {
        return new LogManagerConfig(List.of(logDir), 1, Long.MAX_VALUE, 60_000, 300_000, 0)
                .withCleaner(false, 1, 15_000);
    }
}
