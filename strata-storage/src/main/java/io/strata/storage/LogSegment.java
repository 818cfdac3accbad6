package io.strata.storage;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.kafka.common.record.internal.FileRecords;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.Records;

/**
 * One segment of a log: the {@code .log} file of batches starting at {@link #baseOffset}, its indexes, and when it
 * started for {@code segment.ms}. Keeping the offset and time indexes in step with the batches is its
 * {@link SegmentIndexes}', locating and slicing batches for reads its {@link SegmentReader}'s.
 *
 * <p>Thread-safety: mutations (append, truncate, recover, roll-related calls) are made under the owning log's lock.
 * Reads are lock-free: the caller passes the end position it may read up to (from the log's volatile end), index
 * lookups are lock-free, and the mutable fields read by other threads are volatile.
 */
final class LogSegment {
    /**
     * Outcome of a scan.
     *
     * @param validBytes the position after the last good batch
     * @param nextOffset the offset after the last good batch, or -1 if the scan saw none
     * @param problem    why the scan stopped early, or null when it reached the end
     */
    record ScanResult(int validBytes, long nextOffset, String problem) {
    }

    /** Sees each batch of a scan. */
    @FunctionalInterface
    interface BatchVisitor {
        BatchVisitor NONE = h -> { };

        void visit(BatchHeader header) throws IOException;
    }

    /** What an append changes in a segment, taken before it so that a failed append can be undone. */
    record Mark(int size, SegmentIndexes.Mark indexes, long rollingBaseTimeMs) {
    }

    final long baseOffset;
    private final FileRecords log;
    private final SegmentIndexes indexes;
    private final OffsetIndex offsetIndex;
    private final TimeIndex timeIndex;
    private final TransactionIndex txnIndex;
    private final SegmentReader reader;
    private volatile long rollingBaseTimeMs = -1;
    /** This segment's random draw for segment.jitter.ms, so that partitions created together roll apart. */
    private final long rollJitterDraw = ThreadLocalRandom.current().nextLong(Long.MAX_VALUE);

    private LogSegment(long baseOffset, FileRecords log, SegmentIndexes indexes, TransactionIndex txnIndex) {
        this.baseOffset = baseOffset;
        this.log = log;
        this.indexes = indexes;
        this.offsetIndex = indexes.offsetIndex();
        this.timeIndex = indexes.timeIndex();
        this.txnIndex = txnIndex;
        this.reader = new SegmentReader(log, offsetIndex, timeIndex);
    }

    /** Creates an empty segment, replacing stale files of the same name. */
    static LogSegment create(Path dir, long baseOffset, int maxIndexSize) throws IOException {
        SegmentFiles.deleteIfExist(dir, baseOffset, "");
        return open(dir, baseOffset, maxIndexSize);
    }

    /**
     * Creates an empty segment in a directory known to hold none of its files (a partition directory created just
     * now): {@link #create} without the deletions of stale files.
     */
    static LogSegment createInEmptyDirectory(Path dir, long baseOffset, int maxIndexSize) throws IOException {
        return open(dir, baseOffset, maxIndexSize, "");
    }

    /**
     * Opens an existing segment (creating missing files). Indexes are mapped at {@code maxIndexSize} if positive
     * (active segment), as they are otherwise; missing or insane indexes are flagged for rebuild.
     */
    static LogSegment open(Path dir, long baseOffset, int maxIndexSize) throws IOException {
        return open(dir, baseOffset, maxIndexSize, "");
    }

    /** Creates an empty segment whose files carry {@link SegmentFiles#CLEANED_SUFFIX}, for the cleaner to fill. */
    static LogSegment createCleaned(Path dir, long baseOffset, int maxIndexSize) throws IOException {
        SegmentFiles.deleteIfExist(dir, baseOffset, SegmentFiles.CLEANED_SUFFIX);
        return open(dir, baseOffset, maxIndexSize, SegmentFiles.CLEANED_SUFFIX);
    }

    private static LogSegment open(Path dir, long baseOffset, int maxIndexSize, String suffix) throws IOException {
        File logF = SegmentFiles.file(dir, baseOffset, SegmentFiles.Kind.LOG, suffix).toFile();
        TransactionIndex txnIndex = new TransactionIndex(
                SegmentFiles.file(dir, baseOffset, SegmentFiles.Kind.TXN_INDEX, suffix).toFile());
        FileRecords records = FileRecords.open(logF, true, 0, false);
        SegmentIndexes indexes = SegmentIndexes.open(
                SegmentFiles.file(dir, baseOffset, SegmentFiles.Kind.INDEX, suffix).toFile(),
                SegmentFiles.file(dir, baseOffset, SegmentFiles.Kind.TIME_INDEX, suffix).toFile(), baseOffset,
                records.sizeInBytes(), txnIndex, maxIndexSize);
        return new LogSegment(baseOffset, records, indexes, txnIndex);
    }

