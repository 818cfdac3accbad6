package io.strata.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.NavigableSet;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The producer-state snapshot files of one partition directory, {@code <20-digit offset>.snapshot}: written durably
 * or without fsync (the log's flush then syncs them, {@link #takeUnsyncedUpTo}), listed, and deleted once
 * truncation or retention made them useless. What a file holds is {@link ProducerSnapshotFormat}'s.
 *
 * <p>Thread-safety: not thread-safe; guarded by the owning log's lock.
 */
final class ProducerSnapshotFiles {
    static final String SUFFIX = ".snapshot";
    private static final Logger log = LoggerFactory.getLogger(ProducerSnapshotFiles.class);

    private final Path dir;
    /** Offsets of the snapshots written by {@link #writeUnsynced} and not yet fsynced. */
    private final TreeSet<Long> unsynced = new TreeSet<>();

    ProducerSnapshotFiles(Path dir) {
        this.dir = dir;
    }

    Path file(long offset) {
        return dir.resolve(SegmentFiles.filenamePrefix(offset) + SUFFIX);
    }

    /** Durably writes the snapshot at {@code offset}, replacing any file there. */
    void write(long offset, byte[] snapshot) throws IOException {
        AtomicFile.write(file(offset), snapshot);
        unsynced.remove(offset);
    }

    /** Writes the snapshot at {@code offset} without fsync: {@link #takeUnsyncedUpTo} names it until synced. */
    void writeUnsynced(long offset, byte[] snapshot) throws IOException {
        AtomicFile.writeUnsynced(file(offset), snapshot);
        unsynced.add(offset);
    }

    /** The files of the snapshots written without fsync at or below {@code offset}, forgotten here: to be synced. */
    List<Path> takeUnsyncedUpTo(long offset) {
        NavigableSet<Long> upTo = unsynced.headSet(offset, true);
        List<Path> files = upTo.stream().map(this::file).toList();
        upTo.clear();
        return files;
    }

    byte[] read(long offset) throws IOException {
        return Files.readAllBytes(file(offset));
    }

    /** Snapshot offsets in ascending order. */
    List<Long> offsets() {
        List<Long> offsets = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            files.forEach(p -> {
                String name = p.getFileName().toString();
                if (name.endsWith(SUFFIX) && name.length() == 20 + SUFFIX.length()) {
                    try {
                        offsets.add(Long.parseLong(name.substring(0, 20)));
                    } catch (NumberFormatException ignored) {
                        // not ours
                    }
                }
            });
        } catch (IOException e) {
            throw new KafkaStorageException("Cannot list " + dir, e);
        }
        Collections.sort(offsets);
        return offsets;
    }

    /** Removes snapshots taken after {@code offset} (they describe truncated data). */
    void deleteAbove(long offset) {
        for (long o : offsets()) {
            if (o > offset) {
                delete(o);
            }
        }
    }

    /** Deletes old snapshots: those below {@code belowOffsetDeletable}, except the newest {@code keep}. */
    void retain(int keep, long belowOffsetDeletable) {
        List<Long> offsets = offsets();
        for (int i = 0; i < offsets.size() - keep; i++) {
            if (offsets.get(i) < belowOffsetDeletable) {
                delete(offsets.get(i));
            }
        }
    }

    /** Deletes the snapshot at {@code offset} if there is one; a failure is only logged. */
    void delete(long offset) {
        Path p = file(offset);
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            log.warn("Cannot delete {}: {}", p, e.toString());
        }
    }
}
