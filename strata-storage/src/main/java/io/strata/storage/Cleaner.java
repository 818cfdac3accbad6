package io.strata.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MemoryRecords.RecordFilter;
import org.apache.kafka.common.record.internal.MemoryRecords.RecordFilter.BatchRetention;
import org.apache.kafka.common.record.internal.MemoryRecords.RecordFilter.BatchRetentionResult;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.utils.BufferSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cleans one compacted log once: keeps the latest record of each key in the cleanable part.
 *
 * <p>Steps, as in Kafka: build an {@link OffsetMap} of the latest offset per key over the dirty segments; then
 * rewrite every segment from the start of the log to the end of the mapped part, in groups that fit one segment
 * ({@code segment.bytes}, index size, 32-bit relative offsets), keeping a record when no later record of its key
 * exists; write each group to a {@code .cleaned} segment and swap it in ({@link LogMaintenance#replaceSegments}).
 * Batches are filtered by kafka-clients' {@code MemoryRecords.filterTo}: untouched batches are copied as they are,
 * others are rewritten with their base offset, last offset, producer id/epoch/base sequence and leader epoch, so
 * offsets stay where they were (gaps are normal) and producer sequences stay continuous. A producer's last data
 * batch is kept even when emptied, so that the producer state rebuilt from the log still deduplicates retries.
 *
 * <p>Tombstones (null values) survive {@code delete.retention.ms} after the cleaning that first kept them: that
 * cleaning stamps the batch's delete horizon (KIP-534); the first cleaning after the horizon drops them. Keyless
 * records (refused at append, but possible in data written before the topic became compacted) are dropped.
 *
 * <p>Transactions: cleaning never goes past the last stable offset, so every transaction it sees is closed. The
 * records of aborted transactions (known from the {@code .txnindex} of the segments) are left out of the key map
 * and dropped, as in Kafka; their producer's last batch is kept empty like any other. A COMMIT or ABORT marker
 * stays while any batch of its transaction stays (it is what closes the transaction when the producer state is
 * rebuilt from the log); the first cleaning that leaves none stamps the marker's batch with a delete horizon, as
 * for tombstones, and the first cleaning after that horizon drops the marker (its batch stays, emptied, when it is
 * the producer's last word on its epoch). A cleaned segment's {@code .txnindex} keeps the entries whose ABORT
 * marker it keeps, so an index entry never outlives its marker.
 *
 * <p>Thread-safety: a cleaner is used by one thread at a time; it reads immutable segments without the log lock.
 */
final class Cleaner {
    private static final Logger log = LoggerFactory.getLogger(Cleaner.class);
    static final int IO_BUFFER = 1 << 20;

    /** Signals that the cleaning was aborted (shutdown, log deletion); no file of the log was changed. */
    static final class AbortedException extends RuntimeException {
        AbortedException() {
            super("cleaning aborted", null, false, false);
        }
    }

    /**
     * The outcome of a completed cleaning.
     *
     * @param firstDirty      the new clean point: everything below it is clean
     * @param deleteHorizonMs the earliest delete horizon of a tombstone kept, or Long.MAX_VALUE when none
     * @param bytesBefore     size of the segments rewritten
     * @param bytesAfter      size of their cleaned versions
     */
    record Result(long firstDirty, long deleteHorizonMs, long bytesBefore, long bytesAfter) {
    }

    private final long offsetMapBytes;
    private final BooleanSupplier aborted;
    private final Runnable afterStep;
    private ByteBuffer readBuffer = ByteBuffer.allocate(IO_BUFFER);
    private ByteBuffer writeBuffer = ByteBuffer.allocate(IO_BUFFER);

    /**
     * @param offsetMapBytes memory for the key map
     * @param aborted        polled between chunks; true stops the cleaning with {@link AbortedException}
     * @param afterStep      runs after each file operation of a swap (crash tests); a no-op otherwise
     */
    Cleaner(long offsetMapBytes, BooleanSupplier aborted, Runnable afterStep) {
        this.offsetMapBytes = offsetMapBytes;
        this.aborted = aborted;
        this.afterStep = afterStep;
    }

    /**
     * Cleans {@code fileLog} per {@code plan}, made from {@code view}.
     *
     * @return the result, or empty when the log changed meanwhile and a swap was given up (nothing is lost: the
     *         next pass starts again from the same clean point)
     * @throws AbortedException when {@link #aborted} turned true
     * @throws org.apache.kafka.common.errors.KafkaStorageException when the log directory is too full to write the
     *         cleaned segment ({@link LogDirSpace}); its partial files are deleted
     */
    java.util.Optional<Result> clean(FileLog fileLog, CleaningView view, CleaningPlan plan, long nowMs)
            throws IOException {
        List<LogSegment> segments = view.segments();
        int inactive = segments.size() - 1;
        OffsetMap map = new OffsetMap(offsetMapBytes);
        long mapEnd = Math.min(plan.firstDirty(), plan.cleanableEnd());
        for (int i = 0; i < inactive; i++) {
            LogSegment seg = segments.get(i);
            long next = segments.get(i + 1).baseOffset;
            if (next <= plan.firstDirty()) {
                continue;
            }
            if (next > plan.cleanableEnd() || map.isFull()) {
                break;
            }
            addToMap(seg, map, new AbortedTxnTracker(fileLog.abortedTransactions(seg.baseOffset, next)));
            mapEnd = next;
        }
        List<List<LogSegment>> groups = group(segments, mapEnd, view.config());
        // One walk over every group: a transaction's data and its marker may be in different groups.
        long cleanedEnd = groups.isEmpty() ? segments.get(0).baseOffset : rangeEnd(segments, groups.getLast());
        Filter filter = new Filter(map, nowMs, view.config().deleteRetentionMs(), view.lastDataOffsets(),
                view.markerEpochs(), new AbortedTxnTracker(fileLog.abortedTransactions(segments.get(0).baseOffset,
                        cleanedEnd)));
        long before = 0;
        long after = 0;
        for (List<LogSegment> group : groups) {
            LogSegment cleaned = cleanGroup(fileLog, view, group, rangeEnd(segments, group), filter);
            if (cleaned == null) {
                return java.util.Optional.empty();
            }
            for (LogSegment seg : group) {
                before += seg.size();
            }
            after += cleaned.size();
        }
        log.info("Cleaned {} up to offset {}: {} keys in the dirty part, {} segments of {} bytes now {} bytes",
                fileLog.topicPartition(), mapEnd, map.size(), groups.stream().mapToInt(List::size).sum(), before,
                after);
        return java.util.Optional.of(new Result(Math.max(plan.firstDirty(), mapEnd), filter.earliestHorizon, before,
                after));
    }

    /** The base offset of the segment after {@code group}. */
    private static long rangeEnd(List<LogSegment> segments, List<LogSegment> group) {
        return segments.get(segments.indexOf(group.getLast()) + 1).baseOffset;
    }

    /** Consecutive segments below {@code end}, grouped so that each group's cleaned version fits one segment. */
    static List<List<LogSegment>> group(List<LogSegment> segments, long end, LogConfig config) {
        List<List<LogSegment>> groups = new ArrayList<>();
        int i = 0;
        while (i + 1 < segments.size() && segments.get(i + 1).baseOffset <= end) {
            List<LogSegment> group = new ArrayList<>();
            LogSegment first = segments.get(i);
            long bytes = 0;
            long offsetIndexBytes = 0;
            long timeIndexBytes = 0;
            while (i + 1 < segments.size() && segments.get(i + 1).baseOffset <= end) {
                LogSegment seg = segments.get(i);
                long next = segments.get(i + 1).baseOffset;
                long b = bytes + seg.size();
                long oi = offsetIndexBytes + (long) seg.offsetIndex().entries() * OffsetIndex.ENTRY_SIZE;
                long ti = timeIndexBytes + (long) (seg.timeIndex().entries() + 1) * TimeIndex.ENTRY_SIZE;
                boolean fits = b <= config.segmentBytes() && oi <= config.segmentIndexBytes()
                        && ti <= config.segmentIndexBytes() && next - 1 - first.baseOffset <= Integer.MAX_VALUE;
                if (!group.isEmpty() && !fits) {
                    break;
                }
                group.add(seg);
                bytes = b;
                offsetIndexBytes = oi;
                timeIndexBytes = ti;
                i++;
            }
            groups.add(group);
        }
        return groups;
    }

    private void addToMap(LogSegment seg, OffsetMap map, AbortedTxnTracker aborted) throws IOException {
        forEachChunk(seg, records -> {
            for (RecordBatch batch : records.batches()) {
                // An aborted record must not hide the committed value of its key: it is dropped itself.
                if (aborted.isAborted(batch) || batch.isControlBatch()) {
                    continue;
                }
                for (Record record : batch) {
                    if (record.hasKey()) {
                        map.put(record.key(), record.offset());
                    }
                }
            }
            return records.validBytes();
        });
    }

    /** Writes the group's cleaned segment and swaps it in; null when the swap was given up. */
    private LogSegment cleanGroup(FileLog fileLog, CleaningView view, List<LogSegment> group, long rangeEnd,
                                  Filter filter) throws IOException {
        LogConfig config = view.config();
        long base = group.get(0).baseOffset;
        LogSegment cleaned = LogSegment.createCleaned(fileLog.dir(), base, config.segmentIndexBytes());
        boolean keep = false;
        try {
            for (LogSegment seg : group) {
                forEachChunk(seg, records -> {
                    writeBuffer.clear();
                    MemoryRecords.FilterResult result = records.filterTo(filter, writeBuffer,
                            BufferSupplier.NO_CACHING);
                    ByteBuffer out = result.outputBuffer();
                    if (out.capacity() > writeBuffer.capacity()) {
                        writeBuffer = out;
                    }
                    out.flip();
                    if (out.hasRemaining()) {
                        fileLog.maintenance().reserveSpace(out.remaining());
                        cleaned.appendCleaned(MemoryRecords.readableRecords(out), config.indexIntervalBytes());
                    }
                    return result.bytesRead();
                });
                // An abort stays indexed (in the cleaned segment's .txnindex.cleaned) as long as its marker stays.
                cleaned.txnIndex().appendAll(seg.txnIndex().entries().stream()
                        .filter(t -> !filter.droppedAborts.contains(t.lastOffset())).toList());
            }
            cleaned.onBecomeInactive();
            cleaned.flush();
            cleaned.setLastModified(group.get(group.size() - 1).lastModified());
            SegmentSwap.writeEnd(fileLog.dir(), base, rangeEnd);
            SegmentSwap.fsyncDirectory(fileLog.dir());
            afterStep.run();
            if (aborted.getAsBoolean()) {
                throw new AbortedException();
            }
            // From here on a failure may have left the swap half done: the files are then recovery's to sort out.
            keep = true;
            if (!fileLog.maintenance().replaceSegments(group, cleaned, view.generation(), afterStep)) {
                keep = false;
                log.info("Gave up cleaning {} from offset {}: the log changed meanwhile", fileLog.topicPartition(),
                        base);
                return null;
            }
            return cleaned;
        } finally {
            if (!keep) {
                cleaned.deleteFiles();
                SegmentSwap.deleteEnd(fileLog.dir(), base);
            }
        }
    }

    /** Consumes whole batches read from the segment; returns how many bytes of the chunk it consumed. */
    @FunctionalInterface
    private interface ChunkConsumer {
        int accept(MemoryRecords records) throws IOException;
    }

    /** Reads the segment in chunks of whole batches (a batch larger than the buffer grows it). */
    private void forEachChunk(LogSegment seg, ChunkConsumer consumer) throws IOException {
        FileChannel channel = seg.records().channel();
        int size = seg.size();
        int pos = 0;
        while (pos + BatchHeader.LOG_OVERHEAD <= size) {
            if (aborted.getAsBoolean()) {
                throw new AbortedException();
            }
            ByteBuffer buf = readBuffer;
            buf.clear();
            buf.limit(Math.min(buf.capacity(), size - pos));
            while (buf.hasRemaining()) {
                if (channel.read(buf, (long) pos + buf.position()) < 0) {
                    break;
                }
            }
            buf.flip();
            int consumed = consumer.accept(MemoryRecords.readableRecords(buf));
            if (consumed == 0) {
                int batchSize = BatchHeader.LOG_OVERHEAD + buf.getInt(BatchHeader.LENGTH);
                if (batchSize <= buf.capacity() || batchSize > size - pos) {
                    throw new CorruptRecordException("Unreadable batch at position " + pos + " of " + seg);
                }
                readBuffer = ByteBuffer.allocate(batchSize);
                writeBuffer = ByteBuffer.allocate(Math.max(writeBuffer.capacity(), batchSize));
                continue;
            }
            pos += consumed;
        }
    }

    /**
     * Which batches of a walk in offset order belong to aborted transactions: a producer's transactional batches
     * from its aborted transaction's first offset until its ABORT marker. Each batch must be passed once, in order.
     */
    static final class AbortedTxnTracker {
        private final PriorityQueue<AbortedTxn> upcoming = new PriorityQueue<>(
                Comparator.comparingLong(AbortedTxn::firstOffset));
        private final Map<Long, AbortedTxn> current = new HashMap<>();

        AbortedTxnTracker(List<AbortedTxn> aborted) {
            upcoming.addAll(aborted);
        }

        /** Whether {@code batch} holds data of an aborted transaction (false for markers). */
        boolean isAborted(RecordBatch batch) {
            if (!batch.hasProducerId()) {
                return false;
            }
            while (!upcoming.isEmpty() && upcoming.peek().firstOffset() <= batch.baseOffset()) {
                AbortedTxn t = upcoming.poll();
                current.put(t.producerId(), t);
            }
            if (batch.isControlBatch()) {
                AbortedTxn t = current.get(batch.producerId());
                if (t != null && t.lastOffset() <= batch.baseOffset()) {
                    current.remove(batch.producerId());
                }
                return false;
            }
            return batch.isTransactional() && current.containsKey(batch.producerId());
        }
    }

    /**
     * Kafka's cleaning rules as a {@code filterTo} filter, fed every batch of the cleaned range in offset order;
     * tracks the earliest delete horizon kept (tombstones and markers) and the ABORT markers dropped.
     */
    private static final class Filter extends RecordFilter {
        private final OffsetMap map;
        private final Map<Long, Long> lastDataOffsets;
        private final Map<Long, Short> markerEpochs;
        private final AbortedTxnTracker aborted;
        /** Per producer with a transaction whose marker is still ahead: whether a batch of it is kept. */
        private final Map<Long, Boolean> txnDataKept = new HashMap<>();
        /** Offsets of the ABORT markers dropped by this cleaning: their {@code .txnindex} entries go too. */
        final Set<Long> droppedAborts = new HashSet<>();
        long earliestHorizon = Long.MAX_VALUE;
        /** Whether the records of the batch being filtered are all dropped (aborted data, a marker past due). */
        private boolean discard;

        Filter(OffsetMap map, long nowMs, long deleteRetentionMs, Map<Long, Long> lastDataOffsets,
               Map<Long, Short> markerEpochs, AbortedTxnTracker aborted) {
            super(nowMs, deleteRetentionMs);
            this.map = map;
            this.lastDataOffsets = lastDataOffsets;
            this.markerEpochs = markerEpochs;
            this.aborted = aborted;
        }

        @Override
        protected BatchRetentionResult checkBatchRetention(RecordBatch batch) {
            boolean abortedData = aborted.isAborted(batch);
            // Kafka's rule: a producer's last batch stays (emptied if need be) so that the producer state rebuilt
            // from the log still knows its last sequence, or, when a marker bumped its epoch, that epoch.
            boolean producerLast = batch.hasProducerId() && (batch.isControlBatch()
                    ? !lastDataOffsets.containsKey(batch.producerId())
                            && Short.valueOf(batch.producerEpoch()).equals(markerEpochs.get(batch.producerId()))
                    : Long.valueOf(batch.lastOffset()).equals(lastDataOffsets.get(batch.producerId())));
            boolean markerOfEmptyTxn = false;
            if (batch.isControlBatch()) {
                markerOfEmptyTxn = markerOfEmptyTxn(batch);
                OptionalLong stamped = batch.deleteHorizonMs();
                discard = markerOfEmptyTxn && stamped.isPresent() && stamped.getAsLong() <= currentTime;
                if (markerOfEmptyTxn && !discard) {
                    earliestHorizon = Math.min(earliestHorizon,
                            stamped.orElse(currentTime + deleteRetentionMs));
                }
                if (discard && TxnMarker.read(batch).isAbort()) {
                    droppedAborts.add(batch.baseOffset());
                }
            } else {
                discard = abortedData;
                if (batch.isTransactional()) {
                    txnDataKept.merge(batch.producerId(), producerLast, Boolean::logicalOr);
                }
            }
            BatchRetention retention = producerLast ? BatchRetention.RETAIN_EMPTY
                    : discard ? BatchRetention.DELETE : BatchRetention.DELETE_EMPTY;
            // The second value makes filterTo stamp the delete horizon on a marker whose transaction is gone.
            return new BatchRetentionResult(retention, markerOfEmptyTxn);
        }

        /**
         * Whether a control batch may go after the delete horizon: an end-transaction marker none of whose
         * transaction's batches this cleaning keeps, or a batch already emptied by an earlier cleaning.
         */
        private boolean markerOfEmptyTxn(RecordBatch batch) {
            TxnMarker marker = TxnMarker.read(batch);
            if (marker.isEndTxn()) {
                return !Boolean.TRUE.equals(txnDataKept.remove(batch.producerId()));
            }
            return !batch.iterator().hasNext();
        }

        @Override
        protected boolean shouldRetainRecord(RecordBatch batch, Record record) {
            if (discard) {
                return false;
            }
            if (batch.isControlBatch()) {
                return true;
            }
            boolean keep = record.hasKey() && map.latestOffset(record.key()) <= record.offset()
                    && (record.hasValue() || keepTombstone(batch));
            if (keep && batch.isTransactional()) {
                txnDataKept.put(batch.producerId(), true);
            }
            return keep;
        }

        private boolean keepTombstone(RecordBatch batch) {
            OptionalLong stamped = batch.deleteHorizonMs();
            long horizon = stamped.isPresent() ? stamped.getAsLong() : currentTime + deleteRetentionMs;
            if (stamped.isPresent() && currentTime >= horizon) {
                return false;
            }
            earliestHorizon = Math.min(earliestHorizon, horizon);
            return true;
        }
    }
}
