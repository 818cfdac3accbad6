package io.strata.storage;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.errors.OffsetOutOfRangeException;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.Records;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The segments of one partition on disk, as Kafka's {@code LocalLog}: append, read, roll, truncate, flush and the
 * deletion of segment files, plus the state that only they change (the log end, the recovery point, the truncation
 * generation) and the I/O failure handling of the log. It knows nothing of producers, leader epochs or the high
 * watermark: {@link FileLog} adds those on top.
 *
 * <p>Thread-safety: mutators must be called with the owning {@link FileLog}'s lock held. Reads and segment flushes
 * take no lock: they start from the volatile {@link #end()}, published only after a write and its index entries are
 * complete, so a reader never sees a partial batch.
 */
final class LocalLog {
    private static final Logger log = LoggerFactory.getLogger(LocalLog.class);

    /** The log end offset and where it is, published atomically for lock-free readers. */
    record LogEnd(long offset, long segmentBase, int position) {
    }

    private final TopicPartition topicPartition;
    private final Path dir;
    /** The log directory holding {@link #dir}, kept for the space check of every append. */
    private final Path logDir;
    private final LogSegments segments;
    private final BackgroundTasks background;
    private final long fileDeleteDelayMs;
    private final LogDirFailureChannel failures;
    private final DiskFaults faults;
    private final LogDirSpace space;
    private volatile LogEnd end;
    private volatile long recoveryPoint;
    private volatile long lastFlushTimeMs;
    private volatile boolean closed;
    /** Set on the first I/O error in this log's directory: nothing is read, written or flushed after it. */
    private volatile boolean offline;
    /**
     * Incremented by every truncation, so that a concurrent flush does not move the recovery point past it and a
     * concurrent cleaning does not swap in segments made from truncated data. Lock held.
     */
    private long truncations;
    /** The lowest offset truncated to since the cleaner last asked; Long.MAX_VALUE when none. Lock held. */
    private long truncationPoint = Long.MAX_VALUE;

    LocalLog(TopicPartition topicPartition, Path dir, LogSegments segments, long recoveryPoint, long nowMs,
             BackgroundTasks background, long fileDeleteDelayMs, LogDirFailureChannel failures, DiskFaults faults,
             LogDirSpace space) throws IOException {
        this.topicPartition = topicPartition;
        this.dir = dir;
        this.logDir = dir.getParent();
        this.segments = segments;
        this.background = background;
        this.fileDeleteDelayMs = fileDeleteDelayMs;
        this.failures = failures;
        this.faults = faults;
        this.space = space;
        LogSegment active = segments.active();
        this.end = new LogEnd(active.readNextOffset(), active.baseOffset, active.size());
        this.recoveryPoint = recoveryPoint;
        this.lastFlushTimeMs = nowMs;
    }

    Path dir() {
        return dir;
    }

    LogSegments segments() {
        return segments;
    }

    LogEnd end() {
        return end;
    }

    long recoveryPoint() {
        return recoveryPoint;
    }

    long lastFlushTimeMs() {
        return lastFlushTimeMs;
    }

    long truncations() {
        return truncations;
    }

    boolean isClosed() {
        return closed;
    }

    boolean isOffline() {
        return offline;
    }

    /** Another log of the directory failed: refuse everything from now on (no lock: the caller may hold others). */
    void markOffline() {
        offline = true;
    }

    void checkOnline() {
        if (offline) {
            throw new KafkaStorageException("Log " + topicPartition + " is offline: its log directory "
                    + dir.getParent() + " failed");
        }
    }

    void checkOpen() {
        checkOnline();
        if (closed) {
            throw new KafkaStorageException("Log " + topicPartition + " is closed");
        }
    }

    /**
     * Takes this log and its log directory offline after an I/O error ({@link LogDirFailureChannel}).
     *
     * @return the exception for the caller to throw
     */
    KafkaStorageException failed(String what, Throwable cause) {
        offline = true;
        String message = what + " of " + topicPartition + " failed";
        failures.report(dir.getParent(), message, cause);
        return new KafkaStorageException(message + "; log directory " + dir.getParent() + " is offline", cause);
    }

    /**
     * A write that changed nothing failed: if for lack of space, a refusal that leaves the directory online
     * ({@link LogDirSpace}); otherwise {@link #failed}.
     *
     * @return the exception for the caller to throw
     */
    KafkaStorageException failedWrite(String what, Throwable cause) {
        if (!space.isOutOfSpace(logDir, cause)) {
            return failed(what, cause);
        }
        space.markFull(logDir);
        log.warn("{} of {} refused: log directory {} is out of space ({})", what, topicPartition, logDir,
                cause.toString());
        return new KafkaStorageException(what + " of " + topicPartition + " refused: log directory " + logDir
                + " is out of space", cause);
    }

    /**
     * Counts an append of {@code bytes} against the free space of the log directory.
     *
     * @throws KafkaStorageException when the directory is full (it stays online)
     */
    void reserveSpace(int bytes) {
        space.reserve(logDir, bytes);
    }

    /** Whether the next append of {@code bytes} ending at {@code lastOffset} must go to a new segment. */
    boolean shouldRoll(LogConfig config, int bytes, long lastOffset, long nowMs) {
        return segments.active().shouldRoll(config, bytes, lastOffset, nowMs);
    }

    /**
     * Writes the batches to the active segment with one write and publishes the new end. Lock held.
     *
     * @throws KafkaStorageException when the write fails; the segment is then rolled back as it was, and the
     *         directory stays online if the write failed for lack of space; if it cannot be rolled back, the
     *         directory goes offline and the next start truncates the torn tail
     */
    void append(BatchValidator.Result valid, MemoryRecords records, long lastOffset, long nowMs, LogConfig config) {
        LogSegment segment = segments.active();
        LogSegment.Mark mark = segment.mark();
        try {
            faults.check(DiskFaults.Op.APPEND, segment.records().file().toPath());
            segment.append(valid, records, config.indexIntervalBytes(), nowMs);
        } catch (IOException e) {
            try {
                segment.rollBack(mark);
            } catch (IOException | RuntimeException suppressed) {
                e.addSuppressed(suppressed);
                throw failed("Append", e);
            }
            throw failedWrite("Append", e);
        }
        end = new LogEnd(lastOffset + 1, segment.baseOffset, segment.size());
    }

    /** Starts a new active segment at the log end offset, which must be past the active segment's base. Lock held. */
    LogSegment roll(int maxIndexSize) throws IOException {
        LogEnd e = end;
        LogSegment active = segments.active();
        LogSegment seg = LogSegment.create(dir, e.offset(), maxIndexSize);
        segments.add(seg);
        active.onBecomeInactive();
        end = new LogEnd(e.offset(), e.offset(), 0);
        log.debug("Rolled {} at offset {}", topicPartition, e.offset());
        return seg;
    }

    /** Replaces the empty active segment by one starting at {@code newBase} (a follower skipping a gap). */
    void replaceEmptyActiveSegment(long newBase, int maxIndexSize) throws IOException {
        LogSegment empty = segments.active();
        segments.remove(empty);
        scheduleDeletion(List.of(empty));
        segments.add(LogSegment.create(dir, newBase, maxIndexSize));
        end = new LogEnd(newBase, newBase, 0);
    }

    /**
     * Reads from the segment holding {@code fetchOffset} up to the published end {@code e}.
     *
     * @param logStartOffset read again on failure: retention may have deleted the segment meanwhile
     */
    Records read(LogEnd e, long fetchOffset, int maxBytes, long maxOffset, boolean minOneMessage,
                 java.util.function.LongSupplier logStartOffset) {
        try {
            Map.Entry<Long, LogSegment> entry = segments.floor(fetchOffset);
            while (entry != null && entry.getKey() <= e.segmentBase()) {
                LogSegment seg = entry.getValue();
                int maxPosition = seg.baseOffset == e.segmentBase() ? e.position() : seg.size();
                Records r = seg.read(fetchOffset, maxBytes, maxOffset, maxPosition, minOneMessage);
                if (r != null) {
                    return r;
                }
                entry = segments.higher(entry.getKey());
            }
            return MemoryRecords.EMPTY;
        } catch (IOException ex) {
            if (fetchOffset < logStartOffset.getAsLong()) {
                // Retention removed the segment under us: the offset is gone, which the client can handle.
                throw new OffsetOutOfRangeException("Offset " + fetchOffset + " was deleted from " + topicPartition);
            }
            throw failed("Read at " + fetchOffset, ex);
        }
    }

    /** The first record at or after {@code timestamp} with an offset of at least {@code logStartOffset}. */
    Optional<TimestampAndOffset> offsetForTimestamp(long timestamp, long logStartOffset) {
        try {
            for (LogSegment seg : segments.from(logStartOffset)) {
                if (seg.maxTimestampSoFar() >= timestamp) {
                    Optional<TimestampAndOffset> found = seg.findOffsetByTimestamp(timestamp, logStartOffset);
                    if (found.isPresent()) {
                        return found;
                    }
                }
            }
            return Optional.empty();
        } catch (IOException e) {
            throw failed("Timestamp lookup", e);
        }
    }

    /** The record with the largest timestamp (the first of equals), in a log that is not empty. */
    Optional<TimestampAndOffset> maxTimestampAndOffset(long logEndOffset) {
        LogSegment best = null;
        long bestTs = RecordBatch.NO_TIMESTAMP;
        for (LogSegment seg : segments.values()) {
            if (seg.maxTimestampSoFar() > bestTs) {
                bestTs = seg.maxTimestampSoFar();
                best = seg;
            }
        }
        if (best == null) {
            return Optional.of(new TimestampAndOffset(RecordBatch.NO_TIMESTAMP, logEndOffset - 1,
                    OptionalInt.empty()));
        }
        try {
            return best.maxTimestampAndOffset();
        } catch (IOException ex) {
            throw failed("Timestamp lookup", ex);
        }
    }

    /**
     * Removes every batch at or above {@code offset}, which is above the first segment's base. Lock held.
     *
     * @return the new log end offset (the start of the batch holding {@code offset})
     */
    long truncateTo(long offset, int maxIndexSize) throws IOException {
        truncations++;
        List<LogSegment> removed = segments.atOrAbove(offset);
        removed.forEach(segments::remove);
        LogSegment last = segments.active();
        last.truncateTo(offset);
        if (!removed.isEmpty()) {
            last.makeActive(maxIndexSize);
        }
        scheduleDeletion(removed);
        long newEnd = last.readNextOffset();
        truncationPoint = Math.min(truncationPoint, newEnd);
        end = new LogEnd(newEnd, last.baseOffset, last.size());
        recoveryPoint = Math.min(recoveryPoint, newEnd);
        return newEnd;
    }

    /** Deletes every segment and starts empty at {@code offset}. Lock held. */
    void truncateFullyAndStartAt(long offset, int maxIndexSize) throws IOException {
        truncations++;
        List<LogSegment> removed = segments.snapshot();
        segments.clear();
        scheduleDeletion(removed);
        segments.add(LogSegment.create(dir, offset, maxIndexSize));
        end = new LogEnd(offset, offset, 0);
        truncationPoint = Math.min(truncationPoint, offset);
        recoveryPoint = offset;
    }

    /** The lowest offset this log was truncated to since the previous call, or Long.MAX_VALUE; resets it. */
    long takeTruncationPoint() {
        long point = truncationPoint;
        truncationPoint = Long.MAX_VALUE;
        return point;
    }

    /**
     * Fsyncs the segments holding offsets in {@code [from, to)}, without the lock.
     *
     * @throws KafkaStorageException when an fsync fails; the directory is then offline
     */
    void flushSegments(long from, long to) {
        for (LogSegment seg : segments.range(from, to)) {
            try {
                faults.check(DiskFaults.Op.FLUSH, seg.records().file().toPath());
                seg.flush();
            } catch (IOException | RuntimeException e) {
                if (closed || !segments.contains(seg)) {
                    continue; // closed, deleted or truncated away meanwhile: nothing to make durable
                }
                throw failed("Flush", e);
            }
        }
    }

    /**
     * Moves the recovery point to {@code offset} after a flush that started at truncation {@code generation}, unless
     * a truncation happened meanwhile or the log went offline. Lock held.
     */
    void flushed(long offset, long generation, long nowMs) {
        if (generation == truncations && !offline) {
            recoveryPoint = Math.max(recoveryPoint, Math.min(offset, end.offset()));
        }
        lastFlushTimeMs = nowMs;
    }

    /** Removes the oldest {@code count} segments (retention) and schedules their deletion. Lock held. */
    List<LogSegment> removeOldest(int count) throws IOException {
        List<LogSegment> deletable = segments.snapshot().subList(0, count);
        deletable.forEach(segments::remove);
        scheduleDeletion(deletable);
        return deletable;
    }

    /** Deletes removed segments later: readers may still hold slices of them. */
    private void scheduleDeletion(List<LogSegment> removed) throws IOException {
        for (LogSegment seg : removed) {
            // Renamed now so that a new segment with the same base offset can never collide with it.
            seg.renameForDeletion();
        }
        deleteFilesLater(removed);
    }

    /** Deletes the files of segments already renamed for deletion, after {@code file.delete.delay.ms}. */
    private void deleteFilesLater(List<LogSegment> renamed) {
        for (LogSegment seg : renamed) {
            background.schedule("delete " + seg, () -> {
                try {
                    seg.deleteFiles();
                } catch (IOException e) {
                    log.warn("Cannot delete {} of {}: {}", seg, topicPartition, e.toString());
                }
            }, fileDeleteDelayMs);
        }
    }

    /**
     * Replaces consecutive inactive segments by their cleaned version, following {@link SegmentSwap}'s protocol.
     * Readers never see a hole: the cleaned segment takes the first old segment's place before the others leave,
     * and the old files stay readable until deleted after {@code log.segment.delete.delay.ms}. Lock held.
     *
     * @return false, changing nothing, when the log moved on since truncation {@code generation} (closed,
     *         truncated, or one of {@code old} deleted by retention)
     */
    boolean replaceSegments(List<LogSegment> old, LogSegment cleaned, long generation, Runnable afterStep)
            throws IOException {
        if (closed || offline || truncations != generation || old.isEmpty()) {
            return false;
        }
        for (LogSegment seg : old) {
            if (!segments.contains(seg) || segments.active() == seg) {
                return false;
            }
        }
        cleaned.changeSuffix(SegmentFiles.CLEANED_SUFFIX, SegmentFiles.SWAP_SUFFIX, true, afterStep);
        SegmentSwap.fsyncDirectory(dir);
        segments.add(cleaned);
        old.forEach(segments::remove); // the first one's place is already the cleaned segment's
        for (LogSegment seg : old) {
            seg.renameForDeletion();
            afterStep.run();
        }
        cleaned.changeSuffix(SegmentFiles.SWAP_SUFFIX, "", false, afterStep);
        SegmentSwap.fsyncDirectory(dir);
        SegmentSwap.deleteEnd(dir, cleaned.baseOffset);
        afterStep.run();
        deleteFilesLater(old);
        return true;
    }

    /** Flushes and closes every segment (clean shutdown); the recovery point becomes the log end. Lock held. */
    void close() throws IOException {
        closed = true;
        for (LogSegment seg : segments.values()) {
            seg.close();
        }
        recoveryPoint = end.offset();
    }

    /** Closes file handles without flushing (the directory is being deleted, or is offline). Lock held. */
    void closeHandles() {
        closed = true;
        for (LogSegment seg : segments.values()) {
            try {
                seg.records().closeHandlers();
            } catch (IOException e) {
                log.debug("Closing {} of {}: {}", seg, topicPartition, e.toString());
            }
        }
    }
}
