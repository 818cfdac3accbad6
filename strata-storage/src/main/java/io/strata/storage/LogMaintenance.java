package io.strata.storage;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What is done to one {@link FileLog} in the background rather than on a client's request: flushing up to an offset
 * and moving the recovery point, retention, producer id expiration, and the cleaner's side (its view of the log, the
 * truncation point it must restart from, the swap of cleaned segments). The log's foreground operations (appends,
 * reads, truncation) stay in {@link FileLog}, which owns this and calls {@link #flushUpTo} on flush and roll.
 *
 * <p>Thread-safety: thread-safe. Every change holds the owning log's lock, shared with it; a flush does its fsyncs
 * outside the lock and then advances the recovery point under it, unless a truncation happened meanwhile.
 */
final class LogMaintenance {
    /** Producer snapshots kept besides those needed above the log start. */
    static final int SNAPSHOTS_TO_KEEP = 2;
    private static final Logger log = LoggerFactory.getLogger(LogMaintenance.class);

    private final TopicPartition topicPartition;
    private final ReentrantLock lock;
    private final LocalLog local;
    private final LogOffsets offsets;
    private final ProducerStateManager producerState;
    private final LeaderEpochCache epochCache;
    private final Supplier<LogConfig> config;
    private final Time time;

    /** All but {@code time} and {@code config} are the owning log's own, {@code lock} included. */
    LogMaintenance(TopicPartition topicPartition, ReentrantLock lock, LocalLog local, LogOffsets offsets,
                   ProducerStateManager producerState, LeaderEpochCache epochCache, Supplier<LogConfig> config,
                   Time time) {
        this.topicPartition = topicPartition;
        this.lock = lock;
        this.local = local;
        this.offsets = offsets;
        this.producerState = producerState;
        this.epochCache = epochCache;
        this.config = config;
        this.time = time;
    }

    /**
     * Fsyncs the segments holding offsets below {@code offset}, then the leader epoch checkpoint and the producer
     * snapshots written without fsync at or below it, and only then moves the recovery point there: recovery trusts
     * everything below the recovery point, including the snapshot it starts from.
     *
     * @throws KafkaStorageException when the log is offline or an fsync fails; the recovery point then never moves
     *                               again (the directory is offline), since a later fsync may succeed without the
     *                               lost pages having reached the disk
     */
    void flushUpTo(long offset) {
        local.checkOnline();
        long from = local.recoveryPoint();
        if (offset <= from || local.isClosed()) {
            return;
        }
        long generation;
        List<Path> snapshots;
        lock.lock();
        try {
            generation = local.truncations();
            snapshots = producerState.snapshots().takeUnsyncedUpTo(offset);
        } finally {
            lock.unlock();
        }
        local.flushSegments(from, offset);
        try {
            epochCache.flush();
            for (Path snapshot : snapshots) {
                Utils.flushFileIfExists(snapshot); // retention may have deleted it meanwhile
            }
            if (!snapshots.isEmpty()) {
                Utils.flushDir(local.dir());
            }
        } catch (IOException e) {
            if (!local.isClosed()) {
                throw local.failed("Flush", e);
            }
        }
        lock.lock();
        try {
            local.flushed(offset, generation, time.milliseconds());
        } finally {
            lock.unlock();
        }
    }

    /**
     * One retention pass (delete policy and log start offset): removes whole old segments, moves the log start
     * offset, and schedules the files' deletion after {@code log.segment.delete.delay.ms}.
     *
     * @return the number of segments removed
     */
    int deleteOldSegments() {
        List<LogSegment> deleted;
        long newStart;
        lock.lock();
        try {
            if (local.isClosed() || local.isOffline()) {
                return 0;
            }
            LogOffsets.Snapshot o = offsets.get();
            List<RetentionPolicy.SegmentStats> stats = new ArrayList<>(local.segments().size());
            for (LogSegment seg : local.segments().values()) {
                stats.add(new RetentionPolicy.SegmentStats(seg.baseOffset, seg.size(), seg.largestTimestamp()));
            }
            int count = RetentionPolicy.deletableCount(stats, o.logStart(), o.highWatermark(), config.get(),
                    time.milliseconds());
            if (count == 0) {
                return 0;
            }
            deleted = local.removeOldest(count);
            newStart = Math.max(o.logStart(), local.segments().firstBase());
            if (newStart > o.logStart()) {
                // Retention deletes only below the high watermark, so the high watermark stays where it is.
                offsets.moveLogStart(newStart);
                epochCache.truncateFromStart(newStart);
            }
            producerState.snapshots().retain(SNAPSHOTS_TO_KEEP, local.segments().firstBase());
        } catch (IOException e) {
            throw local.failed("Retention", e);
        } finally {
            lock.unlock();
        }
        log.info("Deleted {} segments of {} by retention; log start offset is now {}", deleted.size(),
                topicPartition, newStart);
        return deleted.size();
    }

    /**
     * Forgets the producers whose last batch is {@code expirationMs} old ({@code producer.id.expiration.ms}); the
     * next snapshot no longer holds them.
     *
     * @return how many were removed
     */
    int removeExpiredProducers(long expirationMs) {
        lock.lock();
        try {
            if (local.isClosed() || local.isOffline()) {
                return 0;
            }
            int removed = producerState.removeExpiredProducers(time.milliseconds(), expirationMs);
            if (removed > 0) {
                log.debug("Expired {} producer ids of {}", removed, topicPartition);
            }
            return removed;
        } finally {
            lock.unlock();
        }
    }

    /** A view for the cleaner, or empty once the log is closed or offline. */
    Optional<CleaningView> cleaningView() {
        lock.lock();
        try {
            if (local.isClosed() || local.isOffline()) {
                return Optional.empty();
            }
            Map<Long, Long> lastData = new HashMap<>();
            Map<Long, Short> markerEpochs = new HashMap<>();
            producerState.producers().forEach((pid, entry) -> {
                ProducerBatch last = entry.lastBatch();
                if (last != null) {
                    lastData.put(pid, last.lastOffset());
                } else {
                    markerEpochs.put(pid, entry.epoch());
                }
            });
            LogOffsets.Snapshot o = offsets.get();
            // Cleaning stops at the last stable offset: an open transaction's records must stay until its marker.
            return Optional.of(new CleaningView(local.segments().snapshot(), o.logStart(), o.lastStableOffset(),
                    local.truncations(), lastData, markerEpochs, config.get()));
        } finally {
            lock.unlock();
        }
    }

    /**
     * Counts {@code bytes} the cleaner is about to write for this log against its directory's free space, as an
     * append's: cleaning must not use up the reserve that the node's own small writes need.
     *
     * @throws org.apache.kafka.common.errors.KafkaStorageException when the directory is full
     */
    void reserveSpace(int bytes) {
        local.reserveSpace(bytes);
    }

    /** The lowest offset this log was truncated to since the previous call, or Long.MAX_VALUE; resets it. */
    long takeTruncationPoint() {
        lock.lock();
        try {
            return local.takeTruncationPoint();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Replaces consecutive inactive segments by their cleaned version ({@link LocalLog#replaceSegments}).
     *
     * @param old        the segments replaced, in order, as the cleaner read them
     * @param cleaned    the cleaned segment, files still {@code .cleaned}, flushed, with the range marker written
     * @param generation the {@link CleaningView#generation()} the cleaner started from
     * @param afterStep  runs after every file operation (crash tests)
     * @return false, changing nothing, when the log moved on meanwhile (closed, truncated, or one of {@code old}
     *         deleted by retention); the caller then discards {@code cleaned}
     */
    boolean replaceSegments(List<LogSegment> old, LogSegment cleaned, long generation, Runnable afterStep) {
        lock.lock();
        try {
            return local.replaceSegments(old, cleaned, generation, afterStep);
        } catch (IOException e) {
            throw local.failed("Swapping in cleaned segment " + cleaned.baseOffset, e);
        } finally {
            lock.unlock();
        }
    }
}
