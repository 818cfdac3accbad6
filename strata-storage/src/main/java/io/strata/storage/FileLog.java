package io.strata.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.errors.OffsetOutOfRangeException;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.Records;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The file-based {@link Log}, as Kafka's {@code UnifiedLog}: the {@link LocalLog} of segments plus what a partition
 * keeps on top of them, the idempotent producer state, the leader epoch cache, the log start offset and the high
 * watermark, and the policies that use them (validation on append, retention, the cleaner's view).
 *
 * <p>Thread-safety: appends, roll, truncation, retention, cleaning swaps and close hold {@link #lock}. Reads take no
 * lock: they read the log end published by {@link LocalLog} and the {@link Offsets} published here, each one
 * volatile immutable record, so the log start offset and high watermark a reader sees always belong together.
 * Flushing does its fsyncs without the lock and then advances the recovery point under it, unless a truncation
 * happened meanwhile.
 */
final class FileLog implements Log {
    private static final Logger log = LoggerFactory.getLogger(FileLog.class);
    /** Producer snapshots kept besides those needed above the log start. */
    private static final int SNAPSHOTS_TO_KEEP = 2;

    /** The log start offset and the high watermark, which readers need together; replaced, never mutated. */
    record Offsets(long logStart, long highWatermark) {
        Offsets withHighWatermark(long hw) {
            return new Offsets(logStart, hw);
        }
    }

    private final TopicPartition topicPartition;
    private final Uuid topicId;
    private final Time time;
    private final BackgroundTasks background;
    private final ReentrantLock lock = new ReentrantLock();
    private final LocalLog local;
    private final ProducerStateManager producerState;
    private final LeaderEpochCache epochCache;
    private volatile LogConfig config;
    private volatile Offsets offsets;

    FileLog(TopicPartition topicPartition, Uuid topicId, Path dir, LogConfig config, LogLoader.Env env,
            LogSegments segments, ProducerStateManager producerState, LeaderEpochCache epochCache,
            long logStartOffset, long recoveryPoint, long highWatermark) throws IOException {
        this.topicPartition = topicPartition;
        this.topicId = topicId;
        this.config = config;
        this.time = env.time();
        this.background = env.background();
        this.local = new LocalLog(topicPartition, dir, segments, recoveryPoint, time.milliseconds(),
                env.background(), env.fileDeleteDelayMs(), env.failures(), env.faults());
        this.producerState = producerState;
        this.epochCache = epochCache;
        this.offsets = new Offsets(logStartOffset, clamp(highWatermark, logStartOffset, local.end().offset()));
    }

    private static long clamp(long v, long min, long max) {
        return Math.max(min, Math.min(max, v));
    }

    @Override
    public TopicPartition topicPartition() {
        return topicPartition;
    }

    @Override
    public Uuid topicId() {
        return topicId;
    }

    @Override
    public LogConfig config() {
        return config;
    }

    @Override
    public void updateConfig(LogConfig config) {
        this.config = config;
    }

    @Override
    public Path dir() {
        return local.dir();
    }

    long recoveryPoint() {
        return local.recoveryPoint();
    }

    long lastFlushTimeMs() {
        return local.lastFlushTimeMs();
    }

    List<LogSegment> segments() {
        return local.segments().snapshot();
    }

    boolean isOffline() {
        return local.isOffline();
    }

    /** Another log of the directory failed: refuse everything from now on (no lock: the caller may hold others). */
    void markOffline() {
        local.markOffline();
    }

    @Override
    public AppendResult appendAsLeader(MemoryRecords records, int leaderEpoch) {
        long now = time.milliseconds();
        LogConfig cfg = config;
        BatchValidator.Result valid = BatchValidator.validate(records, cfg, now);
        AppendResult result;
        boolean flushNeeded;
        lock.lock();
        try {
            local.checkOpen();
            long firstOffset = local.end().offset();
            long logStart = offsets.logStart();
            if (valid.batches().isEmpty()) {
                return new AppendResult(firstOffset, firstOffset - 1, RecordBatch.NO_TIMESTAMP, logStart, false);
            }
            ProducerStateManager.AppendSession session = producerState.beginAppend();
            Optional<ProducerBatch> duplicate = session.checkAndRecord(valid.batches(), firstOffset);
            if (duplicate.isPresent()) {
                ProducerBatch d = duplicate.get();
                long appendTime = valid.logAppendTime() >= 0 ? d.timestamp() : RecordBatch.NO_TIMESTAMP;
                return new AppendResult(d.firstOffset(), d.lastOffset(), appendTime, logStart, true);
            }
            long next = valid.assignOffsets(firstOffset, leaderEpoch);
            try {
                appendLocked(valid, records, next - 1, now, cfg);
                epochCache.assign(leaderEpoch, firstOffset);
            } catch (IOException e) {
                throw local.failed("Append", e);
            }
            producerState.commit(session, next);
            flushNeeded = next - local.recoveryPoint() >= cfg.flushMessages();
            result = new AppendResult(firstOffset, next - 1, valid.logAppendTime(), logStart, false);
        } finally {
            lock.unlock();
        }
        if (flushNeeded) {
            flush();
        }
        return result;
    }

    /**
     * Appends batches replicated from the leader: offsets and leader epochs are kept as assigned by the leader,
     * batches are checked for structure and CRC only, producer state is updated without sequence checks.
     *
     * @throws InvalidRecordException if the batches do not start at or after the log end offset or go backwards
     */
    @Override
    public AppendResult appendAsFollower(MemoryRecords records) {
        long now = time.milliseconds();
        LogConfig cfg = config;
        BatchValidator.Result valid = BatchValidator.validateReplicated(records);
        boolean flushNeeded;
        AppendResult result;
        lock.lock();
        try {
            local.checkOpen();
            long leo = local.end().offset();
            if (valid.batches().isEmpty()) {
                return new AppendResult(leo, leo - 1, RecordBatch.NO_TIMESTAMP, offsets.logStart(), false);
            }
            long expected = leo;
            for (BatchValidator.ValidBatch vb : valid.batches()) {
                if (vb.batch().baseOffset() < expected) {
                    throw new InvalidRecordException("Replicated batch at offset " + vb.batch().baseOffset()
                            + " is below the expected offset " + expected);
                }
                expected = vb.batch().lastOffset() + 1;
            }
            long firstOffset = valid.batches().get(0).batch().baseOffset();
            try {
                if (local.segments().active().size() == 0 && leo < firstOffset) {
                    // An empty active segment can simply start later (the leader's log had a gap, e.g. compaction).
                    startEmptyAt(firstOffset);
                }
                appendLocked(valid, records, expected - 1, now, cfg);
                ByteBuffer buf = records.buffer();
                BatchHeader header = new BatchHeader();
                for (BatchValidator.ValidBatch vb : valid.batches()) {
                    header.wrap(buf, buf.position() + vb.position(), 0);
                    producerState.replay(header);
                    epochCache.assign(header.partitionLeaderEpoch(), header.baseOffset());
                }
            } catch (IOException e) {
                throw local.failed("Append", e);
            }
            flushNeeded = expected - local.recoveryPoint() >= cfg.flushMessages();
            result = new AppendResult(firstOffset, expected - 1, RecordBatch.NO_TIMESTAMP, offsets.logStart(), false);
        } finally {
            lock.unlock();
        }
        if (flushNeeded) {
            flush();
        }
        return result;
    }

    /** Replaces the empty active segment by one at {@code newBase}. Lock held. */
    private void startEmptyAt(long newBase) throws IOException {
        long emptyBase = local.segments().active().baseOffset;
        local.replaceEmptyActiveSegment(newBase, config.segmentIndexBytes());
        Offsets o = offsets;
        if (o.logStart() == emptyBase && local.segments().size() == 1) {
            offsets = new Offsets(newBase, Math.max(o.highWatermark(), newBase));
        }
        producerState.reset(newBase);
    }

    /** Rolls if needed and writes the batches with one write. Lock held. */
    private void appendLocked(BatchValidator.Result valid, MemoryRecords records, long lastOffset, long now,
                              LogConfig cfg) throws IOException {
        if (local.shouldRoll(cfg, valid.sizeInBytes(), lastOffset, now)) {
            roll();
        }
        local.append(valid, records, lastOffset, now, cfg);
    }

    /** Starts a new segment at the log end offset, unless the active one starts there. */
    LogSegment roll() {
        lock.lock();
        try {
            LogSegment active = local.segments().active();
            long at = local.end().offset();
            if (active.baseOffset == at) {
                return active;
            }
            LogSegment seg = local.roll(config.segmentIndexBytes());
            // Written without fsync under the lock: the flush below makes it durable before the recovery point
            // reaches it, so recovery never starts from a snapshot that may not have reached the disk.
            producerState.takeSnapshotUnsynced();
            producerState.retainSnapshots(SNAPSHOTS_TO_KEEP, local.segments().firstBase());
            // The old segment is complete: make it durable soon, off the append path, and move the recovery point.
            background.schedule("flush " + topicPartition, () -> flushUpTo(at), 0);
            return seg;
        } catch (IOException ex) {
            throw local.failed("Roll", ex);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public LogReadInfo read(long fetchOffset, int maxBytes, long maxOffset, boolean minOneMessage) {
        local.checkOnline();
        LocalLog.LogEnd e = local.end();
        Offsets o = offsets;
        if (fetchOffset < o.logStart() || fetchOffset > e.offset()) {
            throw new OffsetOutOfRangeException("Offset " + fetchOffset + " is out of range [" + o.logStart() + ", "
                    + e.offset() + "] of " + topicPartition);
        }
        Records records = fetchOffset < e.offset()
                ? local.read(e, fetchOffset, maxBytes, maxOffset, minOneMessage, this::logStartOffset)
                : MemoryRecords.EMPTY;
        return new LogReadInfo(records, o.logStart(), e.offset(), o.highWatermark());
    }

    @Override
    public long logStartOffset() {
        return offsets.logStart();
    }

    @Override
    public long logEndOffset() {
        return local.end().offset();
    }

    @Override
    public long highWatermark() {
        return offsets.highWatermark();
    }

    @Override
    public void updateHighWatermark(long hw) {
        lock.lock();
        try {
            Offsets o = offsets;
            offsets = o.withHighWatermark(clamp(hw, o.logStart(), local.end().offset()));
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean maybeIncrementHighWatermark(long hw) {
        lock.lock();
        try {
            Offsets o = offsets;
            long next = clamp(hw, o.logStart(), local.end().offset());
            if (next <= o.highWatermark()) {
                return false;
            }
            offsets = o.withHighWatermark(next);
            return true;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Optional<TimestampAndOffset> offsetForTimestamp(long timestamp) {
        return local.offsetForTimestamp(timestamp, offsets.logStart());
    }

    @Override
    public Optional<TimestampAndOffset> maxTimestampAndOffset() {
        long endOffset = local.end().offset();
        if (endOffset == offsets.logStart()) {
            return Optional.empty();
        }
        return local.maxTimestampAndOffset(endOffset);
    }

    @Override
    public void advanceLogStartOffset(long newLogStartOffset) {
        lock.lock();
        try {
            Offsets o = offsets;
            if (newLogStartOffset <= o.logStart()) {
                return;
            }
            long endOffset = local.end().offset();
            if (newLogStartOffset > endOffset) {
                throw new OffsetOutOfRangeException("Cannot move the log start of " + topicPartition + " to "
                        + newLogStartOffset + ", past the log end offset " + endOffset);
            }
            offsets = new Offsets(newLogStartOffset, Math.max(o.highWatermark(), newLogStartOffset));
            epochCache.truncateFromStart(newLogStartOffset);
        } catch (IOException e) {
            throw local.failed("Moving the log start offset", e);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void truncateTo(long offset) {
        if (offset < 0) {
            throw new IllegalArgumentException("Cannot truncate " + topicPartition + " to " + offset);
        }
        lock.lock();
        try {
            local.checkOpen();
            if (offset >= local.end().offset()) {
                return;
            }
            if (offset <= offsets.logStart()) {
                startOverAt(offset);
                return;
            }
            long newEnd = local.truncateTo(offset, config.segmentIndexBytes());
            epochCache.truncateFromEnd(newEnd);
            rebuildProducerState(newEnd);
            Offsets o = offsets;
            offsets = o.withHighWatermark(Math.min(o.highWatermark(), newEnd));
            log.info("Truncated {} to offset {} (requested {})", topicPartition, newEnd, offset);
        } catch (IOException e) {
            throw local.failed("Truncation", e);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void truncateFullyAndStartAt(long offset) {
        lock.lock();
        try {
            local.checkOpen();
            startOverAt(offset);
        } catch (IOException e) {
            throw local.failed("Truncation", e);
        } finally {
            lock.unlock();
        }
    }

    /** Deletes every segment and starts empty at {@code offset}, the new log start. Lock held. */
    private void startOverAt(long offset) throws IOException {
        local.truncateFullyAndStartAt(offset, config.segmentIndexBytes());
        offsets = new Offsets(offset, offset);
        epochCache.truncateFromEnd(Long.MIN_VALUE);
        producerState.deleteSnapshotsAbove(-1);
        producerState.reset(offset);
        log.info("Truncated {} fully, now starting at {}", topicPartition, offset);
    }

    /** Reloads producer state from the latest snapshot at or below {@code upTo} and replays the log after it. */
    private void rebuildProducerState(long upTo) throws IOException {
        producerState.deleteSnapshotsAbove(upTo);
        Optional<Long> snapshot = producerState.loadLatestSnapshotAtOrBelow(upTo);
        long from = snapshot.orElse(local.segments().firstBase());
        if (snapshot.isEmpty()) {
            producerState.reset(from);
        }
        for (LogSegment seg : local.segments().from(from)) {
            int position = seg.baseOffset <= from ? seg.offsetIndex().lookup(from) : 0;
            seg.scan(position, false, false, 0, h -> {
                if (h.lastOffset() >= from) {
                    producerState.replay(h);
                }
            });
        }
        producerState.loadedUpTo(upTo);
    }

    @Override
    public Optional<EpochEntry> assignEpochStartOffset(int epoch) {
        lock.lock();
        try {
            local.checkOpen();
            Optional<EpochEntry> latest = epochCache.latest();
            if (latest.isPresent() && latest.get().epoch() >= epoch) {
                return Optional.empty();
            }
            long start = local.end().offset();
            epochCache.assign(epoch, start);
            return Optional.of(new EpochEntry(epoch, start));
        } catch (IOException e) {
            throw local.failed("Leader epoch assignment", e);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Optional<EpochEntry> latestEpoch() {
        return epochCache.latest();
    }

    @Override
    public Optional<EpochEntry> endOffsetForEpoch(int epoch) {
        return epochCache.endOffsetFor(epoch, local.end().offset());
    }

    List<EpochEntry> epochEntries() {
        return epochCache.entries();
    }

    @Override
    public List<ActiveProducer> activeProducers() {
        lock.lock();
        try {
            return producerState.activeProducers();
        } finally {
            lock.unlock();
        }
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

    ProducerStateManager producerStateForTesting() {
        return producerState;
    }

    @Override
    public long sizeInBytes() {
        return local.segments().sizeInBytes();
    }

    @Override
    public void flush() {
        flushUpTo(local.end().offset());
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
            snapshots = producerState.takeUnsyncedSnapshotsUpTo(offset);
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
            Offsets o = offsets;
            List<RetentionPolicy.SegmentStats> stats = new ArrayList<>(local.segments().size());
            for (LogSegment seg : local.segments().values()) {
                stats.add(new RetentionPolicy.SegmentStats(seg.baseOffset, seg.size(), seg.largestTimestamp()));
            }
            int count = RetentionPolicy.deletableCount(stats, o.logStart(), o.highWatermark(), config,
                    time.milliseconds());
            if (count == 0) {
                return 0;
            }
            deleted = local.removeOldest(count);
            newStart = Math.max(o.logStart(), local.segments().firstBase());
            if (newStart > o.logStart()) {
                offsets = new Offsets(newStart, o.highWatermark());
                epochCache.truncateFromStart(newStart);
            }
            producerState.retainSnapshots(SNAPSHOTS_TO_KEEP, local.segments().firstBase());
        } catch (IOException e) {
            throw local.failed("Retention", e);
        } finally {
            lock.unlock();
        }
        log.info("Deleted {} segments of {} by retention; log start offset is now {}", deleted.size(),
                topicPartition, newStart);
        return deleted.size();
    }

    /** A view for the cleaner, or empty once the log is closed or offline. */
    Optional<CleaningView> cleaningView() {
        lock.lock();
        try {
            if (local.isClosed() || local.isOffline()) {
                return Optional.empty();
            }
            Map<Long, Long> lastData = new HashMap<>();
            producerState.producers().forEach((pid, entry) -> {
                ProducerBatch last = entry.lastBatch();
                if (last != null) {
                    lastData.put(pid, last.lastOffset());
                }
            });
            Offsets o = offsets;
            return Optional.of(new CleaningView(local.segments().snapshot(), o.logStart(), o.highWatermark(),
                    local.truncations(), lastData, config));
        } finally {
            lock.unlock();
        }
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

    @Override
    public void close() {
        lock.lock();
        try {
            if (local.isClosed()) {
                return;
            }
            if (local.isOffline()) {
                local.closeHandles();
                return;
            }
            local.close();
            producerState.takeSnapshot();
            epochCache.flush();
        } catch (IOException e) {
            local.closeHandles();
            throw local.failed("Close", e);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Closes file handles without flushing: the log's directory is about to be deleted, or it is offline (nothing
     * may be written to it any more).
     */
    void closeForDeletion() {
        lock.lock();
        try {
            local.closeHandles();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        return "FileLog(" + topicPartition + ", start=" + offsets.logStart() + ", end=" + local.end().offset() + ")";
    }
}
