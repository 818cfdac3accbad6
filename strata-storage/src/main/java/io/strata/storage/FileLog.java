package io.strata.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.errors.OffsetOutOfRangeException;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.Records;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The file-based {@link Log}: segments in a {@link ConcurrentSkipListMap} by base offset, the last one active.
 *
 * <p>Thread-safety: appends, roll, truncation, retention and close hold {@link #lock}. Reads take no lock: they
 * start from the volatile {@link #end} (offset, active segment, position), which is published only after a write
 * and its index entries are complete, so a reader never sees a partial batch. Flushing does its fsyncs without the
 * lock and then advances the recovery point under it, unless a truncation happened meanwhile.
 */
final class FileLog implements Log {
    private static final Logger log = LoggerFactory.getLogger(FileLog.class);
    /** Producer snapshots kept besides those needed above the log start. */
    private static final int SNAPSHOTS_TO_KEEP = 2;

    /** The log end offset and where it is, published atomically for lock-free readers. */
    record LogEnd(long offset, long segmentBase, int position) {
    }

    private final TopicPartition topicPartition;
    private final Uuid topicId;
    private final Path dir;
    private final Time time;
    private final BackgroundTasks background;
    private final long fileDeleteDelayMs;
    private final ReentrantLock lock = new ReentrantLock();
    private final ConcurrentSkipListMap<Long, LogSegment> segments;
    private final ProducerStateManager producerState;
    private final LeaderEpochCache epochCache;
    private volatile LogConfig config;
    private volatile LogEnd end;
    private volatile long logStartOffset;
    private volatile long highWatermark;
    private volatile long recoveryPoint;
    private volatile long lastFlushTimeMs;
    private volatile boolean closed;
    /** Set on the first I/O error in this log's directory: nothing is read, written or flushed after it. */
    private volatile boolean offline;
    private final LogDirFailureChannel failures;
    private final DiskFaults faults;
    /**
     * Incremented by every truncation, so that a concurrent flush does not move the recovery point past it and a
     * concurrent cleaning does not swap in segments made from truncated data.
     */
    private long truncations;
    /** The lowest offset truncated to since the cleaner last asked; Long.MAX_VALUE when none. */
    private long truncationPoint = Long.MAX_VALUE;

    FileLog(TopicPartition topicPartition, Uuid topicId, Path dir, LogConfig config, Time time,
            BackgroundTasks background, long fileDeleteDelayMs, ConcurrentSkipListMap<Long, LogSegment> segments,
            ProducerStateManager producerState, LeaderEpochCache epochCache, long logStartOffset,
            long recoveryPoint, long highWatermark, LogDirFailureChannel failures, DiskFaults faults)
            throws IOException {
        this.failures = failures;
        this.faults = faults;
        this.topicPartition = topicPartition;
        this.topicId = topicId;
        this.dir = dir;
        this.config = config;
        this.time = time;
        this.background = background;
        this.fileDeleteDelayMs = fileDeleteDelayMs;
        this.segments = segments;
        this.producerState = producerState;
        this.epochCache = epochCache;
        LogSegment active = segments.lastEntry().getValue();
        this.end = new LogEnd(active.readNextOffset(), active.baseOffset, active.size());
        this.logStartOffset = logStartOffset;
        this.recoveryPoint = recoveryPoint;
        this.highWatermark = clamp(highWatermark, logStartOffset, end.offset());
        this.lastFlushTimeMs = time.milliseconds();
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
        return dir;
    }

    long recoveryPoint() {
        return recoveryPoint;
    }

    long lastFlushTimeMs() {
        return lastFlushTimeMs;
    }

    List<LogSegment> segments() {
        return List.copyOf(segments.values());
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
            checkOpen();
            long firstOffset = end.offset();
            if (valid.batches().isEmpty()) {
                return new AppendResult(firstOffset, firstOffset - 1, RecordBatch.NO_TIMESTAMP, logStartOffset, false);
            }
            ProducerStateManager.AppendSession session = producerState.beginAppend();
            long next = firstOffset;
            for (BatchValidator.ValidBatch vb : valid.batches()) {
                MutableRecordBatch batch = vb.batch();
                long last = next + vb.lastOffsetDelta();
                if (batch.hasProducerId()) {
                    if (batch.isControlBatch()) {
                        session.recordControl(batch.producerId(), batch.producerEpoch());
                    } else {
                        Optional<ProducerBatch> duplicate = session.check(batch.producerId(), batch.producerEpoch(),
                                batch.baseSequence(), batch.lastSequence());
                        if (duplicate.isPresent()) {
                            ProducerBatch d = duplicate.get();
                            long appendTime = valid.logAppendTime() >= 0 ? d.timestamp() : RecordBatch.NO_TIMESTAMP;
                            return new AppendResult(d.firstOffset(), d.lastOffset(), appendTime, logStartOffset, true);
                        }
                        session.record(batch.producerId(), batch.producerEpoch(), new ProducerBatch(
                                batch.baseSequence(), batch.lastSequence(), next, last, batch.maxTimestamp()));
                    }
                }
                next = last + 1;
            }
            // Everything is accepted: assign offsets and epoch in place (neither field is covered by the CRC).
            long offset = firstOffset;
            for (BatchValidator.ValidBatch vb : valid.batches()) {
                offset += vb.lastOffsetDelta();
                vb.batch().setLastOffset(offset);
                vb.batch().setPartitionLeaderEpoch(leaderEpoch);
                offset++;
            }
            try {
                appendLocked(valid, records, next - 1, now, cfg);
                epochCache.assign(leaderEpoch, firstOffset);
            } catch (IOException e) {
                throw failed("Append", e);
            }
            producerState.commit(session, next);
            flushNeeded = next - recoveryPoint >= cfg.flushMessages();
            result = new AppendResult(firstOffset, next - 1, valid.logAppendTime(), logStartOffset, false);
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
    public AppendResult appendAsFollower(MemoryRecords records) {
        long now = time.milliseconds();
        LogConfig cfg = config;
        BatchValidator.Result valid = BatchValidator.validateReplicated(records);
        boolean flushNeeded;
        AppendResult result;
        lock.lock();
        try {
            checkOpen();
            long leo = end.offset();
            if (valid.batches().isEmpty()) {
                return new AppendResult(leo, leo - 1, RecordBatch.NO_TIMESTAMP, logStartOffset, false);
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
            if (segments.lastEntry().getValue().size() == 0 && end.offset() < firstOffset) {
                // An empty active segment can simply start later (the leader's log had a gap, e.g. compaction).
                replaceEmptyActiveSegment(firstOffset);
            }
            try {
                appendLocked(valid, records, expected - 1, now, cfg);
                ByteBuffer buf = records.buffer();
                BatchHeader header = new BatchHeader();
                for (BatchValidator.ValidBatch vb : valid.batches()) {
                    header.wrap(buf, buf.position() + vb.position(), 0);
                    producerState.replay(header);
                    epochCache.assign(header.partitionLeaderEpoch(), header.baseOffset());
                }
            } catch (IOException e) {
                throw failed("Append", e);
            }
            flushNeeded = expected - recoveryPoint >= cfg.flushMessages();
            result = new AppendResult(firstOffset, expected - 1, RecordBatch.NO_TIMESTAMP, logStartOffset, false);
        } finally {
            lock.unlock();
        }
        if (flushNeeded) {
            flush();
        }
        return result;
    }

    private void replaceEmptyActiveSegment(long newBase) {
        LogSegment empty = segments.lastEntry().getValue();
        try {
            segments.remove(empty.baseOffset);
            scheduleDeletion(List.of(empty));
            LogSegment seg = LogSegment.create(dir, newBase, config.segmentIndexBytes());
            segments.put(newBase, seg);
            end = new LogEnd(newBase, newBase, 0);
            if (logStartOffset == empty.baseOffset && segments.size() == 1) {
                logStartOffset = newBase;
                highWatermark = Math.max(highWatermark, newBase);
            }
            producerState.reset(newBase);
        } catch (IOException e) {
            throw failed("Creating segment " + newBase, e);
        }
    }

    /** Rolls if needed and writes the batches with one write; publishes the new end. Lock held. */
    private void appendLocked(BatchValidator.Result valid, MemoryRecords records, long lastOffset, long now,
                              LogConfig cfg) throws IOException {
        LogSegment segment = segments.lastEntry().getValue();
        if (segment.shouldRoll(cfg, valid.sizeInBytes(), lastOffset, now)) {
            segment = roll();
        }
        int before = segment.size();
        try {
            faults.check(DiskFaults.Op.APPEND, segment.records().file().toPath());
            segment.append(valid, records, cfg.indexIntervalBytes(), now);
        } catch (IOException e) {
            try {
                segment.records().truncateTo(before);
            } catch (IOException | RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        end = new LogEnd(lastOffset + 1, segment.baseOffset, segment.size());
    }

    /** Starts a new segment at the log end offset. Lock held. */
    LogSegment roll() {
        lock.lock();
        try {
            LogEnd e = end;
            LogSegment active = segments.lastEntry().getValue();
            if (active.baseOffset == e.offset()) {
                return active;
            }
            LogSegment seg = LogSegment.create(dir, e.offset(), config.segmentIndexBytes());
            segments.put(e.offset(), seg);
            active.onBecomeInactive();
            end = new LogEnd(e.offset(), e.offset(), 0);
            // Written without fsync under the lock: the flush below makes it durable before the recovery point
            // reaches it, so recovery never starts from a snapshot that may not have reached the disk.
            producerState.takeSnapshotUnsynced();
            producerState.retainSnapshots(SNAPSHOTS_TO_KEEP, segments.firstKey());
            long upTo = e.offset();
            // The old segment is complete: make it durable soon, off the append path, and move the recovery point.
            background.schedule("flush " + topicPartition, () -> flushUpTo(upTo), 0);
            log.debug("Rolled {} at offset {}", topicPartition, e.offset());
            return seg;
        } catch (IOException ex) {
            throw failed("Roll", ex);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public LogReadInfo read(long fetchOffset, int maxBytes, long maxOffset, boolean minOneMessage) {
        checkOnline();
        LogEnd e = end;
        long start = logStartOffset;
        long hw = highWatermark;
        if (fetchOffset < start || fetchOffset > e.offset()) {
            throw new OffsetOutOfRangeException("Offset " + fetchOffset + " is out of range [" + start + ", "
                    + e.offset() + "] of " + topicPartition);
        }
        Records records = MemoryRecords.EMPTY;
        if (fetchOffset < e.offset()) {
            try {
                Map.Entry<Long, LogSegment> entry = segments.floorEntry(fetchOffset);
                while (entry != null && entry.getKey() <= e.segmentBase()) {
                    LogSegment seg = entry.getValue();
                    int maxPosition = seg.baseOffset == e.segmentBase() ? e.position() : seg.size();
                    Records r = seg.read(fetchOffset, maxBytes, maxOffset, maxPosition, minOneMessage);
                    if (r != null) {
                        records = r;
                        break;
                    }
                    entry = segments.higherEntry(entry.getKey());
                }
            } catch (IOException ex) {
                if (fetchOffset < logStartOffset) {
                    // Retention removed the segment under us: the offset is gone, which the client can handle.
                    throw new OffsetOutOfRangeException("Offset " + fetchOffset + " was deleted from "
                            + topicPartition);
                }
                throw failed("Read at " + fetchOffset, ex);
            }
        }
        return new LogReadInfo(records, start, e.offset(), hw);
    }

    @Override
    public long logStartOffset() {
        return logStartOffset;
    }

    @Override
    public long logEndOffset() {
        return end.offset();
    }

    @Override
    public long highWatermark() {
        return highWatermark;
    }

    @Override
    public void updateHighWatermark(long hw) {
        lock.lock();
        try {
            highWatermark = clamp(hw, logStartOffset, end.offset());
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean maybeIncrementHighWatermark(long hw) {
        lock.lock();
        try {
            long next = clamp(hw, logStartOffset, end.offset());
            if (next <= highWatermark) {
                return false;
            }
            highWatermark = next;
            return true;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Optional<TimestampAndOffset> offsetForTimestamp(long timestamp) {
        long start = logStartOffset;
        Long from = segments.floorKey(start);
        try {
            for (LogSegment seg : (from == null ? segments : segments.tailMap(from)).values()) {
                if (seg.maxTimestampSoFar() >= timestamp) {
                    Optional<TimestampAndOffset> found = seg.findOffsetByTimestamp(timestamp, start);
                    if (found.isPresent()) {
                        return found;
                    }
                }
            }
        } catch (IOException e) {
            throw failed("Timestamp lookup", e);
        }
        return Optional.empty();
    }

    @Override
    public Optional<TimestampAndOffset> maxTimestampAndOffset() {
        LogEnd e = end;
        if (e.offset() == logStartOffset) {
            return Optional.empty();
        }
        LogSegment best = null;
        long bestTs = RecordBatch.NO_TIMESTAMP;
        for (LogSegment seg : segments.values()) {
            if (seg.maxTimestampSoFar() > bestTs) {
                bestTs = seg.maxTimestampSoFar();
                best = seg;
            }
        }
        if (best == null) {
            return Optional.of(new TimestampAndOffset(RecordBatch.NO_TIMESTAMP, e.offset() - 1, OptionalInt.empty()));
        }
        try {
            return best.maxTimestampAndOffset();
        } catch (IOException ex) {
            throw failed("Timestamp lookup", ex);
        }
    }

    @Override
    public void advanceLogStartOffset(long newLogStartOffset) {
        lock.lock();
        try {
            if (newLogStartOffset <= logStartOffset) {
                return;
            }
            if (newLogStartOffset > end.offset()) {
                throw new OffsetOutOfRangeException("Cannot move the log start of " + topicPartition + " to "
                        + newLogStartOffset + ", past the log end offset " + end.offset());
            }
            logStartOffset = newLogStartOffset;
            highWatermark = Math.max(highWatermark, newLogStartOffset);
            epochCache.truncateFromStart(newLogStartOffset);
        } catch (IOException e) {
            throw failed("Moving the log start offset", e);
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
            checkOpen();
            if (offset >= end.offset()) {
                return;
            }
            truncations++;
            if (offset <= logStartOffset) {
                truncateFullyAndStartAt(offset);
                return;
            }
            List<LogSegment> removed = new ArrayList<>(segments.tailMap(offset, true).values());
            for (LogSegment seg : removed) {
                segments.remove(seg.baseOffset);
            }
            LogSegment last = segments.lastEntry().getValue();
            last.truncateTo(offset);
            if (!removed.isEmpty()) {
                last.makeActive(config.segmentIndexBytes());
            }
            scheduleDeletion(removed);
            long newEnd = last.readNextOffset();
            truncationPoint = Math.min(truncationPoint, newEnd);
            end = new LogEnd(newEnd, last.baseOffset, last.size());
            epochCache.truncateFromEnd(newEnd);
            rebuildProducerState(newEnd);
            highWatermark = Math.min(highWatermark, newEnd);
            recoveryPoint = Math.min(recoveryPoint, newEnd);
            log.info("Truncated {} to offset {} (requested {})", topicPartition, newEnd, offset);
        } catch (IOException e) {
            throw failed("Truncation", e);
        } finally {
            lock.unlock();
        }
    }

    /** Deletes every segment and starts empty at {@code offset}. Lock held. */
    private void truncateFullyAndStartAt(long offset) throws IOException {
        List<LogSegment> removed = new ArrayList<>(segments.values());
        segments.clear();
        scheduleDeletion(removed);
        LogSegment seg = LogSegment.create(dir, offset, config.segmentIndexBytes());
        segments.put(offset, seg);
        end = new LogEnd(offset, offset, 0);
        truncationPoint = Math.min(truncationPoint, offset);
        logStartOffset = offset;
        highWatermark = offset;
        recoveryPoint = offset;
        epochCache.truncateFromEnd(Long.MIN_VALUE);
        producerState.deleteSnapshotsAbove(-1);
        producerState.reset(offset);
        log.info("Truncated {} fully, now starting at {}", topicPartition, offset);
    }

    /** Reloads producer state from the latest snapshot at or below {@code upTo} and replays the log after it. */
    private void rebuildProducerState(long upTo) throws IOException {
        producerState.deleteSnapshotsAbove(upTo);
        Optional<Long> snapshot = producerState.loadLatestSnapshotAtOrBelow(upTo);
        long from = snapshot.orElse(segments.firstKey());
        if (snapshot.isEmpty()) {
            producerState.reset(from);
        }
        Long first = segments.floorKey(from);
        for (LogSegment seg : (first == null ? segments : segments.tailMap(first)).values()) {
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
    public Optional<EpochEntry> latestEpoch() {
        return epochCache.latest();
    }

    @Override
    public Optional<EpochEntry> endOffsetForEpoch(int epoch) {
        return epochCache.endOffsetFor(epoch, end.offset());
    }

    List<EpochEntry> epochEntries() {
        return epochCache.entries();
    }

    @Override
    public List<ActiveProducer> activeProducers() {
        lock.lock();
        try {
            List<ActiveProducer> active = new ArrayList<>();
            for (ProducerEntry e : producerState.producers().values()) {
                ProducerBatch last = e.lastBatch();
                active.add(new ActiveProducer(e.producerId(), e.epoch(), last == null ? -1 : last.lastSeq(),
                        last == null ? -1 : last.timestamp()));
            }
            return active;
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
            if (closed || offline) {
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
        long size = 0;
        for (LogSegment seg : segments.values()) {
            size += seg.size();
        }
        return size;
    }

    @Override
    public void flush() {
        flushUpTo(end.offset());
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
        checkOnline();
        long from = recoveryPoint;
        if (offset <= from || closed) {
            return;
        }
        long generation;
        List<Path> snapshots;
        lock.lock();
        try {
            generation = truncations;
            snapshots = producerState.takeUnsyncedSnapshotsUpTo(offset);
        } finally {
            lock.unlock();
        }
        Long first = segments.floorKey(from);
        for (LogSegment seg : segments.subMap(first == null ? Long.MIN_VALUE : first, true, offset, false).values()) {
            try {
                faults.check(DiskFaults.Op.FLUSH, seg.records().file().toPath());
                seg.flush();
            } catch (IOException | RuntimeException e) {
                if (closed || segments.get(seg.baseOffset) != seg) {
                    continue; // closed, deleted or truncated away meanwhile: nothing to make durable
                }
                throw failed("Flush", e);
            }
        }
        try {
            epochCache.flush();
            for (Path snapshot : snapshots) {
                Utils.flushFileIfExists(snapshot); // retention may have deleted it meanwhile
            }
            if (!snapshots.isEmpty()) {
                Utils.flushDir(dir);
            }
        } catch (IOException e) {
            if (!closed) {
                throw failed("Flush", e);
            }
        }
        lock.lock();
        try {
            if (generation == truncations && !offline) {
                recoveryPoint = Math.max(recoveryPoint, Math.min(offset, end.offset()));
            }
            lastFlushTimeMs = time.milliseconds();
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
        List<LogSegment> deletable;
        lock.lock();
        try {
            if (closed || offline) {
                return 0;
            }
            List<LogSegment> all = new ArrayList<>(segments.values());
            List<RetentionPolicy.SegmentStats> stats = new ArrayList<>(all.size());
            for (LogSegment seg : all) {
                stats.add(new RetentionPolicy.SegmentStats(seg.baseOffset, seg.size(), seg.largestTimestamp()));
            }
            int count = RetentionPolicy.deletableCount(stats, logStartOffset, highWatermark, config,
                    time.milliseconds());
            if (count == 0) {
                return 0;
            }
            deletable = all.subList(0, count);
            for (LogSegment seg : deletable) {
                segments.remove(seg.baseOffset);
            }
            long newStart = Math.max(logStartOffset, segments.firstKey());
            if (newStart > logStartOffset) {
                logStartOffset = newStart;
                epochCache.truncateFromStart(newStart);
            }
            producerState.retainSnapshots(SNAPSHOTS_TO_KEEP, segments.firstKey());
            scheduleDeletion(deletable);
        } catch (IOException e) {
            throw failed("Retention", e);
        } finally {
            lock.unlock();
        }
        log.info("Deleted {} segments of {} by retention; log start offset is now {}", deletable.size(),
                topicPartition, logStartOffset);
        return deletable.size();
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
     * What the cleaner needs, read consistently under the lock.
     *
     * @param segments        every segment by base offset, the last one active
     * @param generation      the truncation count, to be passed back to {@link #replaceSegments}
     * @param lastDataOffsets per idempotent producer, the last offset of its last data batch: such batches are
     *                        kept (possibly empty) so that the producer state can be rebuilt from the log
     */
    record CleaningView(List<LogSegment> segments, long logStartOffset, long highWatermark, long generation,
                        Map<Long, Long> lastDataOffsets, LogConfig config) {
        LogSegment active() {
            return segments.get(segments.size() - 1);
        }
    }

    /** A view for the cleaner, or empty once the log is closed or offline. */
    Optional<CleaningView> cleaningView() {
        lock.lock();
        try {
            if (closed || offline) {
                return Optional.empty();
            }
            Map<Long, Long> lastData = new java.util.HashMap<>();
            producerState.producers().forEach((pid, entry) -> {
                ProducerBatch last = entry.lastBatch();
                if (last != null) {
                    lastData.put(pid, last.lastOffset());
                }
            });
            return Optional.of(new CleaningView(List.copyOf(segments.values()), logStartOffset, highWatermark,
                    truncations, lastData, config));
        } finally {
            lock.unlock();
        }
    }

    /** The lowest offset this log was truncated to since the previous call, or Long.MAX_VALUE; resets it. */
    long takeTruncationPoint() {
        lock.lock();
        try {
            long point = truncationPoint;
            truncationPoint = Long.MAX_VALUE;
            return point;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Replaces consecutive inactive segments by their cleaned version, following {@link SegmentSwap}'s protocol.
     * Readers never see a hole: the cleaned segment takes the first old segment's place before the others leave,
     * and the old files stay readable until deleted after {@code log.segment.delete.delay.ms}.
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
            if (closed || offline || truncations != generation || old.isEmpty()) {
                return false;
            }
            for (LogSegment seg : old) {
                if (segments.get(seg.baseOffset) != seg || segments.lastEntry().getValue() == seg) {
                    return false;
                }
            }
            cleaned.changeSuffix(LogSegment.CLEANED_SUFFIX, LogSegment.SWAP_SUFFIX, true, afterStep);
            SegmentSwap.fsyncDirectory(dir);
            segments.put(cleaned.baseOffset, cleaned);
            for (LogSegment seg : old) {
                if (seg.baseOffset != cleaned.baseOffset) {
                    segments.remove(seg.baseOffset);
                }
            }
            for (LogSegment seg : old) {
                seg.renameForDeletion();
                afterStep.run();
            }
            cleaned.changeSuffix(LogSegment.SWAP_SUFFIX, "", false, afterStep);
            SegmentSwap.fsyncDirectory(dir);
            SegmentSwap.deleteEnd(dir, cleaned.baseOffset);
            afterStep.run();
            deleteFilesLater(old);
            return true;
        } catch (IOException e) {
            throw failed("Swapping in cleaned segment " + cleaned.baseOffset, e);
        } finally {
            lock.unlock();
        }
    }

    private void checkOpen() {
        checkOnline();
        if (closed) {
            throw new KafkaStorageException("Log " + topicPartition + " is closed");
        }
    }

    private void checkOnline() {
        if (offline) {
            throw new KafkaStorageException("Log " + topicPartition + " is offline: its log directory "
                    + dir.getParent() + " failed");
        }
    }

    /**
     * Takes this log and its log directory offline after an I/O error ({@link LogDirFailureChannel}).
     *
     * @return the exception for the caller to throw
     */
    private KafkaStorageException failed(String what, Throwable cause) {
        offline = true;
        String message = what + " of " + topicPartition + " failed";
        failures.report(dir.getParent(), message, cause);
        return new KafkaStorageException(message + "; log directory " + dir.getParent() + " is offline", cause);
    }

    /** Another log of the directory failed: refuse everything from now on (no lock: the caller may hold others). */
    void markOffline() {
        offline = true;
    }

    boolean isOffline() {
        return offline;
    }

    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            if (offline) {
                closeHandles();
                return;
            }
            closed = true;
            for (LogSegment seg : segments.values()) {
                seg.close();
            }
            producerState.takeSnapshot();
            epochCache.flush();
            recoveryPoint = end.offset();
        } catch (IOException e) {
            closeHandles();
            throw failed("Close", e);
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
            closeHandles();
        } finally {
            lock.unlock();
        }
    }

    private void closeHandles() {
        closed = true;
        for (LogSegment seg : segments.values()) {
            try {
                seg.records().closeHandlers();
            } catch (IOException e) {
                log.debug("Closing {} of {}: {}", seg, topicPartition, e.toString());
            }
        }
    }

    @Override
    public String toString() {
        return "FileLog(" + topicPartition + ", start=" + logStartOffset + ", end=" + end.offset() + ")";
    }
}