    boolean indexesNeedRebuild() {
        return indexes.needRebuild();
    }

    int size() {
        return log.sizeInBytes();
    }

    FileRecords records() {
        return log;
    }

    OffsetIndex offsetIndex() {
        return offsetIndex;
    }

    TimeIndex timeIndex() {
        return timeIndex;
    }

    /** The aborted transactions whose ABORT marker is in this segment. */
    TransactionIndex txnIndex() {
        return txnIndex;
    }

    long maxTimestampSoFar() {
        return indexes.maxTimestamp();
    }

    /** The largest record timestamp, or the file's modification time when no record carries one (retention). */
    long largestTimestamp() {
        long ts = indexes.maxTimestamp();
        return ts >= 0 ? ts : log.file().lastModified();
    }

    /** Whether the next append of {@code bytes} ending at {@code lastOffset} must go to a new segment. */
    boolean shouldRoll(LogConfig config, int bytes, long lastOffset, long nowMs) {
        int size = log.sizeInBytes();
        if (size == 0) {
            return false;
        }
        long base = rollingBaseTimeMs;
        // A compacted log rolls by max.compaction.lag.ms too: the active segment is never cleaned (KIP-354).
        long rollMs = config.compact() ? Math.min(config.segmentMs(), config.maxCompactionLagMs())
                : config.segmentMs();
        if (config.segmentJitterMs() > 0) {
            // Kafka's jitter: up to min(segment.jitter.ms, segment.ms) earlier, fixed per segment.
            rollMs -= rollJitterDraw % Math.min(config.segmentJitterMs(), config.segmentMs());
        }
        return (long) size + bytes > config.segmentBytes()
                || (base >= 0 && nowMs - base > rollMs)
                || indexes.isFull()
                || lastOffset - baseOffset > Integer.MAX_VALUE;
    }

    /** Sets when this segment started for {@code segment.ms} after a reload: its first batch time, or now. */
    void initRollingBaseTime(long nowMs) throws IOException {
        if (log.sizeInBytes() >= BatchHeader.HEADER_SIZE) {
            ByteBuffer header = ByteBuffer.allocate(BatchHeader.HEADER_SIZE);
            log.readInto(header, 0);
            long ts = header.getLong(BatchHeader.MAX_TIMESTAMP);
            rollingBaseTimeMs = ts > 0 && ts <= nowMs ? ts : nowMs;
        }
    }

    /**
     * Appends validated batches whose offsets are already assigned, with one write, and adds index entries every
     * {@code indexIntervalBytes}.
     */
    void append(BatchValidator.Result batches, MemoryRecords records, int indexIntervalBytes, long nowMs)
            throws IOException {
        int position = log.sizeInBytes();
        if (position == 0) {
            rollingBaseTimeMs = nowMs;
        }
        log.append(records);
        try {
            for (BatchValidator.ValidBatch vb : batches.batches()) {
                RecordBatch batch = vb.batch();
                indexes.onBatch(batch.lastOffset(), batch.maxTimestamp(), position + vb.position(), vb.size(),
                        indexIntervalBytes);
            }
        } catch (UncheckedIOException e) {
            throw e.getCause(); // an index could not be opened or written: the caller rolls the append back
        }
    }

    /** The state an append starts from, for {@link #rollBack}. */
    Mark mark() {
        return new Mark(log.sizeInBytes(), indexes.mark(), rollingBaseTimeMs);
    }

    /**
     * Undoes a failed {@link #append}: the file is cut back to where it ended (a partial write included) and the
     * indexes and the append state are as at {@code mark}. Nothing of the append was published to readers.
     */
    void rollBack(Mark mark) throws IOException {
        log.truncateTo(mark.size());
        indexes.rollBack(mark.indexes());
        rollingBaseTimeMs = mark.rollingBaseTimeMs();
    }

