package io.strata.storage;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leader epochs of a partition and the first offset written in each, persisted in
 * {@code leader-epoch-checkpoint} (Kafka's format: lines of {@code epoch startOffset}).
 *
 * <p>The checkpoint is rewritten whenever the cache changes: durably on truncation and when the log start moves;
 * without fsync when a new epoch starts writing (that is on an append, under the log's lock), the log's flush making
 * it durable before its recovery point passes the new epoch. A corrupt checkpoint is rebuilt from the log, never
 * read as empty.
 *
 * <p>Thread-safety: all methods take the cache's own lock; the caller's lock order is log lock, then this one.
 */
final class LeaderEpochCache {
    static final String FILE_NAME = "leader-epoch-checkpoint";
    private static final Logger log = LoggerFactory.getLogger(LeaderEpochCache.class);

    private final ReentrantLock lock = new ReentrantLock();
    private final List<EpochEntry> entries = new ArrayList<>();
    private final CheckpointFile<EpochEntry> checkpoint;
    /** Whether the checkpoint file was rewritten without fsync since the last flush. */
    private boolean dirty;

    LeaderEpochCache(Path partitionDir) {
        this.checkpoint = new CheckpointFile<>(partitionDir.resolve(FILE_NAME),
                e -> e.epoch() + " " + e.offset(),
                line -> {
                    String[] parts = line.split(" ");
                    if (parts.length != 2) {
                        throw new IllegalArgumentException("malformed line: " + line);
                    }
                    return new EpochEntry(Integer.parseInt(parts[0]), Long.parseLong(parts[1]));
                });
    }

    /**
     * Loads the checkpoint (a missing one is an empty cache).
     *
     * @return false, leaving the cache empty, when the checkpoint is corrupt: the caller must rebuild the cache
     *         from the batches of the log, never serve an empty one
     * @throws IOException when the checkpoint cannot be read
     */
    boolean load() throws IOException {
        lock.lock();
        try {
            entries.clear();
            Optional<List<EpochEntry>> read;
            try {
                read = checkpoint.read();
            } catch (CheckpointFile.CorruptCheckpointException e) {
                log.warn("{}: the leader epochs will be rebuilt from the log", e.getMessage());
                return false;
            }
            read.ifPresent(list -> {
                for (EpochEntry e : list) {
                    if (entries.isEmpty() || (e.epoch() > last().epoch() && e.offset() >= last().offset())) {
                        entries.add(e);
                    }
                }
            });
            return true;
        } finally {
            lock.unlock();
        }
    }

    private EpochEntry last() {
        return entries.get(entries.size() - 1);
    }

    /**
     * Records that {@code epoch} starts at {@code startOffset}; ignored unless the epoch is newer. The checkpoint is
     * rewritten without fsync: this runs on the append path, and {@link #flush} (called before the recovery point
     * moves past {@code startOffset}) makes it durable; until then recovery rebuilds the epoch from the batches.
     */
    void assign(int epoch, long startOffset) throws IOException {
        lock.lock();
        try {
            if (epoch < 0 || (!entries.isEmpty() && epoch <= last().epoch())) {
                return;
            }
            List<EpochEntry> before = List.copyOf(entries);
            // An epoch that starts at or before a previous epoch's start supersedes it (e.g. a leader that wrote
            // nothing in its epoch).
            while (!entries.isEmpty() && last().offset() >= startOffset) {
                entries.remove(entries.size() - 1);
            }
            entries.add(new EpochEntry(epoch, startOffset));
            try {
                checkpoint.writeUnsynced(List.copyOf(entries));
            } catch (IOException e) {
                // As it was, so that the caller's next attempt (e.g. the next append, once space is freed) writes it.
                entries.clear();
                entries.addAll(before);
                throw e;
            }
            dirty = true;
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

    /**
     * Fsyncs the checkpoint if an {@link #assign} changed it since the last flush: every epoch assigned before the
     * call is durable on return. The fsync runs outside the cache's lock so that appends do not wait for it.
     */
    void flush() throws IOException {
        lock.lock();
        try {
            if (!dirty) {
                return;
            }
            dirty = false;
        } finally {
            lock.unlock();
        }
        try {
            checkpoint.sync();
        } catch (IOException e) {
            lock.lock();
            try {
                dirty = true;
            } finally {
                lock.unlock();
            }
            throw e;
        }
    }

    /** Removes the epochs starting at or after {@code offset} (log truncation); durable on return. */
    void truncateFromEnd(long offset) throws IOException {
        lock.lock();
        try {
            boolean changed = false;
            while (!entries.isEmpty() && last().offset() >= offset) {
                entries.remove(entries.size() - 1);
                changed = true;
            }
            if (changed) {
                checkpoint.write(List.copyOf(entries));
                dirty = false;
            }
        } finally {
            lock.unlock();
        }
    }

    /** Drops epochs wholly below {@code offset} and moves the one containing it to start there (log start moved). */
    void truncateFromStart(long offset) throws IOException {
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
                dirty = false;
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
