package io.strata.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.OffsetOutOfRangeException;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.Records;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The file-based {@link Log}, as Kafka's {@code UnifiedLog}: the {@link LocalLog} of segments plus what a partition
 * keeps on top of them, the idempotent producer state, the leader epoch cache, the log start offset and the high
 * watermark ({@link LogOffsets}), and the policies that use them on appends, reads and truncation. What the
 * manager's background tasks and the cleaner do to the log (flush, retention, producer expiration, cleaning swaps)
 * is its {@link LogMaintenance}, which shares its lock.
 *
 * <p>Thread-safety: appends, roll, truncation, retention, cleaning swaps and close hold {@link #lock}. Reads take no
 * lock: they read the log end published by {@link LocalLog} and the {@link LogOffsets} published here, each one
 * volatile immutable record, so the log start offset and high watermark a reader sees always belong together.
 * Flushing does its fsyncs without the lock and then advances the recovery point under it, unless a truncation
 * happened meanwhile.
 */
final class FileLog implements Log {
    private static final Logger log = LoggerFactory.getLogger(FileLog.class);

    private final TopicPartition topicPartition;
    private final Uuid topicId;
    private final Time time;
    private final BackgroundTasks background;
    private final ReentrantLock lock = new ReentrantLock();
    private final LocalLog local;
    private final ProducerStateManager producerState;
    private final LeaderEpochCache epochCache;
    private final LogOffsets offsets;
    private final LogMaintenance maintenance;
    private volatile LogConfig config;

    FileLog(TopicPartition topicPartition, Uuid topicId, Path dir, LogConfig config, LogLoader.Env env,
            LogSegments segments, ProducerStateManager producerState, LeaderEpochCache epochCache,
            long logStartOffset, long recoveryPoint, long highWatermark) throws IOException {
        this.topicPartition = topicPartition;
        this.topicId = topicId;
        this.config = config;
        this.time = env.time();
        this.background = env.background();
        this.local = new LocalLog(topicPartition, dir, segments, recoveryPoint, time.milliseconds(),
                env.background(), env.fileDeleteDelayMs(), env.failures(), env.faults(), env.space());
        this.producerState = producerState;
        this.epochCache = epochCache;
        this.offsets = new LogOffsets(logStartOffset, highWatermark, local.end().offset());
        refreshLastStable();
        this.maintenance = new LogMaintenance(topicPartition, lock, local, offsets, producerState, epochCache,
                this::config, time);
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
    public AppendResult appendAsLeader(MemoryRecords records, int leaderEpoch, TxnVerification verification) {
        return appendAsLeader(records, leaderEpoch, false, verification);
    }

    @Override
    public AppendResult appendTxnMarker(long producerId, short producerEpoch, int coordinatorEpoch, boolean commit,
                                        int leaderEpoch) {
        MemoryRecords marker = TxnMarker.endTxnBatch(producerId, producerEpoch, coordinatorEpoch, commit,
                time.milliseconds());
        return appendAsLeader(marker, leaderEpoch, true, TxnVerification.NONE);
    }

    @Override
    public Optional<VerificationGuard> startTransactionVerification(long producerId, short producerEpoch,
                                                                    boolean transactionsV2) {
        lock.lock();
        try {
            local.checkOpen();
            return producerState.startVerification(producerId, producerEpoch, transactionsV2, time.milliseconds());
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void clearVerificationGuards() {
        lock.lock();
        try {
            producerState.clearVerificationGuards();
        } finally {
            lock.unlock();
        }
    }

    private AppendResult appendAsLeader(MemoryRecords records, int leaderEpoch, boolean coordinator,
                                        TxnVerification verification) {
        long now = time.milliseconds();
        LogConfig cfg = config;
        BatchValidator.Result valid = coordinator ? BatchValidator.validateMarker(records, cfg, now)
                : BatchValidator.validate(records, cfg, now);
        Optional<MemoryRecords> recompressed = Recompressor.recompress(records, cfg, now);
        if (recompressed.isPresent()) {
            // The rewritten batches are validated again: their size against max.message.bytes, as Kafka does.
            records = recompressed.get();
            valid = BatchValidator.validate(records, cfg, now);
        }
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
            Optional<ProducerBatch> duplicate = session.checkAndRecord(valid.batches(), firstOffset,
                    verification);
            if (duplicate.isPresent()) {
                ProducerBatch d = duplicate.get();
                long appendTime = valid.logAppendTime() >= 0 ? d.timestamp() : RecordBatch.NO_TIMESTAMP;
                return new AppendResult(d.firstOffset(), d.lastOffset(), appendTime, logStart, true);
            }
            long next = valid.assignOffsets(firstOffset, leaderEpoch);
            try {
                // The epoch first: if its checkpoint cannot be written, nothing is appended. An epoch starting at
                // the log end with no batch (the append then fails) is what a new leader records anyway.
                epochCache.assign(leaderEpoch, firstOffset);
                appendLocked(valid, records, next - 1, now, cfg);
            } catch (IOException e) {
                throw local.failedWrite("Append", e);
            }
            indexAborts(producerState.commit(session, next));
            refreshLastStable();
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
                    Optional<AbortedTxn> aborted = producerState.replay(header);
                    if (aborted.isPresent()) {
                        indexAborts(List.of(aborted.get()));
                    }
                    epochCache.assign(header.partitionLeaderEpoch(), header.baseOffset());
                }
                refreshLastStable();
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

    /** Adds aborts whose markers were just appended to the active segment's {@code .txnindex}. Lock held. */
    private void indexAborts(List<AbortedTxn> aborted) {
        try {
            for (AbortedTxn a : aborted) {
                local.segments().active().txnIndex().append(a);
            }
        } catch (IOException e) {
            // The marker is in the log but not in the index: read_committed would return aborted data. Taking the
            // directory offline makes the next load recover the segment, which rebuilds the index.
            throw local.failed("Indexing an aborted transaction", e);
        }
    }

    /**
     * Publishes the first unstable offset after a change of the producer state or the high watermark, so that
     * the last stable offset readers compute belongs to the same high watermark. Lock held (or construction).
     */
    private void refreshLastStable() {
        producerState.onHighWatermarkUpdated(offsets.highWatermark());
        offsets.setFirstUnstable(producerState.firstUnstableOffset());
    }

    /** Replaces the empty active segment by one at {@code newBase}. Lock held. */
    private void startEmptyAt(long newBase) throws IOException {
        long emptyBase = local.segments().active().baseOffset;
        local.replaceEmptyActiveSegment(newBase, config.segmentIndexBytes());
        if (offsets.logStart() == emptyBase && local.segments().size() == 1) {
            offsets.moveLogStart(newBase);
        }
        producerState.reset(newBase);
        refreshLastStable();
    }

    /**
     * Rolls if needed and writes the batches with one write. Lock held.
     *
     * @throws org.apache.kafka.common.errors.KafkaStorageException when the log directory is full or the write
     *         fails; the log is then as it was, except for a roll that completed
     */
    private void appendLocked(BatchValidator.Result valid, MemoryRecords records, long lastOffset, long now,
                              LogConfig cfg) throws IOException {
        local.reserveSpace(valid.sizeInBytes());
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
            producerState.snapshots().retain(LogMaintenance.SNAPSHOTS_TO_KEEP, local.segments().firstBase());
            // The old segment is complete: make it durable soon, off the append path, and move the recovery point.
            background.schedule("flush " + topicPartition, () -> maintenance.flushUpTo(at), 0);
            return seg;
        } catch (IOException ex) {
            // Out of space, the roll either did not happen or left a complete new segment, only without the
            // producer snapshot (recovery then replays from an older one).
            throw local.failedWrite("Roll", ex);
        } catch (UncheckedIOException ex) {
            throw local.failedWrite("Roll", ex.getCause());
        } finally {
            lock.unlock();
        }
    }

    @Override
    public LogReadInfo read(long fetchOffset, int maxBytes, long maxOffset, boolean minOneMessage) {
        local.checkOnline();
        LocalLog.LogEnd e = local.end();
        LogOffsets.Snapshot o = offsets.get();
        if (fetchOffset < o.logStart() || fetchOffset > e.offset()) {
            throw new OffsetOutOfRangeException("Offset " + fetchOffset + " is out of range [" + o.logStart() + ", "
                    + e.offset() + "] of " + topicPartition);
        }
        Records records = fetchOffset < e.offset()
                ? local.read(e, fetchOffset, maxBytes, maxOffset, minOneMessage, this::logStartOffset)
                : MemoryRecords.EMPTY;
        return new LogReadInfo(records, o.logStart(), e.offset(), o.highWatermark(), o.lastStableOffset());
    }

    @Override
    public long lastStableOffset() {
        return offsets.get().lastStableOffset();
    }

    @Override
    public List<AbortedTxn> abortedTransactions(long from, long upTo) {
        List<AbortedTxn> result = new ArrayList<>();
        for (LogSegment seg : local.segments().from(from)) {
            // Kafka's stopping rule: an abort recorded when the partition was stable at or past upTo means no
            // transaction overlapping [from, upTo) can have its marker in a later segment.
            boolean complete = false;
            for (AbortedTxn t : seg.txnIndex().collect(from, upTo)) {
                result.add(t);
                complete |= t.lastStableOffset() >= upTo;
            }
            if (complete) {
                break;
            }
        }
        return result;
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
            offsets.setHighWatermark(hw, local.end().offset());
            refreshLastStable();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean maybeIncrementHighWatermark(long hw) {
        lock.lock();
        try {
            boolean moved = offsets.maybeIncrementHighWatermark(hw, local.end().offset());
            if (moved) {
                refreshLastStable();
            }
            return moved;
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
            if (newLogStartOffset <= offsets.logStart()) {
                return;
            }
            long endOffset = local.end().offset();
            if (newLogStartOffset > endOffset) {
                throw new OffsetOutOfRangeException("Cannot move the log start of " + topicPartition + " to "
                        + newLogStartOffset + ", past the log end offset " + endOffset);
            }
            offsets.moveLogStart(newLogStartOffset);
            refreshLastStable();
            epochCache.truncateFromStart(newLogStartOffset);
        } catch (IOException e) {
            // Only the leader epoch checkpoint was written: the move holds, and the next change rewrites it.
            throw local.failedWrite("Moving the log start offset", e);
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
            producerState.rebuildUpTo(newEnd, local.segments());
            offsets.truncatedTo(newEnd);
            refreshLastStable();
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
        offsets.startOverAt(offset);
        epochCache.truncateFromEnd(Long.MIN_VALUE);
        producerState.snapshots().deleteAbove(-1);
        producerState.reset(offset);
        refreshLastStable();
        log.info("Truncated {} fully, now starting at {}", topicPartition, offset);
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
            throw local.failedWrite("Leader epoch assignment", e);
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

    /** The background side of this log: flush, retention, producer expiration, the cleaner's access. */
    LogMaintenance maintenance() {
        return maintenance;
    }

    ProducerStateManager producerStateForTesting() {
        return producerState;
    }

    @Override
    public long sizeInBytes() {
        return local.segments().sizeInBytes();
    }

    @Override
    public int numberOfSegments() {
        return local.segments().size();
    }

    @Override
    public void flush() {
        maintenance.flushUpTo(local.end().offset());
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