    /**
     * Appends batches written by the cleaner (offsets already final) and indexes them like appends. Only for a
     * segment created by {@link #createCleaned}, by the one thread filling it.
     */
    void appendCleaned(MemoryRecords records, int indexIntervalBytes) throws IOException {
        int position = log.sizeInBytes();
        log.append(records);
        ByteBuffer buf = records.buffer();
        BatchHeader h = new BatchHeader();
        int at = buf.position();
        while (at < buf.limit()) {
            h.wrap(buf, at, position + at - buf.position());
            indexes.onBatch(h.lastOffset(), h.maxTimestamp(), h.filePosition(), h.sizeInBytes(), indexIntervalBytes);
            at += h.sizeInBytes();
        }
    }

    /** The max timestamp of the first batch, or -1 when empty ({@code max.compaction.lag.ms}). */
    long firstBatchTimestamp() throws IOException {
        if (log.sizeInBytes() < BatchHeader.HEADER_SIZE) {
            return RecordBatch.NO_TIMESTAMP;
        }
        ByteBuffer header = ByteBuffer.allocate(BatchHeader.HEADER_SIZE);
        log.readInto(header, 0);
        return header.getLong(BatchHeader.MAX_TIMESTAMP);
    }

    /**
     * Renames the files from suffix {@code from} to {@code to} (suffixes after {@code .log}/{@code .index}...).
     * With {@code logLast} the indexes go first, so that the log file's name is the one that commits the change;
     * otherwise the log goes first. {@code afterEach} runs after every rename (crash tests).
     */
    void changeSuffix(String from, String to, boolean logLast, Runnable afterEach) throws IOException {
        if (logLast) {
            renameIndexes(from, to, afterEach);
            log.renameTo(SegmentFiles.withState(log.file(), from, to));
            afterEach.run();
        } else {
            log.renameTo(SegmentFiles.withState(log.file(), from, to));
            afterEach.run();
            renameIndexes(from, to, afterEach);
        }
    }

    private void renameIndexes(String from, String to, Runnable afterEach) throws IOException {
        offsetIndex.renameTo(SegmentFiles.withState(offsetIndex.file(), from, to));
        afterEach.run();
        // The aborted-transaction index goes with the time index, as one step: both are indexes the log's name
        // commits, and recovery treats a stray one the same way.
        txnIndex.renameTo(SegmentFiles.withState(txnIndex.file(), from, to));
        timeIndex.renameTo(SegmentFiles.withState(timeIndex.file(), from, to));
        afterEach.run();
    }

    /** The log file's modification time, which retention uses when no record carries a timestamp. */
    long lastModified() {
        return log.file().lastModified();
    }

    void setLastModified(long ms) {
        // Best effort, as in Kafka: only time retention of timestamp-less data depends on it.
        boolean ignored = log.file().setLastModified(ms);
    }

    /**
     * Walks the batches from {@code from}. With {@code rebuildIndexes} (from 0 only) the indexes and the max
     * timestamp are recomputed as if the batches were appended; with {@code verify} every batch's CRC and offset
     * order is checked and the walk stops at the first bad one.
     */
    ScanResult scan(int from, boolean verify, boolean rebuildIndexes, int indexIntervalBytes, BatchVisitor visitor)
            throws IOException {
        if (rebuildIndexes) {
            indexes.reset();
            from = 0;
        }
        int end = log.sizeInBytes();
        SegmentScanner scanner = new SegmentScanner(log.channel(), from, end, verify);
        long nextOffset = -1;
        while (true) {
            SegmentScanner.Status status = scanner.next();
            if (status == SegmentScanner.Status.END) {
                return new ScanResult(end, nextOffset, null);
            }
            if (status == SegmentScanner.Status.INVALID) {
                return new ScanResult(scanner.position(), nextOffset, scanner.problem());
            }
            BatchHeader h = scanner.header();
            if (verify && (h.baseOffset() < Math.max(baseOffset, nextOffset)
                    || h.lastOffset() - baseOffset > Integer.MAX_VALUE)) {
                return new ScanResult(scanner.position(), nextOffset, "offset " + h.baseOffset() + " out of order");
            }
            if (rebuildIndexes) {
                indexes.onBatch(h.lastOffset(), h.maxTimestamp(), h.filePosition(), h.sizeInBytes(),
                        indexIntervalBytes);
            }
            visitor.visit(h);
            nextOffset = h.lastOffset() + 1;
        }
    }

