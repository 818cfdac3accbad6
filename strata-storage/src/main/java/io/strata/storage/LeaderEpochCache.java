package io.strata.storage;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The leader epochs of a partition and the first offset written in each, persisted in
 * {@code leader-epoch-checkpoint} (Kafka's format: lines of {@code epoch startOffset}).
 *
 * <p>The checkpoint is rewritten (and fsynced) whenever the cache changes; that happens only when a new leader
 * epoch starts writing, on truncation and when the log start moves, so it is off the per-append path.
 *
 * <p>Thread-safety: all methods take the cache's own lock; the caller's lock order is log lock, then this one.
 */
final class LeaderEpochCache {
    static final String FILE_NAME = "leader-epoch-checkpoint";

    private final ReentrantLock lock = new ReentrantLock();
    private final List<EpochEntry> entries = new ArrayList<>();
    private final CheckpointFile<EpochEntry> checkpoint;

    LeaderEpochCache(Path partitionDir) {
        this.checkpoint = new CheckpointFile<>(partitionDir.resolve(FILE_NAME),
                e -> e.epoch() + " " + e.offset(),
                line -> {
                    String[] parts = line.split(" ");
                    return new EpochEntry(Integer.parseInt(parts[0]), Long.parseLong(parts[1]));
                });
        checkpoint.read().ifPresent(list -> {
            for (EpochEntry e : list) {
                if (entries.isEmpty() || (e.epoch() > last().epoch() && e.offset() >= last().offset())) {
                    entries.add(e);
                }
            }
        });
    }

    private EpochEntry last() {
        return entries.get(entries.size() - 1);
    }

    /** Records that {@code epoch} starts at {@code startOffset}; ignored unless the epoch is newer. */
    void assign(int epoch, long startOffset) {
        lock.lock();
        try {
            if (epoch < 0 || (!entries.isEmpty() && epoch <= last().epoch())) {
                return;
            }
            // An epoch that starts at or before a previous epoch's start supersedes it (e.g. a leader that wrote
            // nothing in its epoch).
            while (!entries.isEmpty() && last().offset() >= startOffset) {
                entries.remove(entries.size() - 1);
            }
            entries.add(new EpochEntry(epoch, startOffset));
            checkpoint.write(List.copyOf(entries));
        } finally {
            lock.unlock();
        }
    }

    Optional<EpochEntry> latest() {
        lock.lock();
        try {
            return entries.isEmpty() ? Optional.empty() : Optional.of(last());
        } finally {
            lock.unlock();
        }
    }

    /**
     * Kafka's OffsetForLeaderEpoch answer: for the latest epoch, the log end offset; otherwise the start offset of
     * the first larger epoch, paired with the largest known epoch at or below the requested one (or the requested
     * epoch itself when it is older than every known epoch); empty when the requested epoch is newer than all.
     */
    Optional<EpochEntry> endOffsetFor(int epoch, long logEndOffset) {
        lock.lock();
        try {
            if (entries.isEmpty() || epoch < 0) {
                return Optional.empty();
            }
            if (epoch == last().epoch()) {
                return Optional.of(new EpochEntry(epoch, logEndOffset));
            }
            EpochEntry floor = null;
            for (EpochEntry e : entries) {
                if (e.epoch() > epoch) {
                    return Optional.of(new EpochEntry(floor == null ? epoch : floor.epoch(), e.offset()));
                }
                floor = e;
            }
            return Optional.empty();
        } finally {
            lock.unlock();
        }
    }

    /** Removes the epochs starting at or after {@code offset} (log truncation). */
    void truncateFromEnd(long offset) {
        lock.lock();
        try {
            boolean changed = false;
            while (!entries.isEmpty() && last().offset() >= offset) {
                entries.remove(entries.size() - 1);
                changed = true;
            }
            if (changed) {
                checkpoint.write(List.copyOf(entries));
            }
        } finally {
            lock.unlock();
        }
    }

    /** Drops epochs wholly below {@code offset} and moves the one containing it to start there (log start moved). */
    void truncateFromStart(long offset) {
        lock.lock();
        try {
            int firstKept = 0;
            while (firstKept + 1 < entries.size() && entries.get(firstKept + 1).offset() <= offset) {
                firstKept++;
            }
            boolean changed = firstKept > 0;
            entries.subList(0, firstKept).clear();
            if (!entries.isEmpty() && entries.get(0).offset() < offset) {
                entries.set(0, new EpochEntry(entries.get(0).epoch(), offset));
                changed = true;
            }
            if (changed) {
                checkpoint.write(List.copyOf(entries));
            }
        } finally {
            lock.unlock();
        }
    }

    List<EpochEntry> entries() {
        lock.lock();
        try {
            return List.copyOf(entries);
        } finally {
            lock.unlock();
        }
    }
}
