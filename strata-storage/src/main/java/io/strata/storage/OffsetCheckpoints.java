package io.strata.storage;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * The per-log-directory offset checkpoints ({@code recovery-point-offset-checkpoint},
 * {@code log-start-offset-checkpoint}, {@code replication-offset-checkpoint}): lines of
 * {@code topic partition offset}. Thread-safe (see {@link CheckpointFile}).
 */
final class OffsetCheckpoints {
    static final String RECOVERY_POINT = "recovery-point-offset-checkpoint";
    static final String LOG_START_OFFSET = "log-start-offset-checkpoint";
    static final String HIGH_WATERMARK = "replication-offset-checkpoint";

    private record Entry(TopicPartition tp, long offset) {
    }

    private final CheckpointFile<Entry> file;

    OffsetCheckpoints(Path dir, String name) {
        this.file = new CheckpointFile<>(dir.resolve(name),
                e -> e.tp().topic() + " " + e.tp().partition() + " " + e.offset(),
                OffsetCheckpoints::parse);
    }

    private static Entry parse(String line) {
        String[] parts = line.split(" ");
        if (parts.length != 3) {
            throw new IllegalArgumentException("malformed line: " + line);
        }
        return new Entry(new TopicPartition(parts[0], Integer.parseInt(parts[1])), Long.parseLong(parts[2]));
    }

    void write(Map<TopicPartition, Long> offsets) throws IOException {
        List<Entry> entries = new ArrayList<>(offsets.size());
        offsets.forEach((tp, offset) -> entries.add(new Entry(tp, offset)));
        entries.sort(Comparator.comparing((Entry e) -> e.tp().topic()).thenComparingInt(e -> e.tp().partition()));
        file.write(entries);
    }

    /**
     * The checkpointed offsets; empty when the file is missing.
     *
     * @throws CheckpointFile.CorruptCheckpointException when it is malformed
     */
    Map<TopicPartition, Long> read() throws IOException {
        Map<TopicPartition, Long> offsets = new HashMap<>();
        file.read().ifPresent(list -> list.forEach(e -> offsets.put(e.tp(), e.offset())));
        return offsets;
    }
}