    /**
     * Re-validates the whole segment, rebuilds its indexes and truncates the file at the first invalid byte.
     *
     * @return the scan result; {@code problem} is non-null when bytes were truncated
     */
    ScanResult recover(int indexIntervalBytes, BatchVisitor visitor) throws IOException {
        // The visitor re-adds the aborts (producer state replay knows where each aborted transaction began).
        txnIndex.reset();
        ScanResult result = scan(0, true, true, indexIntervalBytes, visitor);
        if (result.problem() != null) {
            log.truncateTo(result.validBytes());
        }
        return result;
    }

    /** The offset after the last batch, found by scanning headers from the last index entry. */
    long readNextOffset() throws IOException {
        if (log.sizeInBytes() == 0) {
            return baseOffset;
        }
        ScanResult r = scan(offsetIndex.lastPosition(), false, false, 0, BatchVisitor.NONE);
        return r.nextOffset() < 0 ? baseOffset : r.nextOffset();
    }

    /**
     * Reads whole batches starting with the one containing {@code fetchOffset} ({@link SegmentReader#read}).
     *
     * @return a file slice (possibly empty), or null when this segment holds no batch at or after fetchOffset
     */
    Records read(long fetchOffset, int maxBytes, long maxOffset, int maxPosition, boolean minOneMessage)
            throws IOException {
        return reader.read(fetchOffset, maxBytes, maxOffset, maxPosition, minOneMessage);
    }

    /** The first record at or after {@code timestamp} with an offset of at least {@code minOffset}. */
    Optional<TimestampAndOffset> findOffsetByTimestamp(long timestamp, long minOffset) throws IOException {
        return reader.findOffsetByTimestamp(timestamp, minOffset);
    }

    /** The first record carrying this segment's largest timestamp, or empty if none has a timestamp. */
    Optional<TimestampAndOffset> maxTimestampAndOffset() throws IOException {
        long ts = indexes.maxTimestamp();
        long offset = indexes.offsetOfMaxTimestamp();
        return ts < 0 ? Optional.empty() : reader.recordWithTimestamp(ts, offset);
    }

    /**
     * Removes the batches containing offsets at or above {@code offset}.
     *
     * @return the number of bytes removed
     */
    int truncateTo(long offset) throws IOException {
        SegmentReader.BatchLocation loc = reader.locate(offset, offsetIndex.lookup(offset), log.sizeInBytes());
        if (loc == null) {
            return 0;
        }
        indexes.truncateTo(offset);
        txnIndex.truncateTo(offset);
        int removed = log.sizeInBytes() - loc.position();
        log.truncateTo(loc.position());
        scan(indexes.restartAfterTruncation(), false, false, 0, indexes::onTruncatedBatch);
        if (log.sizeInBytes() == 0) {
            rollingBaseTimeMs = -1;
        }
        return removed;
    }

    /** Lets an inactive segment take appends again (after truncation made it the last one). */
    void makeActive(int maxIndexSize) {
        indexes.makeActive(maxIndexSize);
    }

    /** Called when a newer segment takes over: records the final max timestamp and trims the indexes. */
    void onBecomeInactive() {
        indexes.complete(log.sizeInBytes() > 0);
    }

    void flush() throws IOException {
        log.flush();
        offsetIndex.flush();
        timeIndex.flush();
        txnIndex.flush();
    }

    /** Flushes and closes, leaving trimmed indexes with a final time entry for a trusting reload. */
    void close() throws IOException {
        onBecomeInactive();
        offsetIndex.flush();
        timeIndex.flush();
        txnIndex.flush();
        log.close();
    }

    /** Renames the files with the {@code .deleted} suffix; readers holding slices keep working. */
    void renameForDeletion() throws IOException {
        if (SegmentFiles.isDeleted(log.file())) {
            return;
        }
        log.renameTo(SegmentFiles.deleted(log.file()));
        offsetIndex.renameTo(SegmentFiles.deleted(offsetIndex.file()));
        timeIndex.renameTo(SegmentFiles.deleted(timeIndex.file()));
        txnIndex.renameTo(SegmentFiles.deleted(txnIndex.file()));
    }

    /** Closes the file handle and deletes the files, whatever their current names. */
    void deleteFiles() throws IOException {
        log.deleteIfExists();
        offsetIndex.deleteIfExists();
        timeIndex.deleteIfExists();
        txnIndex.deleteIfExists();
    }

    @Override
    public String toString() {
        return "LogSegment(base=" + baseOffset + ", size=" + log.sizeInBytes() + ")";
    }
}
