package io.strata.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MemoryRecordsBuilder;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.Records;
import org.apache.kafka.common.utils.Time;

/** Shared helpers: record building, a manual clock, standalone logs, directory copies. */
final class TestSupport {
    static final TopicPartition TP = new TopicPartition("topic", 0);
    static final Uuid TOPIC_ID = Uuid.fromString("AAAAAAAAAAAAAAAAAAAAAQ");
    static final BackgroundTasks INLINE = (name, task, delay) -> task.run();

    private TestSupport() {
    }

    /** A clock that moves only when told. */
    static final class ManualTime implements Time {
        private volatile long ms;

        ManualTime(long startMs) {
            this.ms = startMs;
        }

        void advance(long delta) {
            ms += delta;
        }

        @Override
        public long milliseconds() {
            return ms;
        }

        @Override
        public long nanoseconds() {
            return ms * 1_000_000;
        }

        @Override
        public void sleep(long delta) {
            ms += delta;
        }

        @Override
        public void waitObject(Object obj, Supplier<Boolean> condition, long deadlineMs) {
            throw new UnsupportedOperationException();
        }
    }

    static LogConfig config(Map<String, String> overrides) {
        return LogConfig.fromTopicConfigs(overrides);
    }

    /** A new log of {@link #TP} under {@code dir}, with the topic configs {@code overrides}, on {@code time}. */
    static FileLog newLog(Path dir, Map<String, String> overrides, Time time) {
        return LogLoader.load(dir.resolve("topic-0"), TP, TOPIC_ID, config(overrides), LogLoader.Checkpoints.NEW, time,
                INLINE, 0);
    }

    static MemoryRecords batch(Compression compression, long timestamp, String... values) {
        return idempotent(compression, timestamp, RecordBatch.NO_PRODUCER_ID, RecordBatch.NO_PRODUCER_EPOCH,
                RecordBatch.NO_SEQUENCE, values);
    }

    static MemoryRecords batch(String... values) {
        return batch(Compression.NONE, System.currentTimeMillis(), values);
    }

    static MemoryRecords idempotent(Compression compression, long timestamp, long pid, short epoch, int seq,
                                    String... values) {
        int size = 256;
        for (String v : values) {
            size += v.length() + 32;
        }
        MemoryRecordsBuilder builder = MemoryRecords.builder(ByteBuffer.allocate(size), RecordBatch.CURRENT_MAGIC_VALUE,
                compression, TimestampType.CREATE_TIME, 0L, RecordBatch.NO_TIMESTAMP, pid, epoch, seq, false,
                RecordBatch.NO_PARTITION_LEADER_EPOCH);
        for (int i = 0; i < values.length; i++) {
            builder.append(timestamp + i, null, values[i].getBytes());
        }
        return builder.build();
    }

    /** A transactional batch of {@code values} for producer {@code pid}, as a transactional producer sends it. */
    static MemoryRecords transactional(long pid, short epoch, int seq, String... values) {
        MemoryRecordsBuilder builder = MemoryRecords.builder(ByteBuffer.allocate(256 + values.length * 64),
                RecordBatch.CURRENT_MAGIC_VALUE, Compression.NONE, TimestampType.CREATE_TIME, 0L,
                RecordBatch.NO_TIMESTAMP, pid, epoch, seq, true, RecordBatch.NO_PARTITION_LEADER_EPOCH);
        for (String v : values) {
            builder.append(System.currentTimeMillis(), null, v.getBytes());
        }
        return builder.build();
    }

    /** Concatenates the batches of several requests into one. */
    static MemoryRecords concat(MemoryRecords... parts) {
        int size = 0;
        for (MemoryRecords p : parts) {
            size += p.sizeInBytes();
        }
        ByteBuffer buf = ByteBuffer.allocate(size);
        for (MemoryRecords p : parts) {
            buf.put(p.buffer());
        }
        buf.flip();
        return MemoryRecords.readableRecords(buf);
    }

    /** Offsets and values of every record in {@code records}. */
    static List<String> values(Records records) {
        List<String> out = new ArrayList<>();
        for (RecordBatch b : records.batches()) {
            for (Record r : b) {
                byte[] v = new byte[r.valueSize()];
                r.value().get(v);
                out.add(r.offset() + ":" + new String(v));
            }
        }
        return out;
    }

    /** Reads the whole log from {@code from} with small reads, checking that offsets are dense. */
    static List<String> readAll(Log log, long from) {
        List<String> out = new ArrayList<>();
        long next = from;
        while (next < log.logEndOffset()) {
            LogReadInfo info = log.read(next, 4096, Long.MAX_VALUE, true);
            List<String> vals = values(info.records());
            if (vals.isEmpty()) {
                throw new AssertionError("empty read at " + next + " below end " + log.logEndOffset());
            }
            for (RecordBatch b : info.records().batches()) {
                next = b.lastOffset() + 1;
            }
            for (String v : vals) {
                long offset = Long.parseLong(v.substring(0, v.indexOf(':')));
                if (offset >= from) {
                    out.add(v);
                }
            }
        }
        return out;
    }

    static void copyDir(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : walk.sorted(Comparator.naturalOrder()).toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    try {
                        Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
                    } catch (java.nio.file.NoSuchFileException vanished) {
                        // deleted meanwhile, as a crash could have caught it too
                    }
                }
            }
        }
    }
}
