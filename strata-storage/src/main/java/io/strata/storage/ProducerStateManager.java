package io.strata.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.InvalidTxnStateException;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.TransactionCoordinatorFencedException;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The producer state of one partition: per producer id its epoch, last five batches, last coordinator epoch and
 * ongoing transaction, valid for the log up to {@link #mapEndOffset()}; plus the transactions that make the log
 * unstable (open ones, and closed ones whose marker the high watermark has not passed yet), from which the last
 * stable offset follows.
 *
 * <p>Appends go through an {@link AppendSession} that validates sequences against committed plus pending state and
 * is committed only once the bytes are in the log. Snapshots ({@code <20-digit offset>.snapshot}, our own binary
 * format with a CRC32C) are written on segment roll (without fsync: the log's flush syncs them before its recovery
 * point reaches them) and durably on clean close; after a crash the state is the latest snapshot at or below the
 * recovery point plus a replay of the batch headers after it. Producers idle for {@code producer.id.expiration.ms}
 * are removed, which keeps the state and its snapshots bounded.
 *
 * <p>Thread-safety: not thread-safe; guarded by the owning log's lock.
 */
final class ProducerStateManager {
    static final String SUFFIX = ".snapshot";
    private static final Logger log = LoggerFactory.getLogger(ProducerStateManager.class);
    /** The first format, without transaction state; still read (its producers have no open transaction). */
    private static final int SNAPSHOT_MAGIC_V1 = 0x53505331; // "SPS1"
    /** With each producer's coordinator epoch and ongoing transaction's first offset, as Kafka's snapshots. */
    private static final int SNAPSHOT_MAGIC = 0x53505332; // "SPS2"

    private final Path dir;
    private final Map<Long, ProducerEntry> producers = new HashMap<>();
    /** Open transactions: first offset to producer id. */
    private final TreeMap<Long, Long> ongoingTxns = new TreeMap<>();
    /** Closed transactions whose marker is not below the high watermark yet, by first offset: still unstable. */
    private final TreeMap<Long, CompletedTxn> unreplicatedTxns = new TreeMap<>();
    private long mapEndOffset;
    /** Offsets of the snapshots written by {@link #takeSnapshotUnsynced} and not yet fsynced. */
    private final TreeSet<Long> unsyncedSnapshots = new TreeSet<>();

    ProducerStateManager(Path dir) {
        this.dir = dir;
    }

    long mapEndOffset() {
        return mapEndOffset;
    }

    Optional<ProducerEntry> entry(long producerId) {
        return Optional.ofNullable(producers.get(producerId));
    }

    Map<Long, ProducerEntry> producers() {
        return Collections.unmodifiableMap(producers);
    }

    AppendSession beginAppend() {
        return new AppendSession();
    }

    /** The producers, as DescribeProducers reports them. */
    List<ActiveProducer> activeProducers() {
        List<ActiveProducer> active = new ArrayList<>(producers.size());
        for (ProducerEntry e : producers.values()) {
            ProducerBatch last = e.lastBatch();
            active.add(new ActiveProducer(e.producerId(), e.epoch(), last == null ? -1 : last.lastSeq(),
                    last == null ? -1 : last.timestamp(), e.coordinatorEpoch(), e.currentTxnFirstOffset()));
        }
        return active;
    }

    /**
     * Makes an append's producer updates visible; {@code endOffset} is the log end after the append.
     *
     * @return the transactions the append aborted, for the segment's {@code .txnindex}
     */
    List<AbortedTxn> commit(AppendSession session, long endOffset) {
        session.pending.values().forEach(this::put);
        mapEndOffset = endOffset;
        List<AbortedTxn> aborted = List.of();
        for (CompletedTxn txn : session.completed) {
            AbortedTxn a = complete(txn);
            if (a != null) {
                aborted = aborted.isEmpty() ? new ArrayList<>(1) : aborted;
                aborted.add(a);
            }
        }
        return aborted;
    }

    /** Stores {@code entry}, keeping the index of open transactions in step with it. */
    private void put(ProducerEntry entry) {
        ProducerEntry old = producers.put(entry.producerId(), entry);
        if (old != null && old.inTransaction() && old.currentTxnFirstOffset() != entry.currentTxnFirstOffset()) {
            ongoingTxns.remove(old.currentTxnFirstOffset());
        }
        if (entry.inTransaction()) {
            ongoingTxns.put(entry.currentTxnFirstOffset(), entry.producerId());
        }
    }

    /** Records a closed transaction as unstable until the high watermark passes its marker; an abort is returned. */
    private AbortedTxn complete(CompletedTxn txn) {
        unreplicatedTxns.put(txn.firstOffset(), txn);
        if (!txn.aborted()) {
            return null;
        }
        // Kafka's lastStableOffset(completedTxn): the oldest other open transaction, else just past the marker.
        long lso = ongoingTxns.isEmpty() ? txn.lastOffset() + 1 : ongoingTxns.firstKey();
        return new AbortedTxn(txn.producerId(), txn.firstOffset(), txn.lastOffset(), lso);
    }

    /**
     * Applies a batch read back from the log (recovery, truncation, replication) without validation.
     *
     * @return the transaction this batch aborted (an ABORT marker), for the segment's {@code .txnindex}
     */
    Optional<AbortedTxn> replay(BatchHeader batch) {
        long pid = batch.producerId();
        mapEndOffset = Math.max(mapEndOffset, batch.lastOffset() + 1);
        if (pid < 0) {
            return Optional.empty();
        }
        ProducerEntry current = producers.get(pid);
        short epoch = batch.producerEpoch();
        if (current == null) {
            current = ProducerEntry.empty(pid, epoch);
        }
        if (epoch < current.epoch()) {
            return Optional.empty();
        }
        if (batch.isControl()) {
            TxnMarker marker = TxnMarker.read(batch);
            ProducerEntry next = current.withEpoch(epoch);
            if (!marker.isEndTxn()) {
                put(next);
                return Optional.empty();
            }
            long first = next.inTransaction() ? next.currentTxnFirstOffset() : batch.baseOffset();
            put(next.withTxnEnded(marker.coordinatorEpoch()));
            return Optional.ofNullable(complete(new CompletedTxn(pid, first, batch.baseOffset(), marker.isAbort())));
        }
        ProducerEntry next = current.with(epoch, new ProducerBatch(batch.baseSequence(), batch.lastSequence(),
                batch.baseOffset(), batch.lastOffset(), batch.maxTimestamp()));
        if (batch.isTransactional() && !next.inTransaction()) {
            next = next.withTxnStart(batch.baseOffset());
        }
        put(next);
        return Optional.empty();
    }

    /** The high watermark moved to {@code highWatermark}: closed transactions whose marker is below it are stable. */
    void onHighWatermarkUpdated(long highWatermark) {
        unreplicatedTxns.values().removeIf(t -> t.lastOffset() < highWatermark);
    }

    /**
     * The first offset of the oldest unstable transaction (open, or closed with its marker not yet below the high
     * watermark), or {@link Long#MAX_VALUE} when there is none; the last stable offset is the smaller of it and the
     * high watermark.
     */
    long firstUnstableOffset() {
        long first = ongoingTxns.isEmpty() ? Long.MAX_VALUE : ongoingTxns.firstKey();
        return unreplicatedTxns.isEmpty() ? first : Math.min(first, unreplicatedTxns.firstKey());
    }

    /** Declares the state valid for the log up to {@code offset} (after a replay that ended there). */
    void loadedUpTo(long offset) {
        mapEndOffset = offset;
    }

    /**
     * Forgets the producers whose last batch is at least {@code expirationMs} older than {@code nowMs}
     * ({@code producer.id.expiration.ms}, on the last batch's timestamp as Kafka does), so that the state and its
     * snapshots stay bounded; a producer with no data batch (only an epoch bump) has nothing to keep it. A producer
     * with an open transaction is kept, as in Kafka: its transaction holds the last stable offset back.
     *
     * @return how many producers were removed
     */
    int removeExpiredProducers(long nowMs, long expirationMs) {
        int before = producers.size();
        producers.values().removeIf(e -> {
            ProducerBatch last = e.lastBatch();
            return !e.inTransaction() && (last == null || nowMs - last.timestamp() >= expirationMs);
        });
        return before - producers.size();
    }

    /** Forgets everything; the state is then valid for an empty log starting at {@code offset}. */
    void reset(long offset) {
        clear();
        mapEndOffset = offset;
    }

    /**
     * Makes the state that of a log truncated to end at {@code upTo}: drops the snapshots above it, loads the latest
     * one at or below it (or starts empty at the log's first offset) and replays the batch headers of
     * {@code segments} from there.
     *
     * @throws IOException when a segment cannot be read
     */
    void rebuildUpTo(long upTo, LogSegments segments) throws IOException {
        deleteSnapshotsAbove(upTo);
        Optional<Long> snapshot = loadLatestSnapshotAtOrBelow(upTo);
        long from = snapshot.orElse(segments.firstBase());
        if (snapshot.isEmpty()) {
            reset(from);
        }
        for (LogSegment seg : segments.from(from)) {
            int position = seg.baseOffset <= from ? seg.offsetIndex().lookup(from) : 0;
            seg.scan(position, false, false, 0, h -> {
                if (h.lastOffset() >= from) {
                    replay(h);
                }
            });
        }
        loadedUpTo(upTo);
    }

    /** Durably writes a snapshot of the current state at {@link #mapEndOffset()}. */
    void takeSnapshot() throws IOException {
        Path file = snapshotFile(mapEndOffset);
        AtomicFile.write(file, serialize().array());
        unsyncedSnapshots.remove(mapEndOffset);
    }

    /**
     * Writes a snapshot at {@link #mapEndOffset()} without fsync (on roll, under the log's lock); the log's flush
     * makes it durable ({@link #takeUnsyncedSnapshotsUpTo}) before the recovery point reaches its offset.
     */
    void takeSnapshotUnsynced() throws IOException {
        AtomicFile.writeUnsynced(snapshotFile(mapEndOffset), serialize().array());
        unsyncedSnapshots.add(mapEndOffset);
    }

    /** The files of the snapshots written without fsync at or below {@code offset}, forgotten here: to be synced. */
    List<Path> takeUnsyncedSnapshotsUpTo(long offset) {
        SortedSet<Long> upTo = unsyncedSnapshots.headSet(offset + 1);
        List<Path> files = upTo.stream().map(this::snapshotFile).toList();
        upTo.clear();
        return files;
    }

    private void clear() {
        producers.clear();
        ongoingTxns.clear();
        unreplicatedTxns.clear();
    }

    private ByteBuffer serialize() {
        int size = 4;
        for (ProducerEntry e : producers.values()) {
            size += 8 + 2 + 4 + 8 + 4 + e.batches().size() * (4 + 4 + 8 + 8 + 8);
        }
        ByteBuffer body = ByteBuffer.allocate(size);
        body.putInt(producers.size());
        for (ProducerEntry e : producers.values()) {
            body.putLong(e.producerId()).putShort(e.epoch()).putInt(e.coordinatorEpoch())
                    .putLong(e.currentTxnFirstOffset()).putInt(e.batches().size());
            for (ProducerBatch b : e.batches()) {
                body.putInt(b.firstSeq()).putInt(b.lastSeq()).putLong(b.firstOffset()).putLong(b.lastOffset())
                        .putLong(b.timestamp());
            }
        }
        body.flip();
        CRC32C crc = new CRC32C();
        crc.update(body.duplicate());
        ByteBuffer out = ByteBuffer.allocate(8 + size);
        out.putInt(SNAPSHOT_MAGIC).putInt((int) crc.getValue()).put(body).flip();
        return out;
    }

    private static Map<Long, ProducerEntry> deserialize(ByteBuffer buf) {
        int magic = buf.remaining() < 12 ? 0 : buf.getInt();
        if (magic != SNAPSHOT_MAGIC && magic != SNAPSHOT_MAGIC_V1) {
            throw new IllegalArgumentException("not a producer snapshot");
        }
        int expectedCrc = buf.getInt();
        CRC32C crc = new CRC32C();
        crc.update(buf.duplicate());
        if ((int) crc.getValue() != expectedCrc) {
            throw new IllegalArgumentException("CRC mismatch");
        }
        int count = buf.getInt();
        Map<Long, ProducerEntry> result = new HashMap<>();
        for (int i = 0; i < count; i++) {
            long pid = buf.getLong();
            short epoch = buf.getShort();
            int coordinatorEpoch = magic == SNAPSHOT_MAGIC ? buf.getInt() : -1;
            long txnFirstOffset = magic == SNAPSHOT_MAGIC ? buf.getLong() : -1;
            int n = buf.getInt();
            List<ProducerBatch> batches = new ArrayList<>(n);
            for (int j = 0; j < n; j++) {
                batches.add(new ProducerBatch(buf.getInt(), buf.getInt(), buf.getLong(), buf.getLong(), buf.getLong()));
            }
            result.put(pid, new ProducerEntry(pid, epoch, batches, coordinatorEpoch, txnFirstOffset));
        }
        return result;
    }

    /**
     * Loads the latest readable snapshot at or below {@code maxOffset} (corrupt ones are deleted); returns its
     * offset, or empty with the state reset when there is none.
     */
    Optional<Long> loadLatestSnapshotAtOrBelow(long maxOffset) {
        List<Long> offsets = snapshotOffsets();
        for (int i = offsets.size() - 1; i >= 0; i--) {
            long offset = offsets.get(i);
            if (offset > maxOffset) {
                continue;
            }
            Path file = snapshotFile(offset);
            try {
                Map<Long, ProducerEntry> loaded = deserialize(ByteBuffer.wrap(Files.readAllBytes(file)));
                clear();
                loaded.values().forEach(this::put);
                mapEndOffset = offset;
                return Optional.of(offset);
            } catch (IOException | RuntimeException e) {
                log.warn("Deleting unreadable producer snapshot {}: {}", file, e.toString());
                deleteQuietly(file);
            }
        }
        clear();
        return Optional.empty();
    }

    /** Snapshot offsets in ascending order. */
    List<Long> snapshotOffsets() {
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
    void deleteSnapshotsAbove(long offset) {
        for (long o : snapshotOffsets()) {
            if (o > offset) {
                deleteQuietly(snapshotFile(o));
            }
        }
    }

    /** Deletes old snapshots: those below {@code belowOffsetDeletable}, except the newest {@code keep}. */
    void retainSnapshots(int keep, long belowOffsetDeletable) {
        List<Long> offsets = snapshotOffsets();
        for (int i = 0; i < offsets.size() - keep; i++) {
            if (offsets.get(i) < belowOffsetDeletable) {
                deleteQuietly(snapshotFile(offsets.get(i)));
            }
        }
    }

    Path snapshotFile(long offset) {
        return dir.resolve(SegmentFiles.filenamePrefix(offset) + SUFFIX);
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            log.warn("Cannot delete {}: {}", p, e.toString());
        }
    }

    /**
     * The producer checks of one append: validates each batch against committed and pending state and collects the
     * updates, which {@link #commit} applies once the append is durable in the log's file.
     */
    final class AppendSession {
        private final Map<Long, ProducerEntry> pending = new HashMap<>(4);
        private final List<CompletedTxn> completed = new ArrayList<>(0);

        private ProducerEntry current(long pid) {
            ProducerEntry e = pending.get(pid);
            return e != null ? e : producers.get(pid);
        }

        /**
         * Checks a data batch's epoch and sequence range.
         *
         * @return the original batch when this one is a retry of one of the producer's last five batches
         */
        Optional<ProducerBatch> check(long pid, short epoch, int firstSeq, int lastSeq, boolean transactional) {
            ProducerEntry current = current(pid);
            if (current != null && !transactional && current.inTransaction() && epoch >= current.epoch()) {
                // Kafka's rule: an open transaction's producer may only write transactionally until its marker.
                throw new InvalidTxnStateException("Expected a transactional write from producer " + pid
                        + ", which has a transaction open since offset " + current.currentTxnFirstOffset());
            }
            if (current == null) {
                if (firstSeq != 0) {
                    throw new OutOfOrderSequenceException("Unknown producer " + pid + ": first sequence must be 0, got "
                            + firstSeq);
                }
                return Optional.empty();
            }
            if (epoch < current.epoch()) {
                throw new InvalidProducerEpochException("Producer " + pid + " epoch " + epoch
                        + " is older than the current epoch " + current.epoch());
            }
            if (epoch > current.epoch()) {
                if (firstSeq != 0) {
                    throw new OutOfOrderSequenceException("Producer " + pid + " new epoch " + epoch
                            + " must start at sequence 0, got " + firstSeq);
                }
                return Optional.empty();
            }
            for (ProducerBatch b : current.batches()) {
                if (b.firstSeq() == firstSeq && b.lastSeq() == lastSeq) {
                    return Optional.of(b);
                }
            }
            ProducerBatch last = current.lastBatch();
            int expected = last == null ? 0 : BatchHeader.addSequence(last.lastSeq(), 1);
            if (firstSeq != expected) {
                throw new OutOfOrderSequenceException("Producer " + pid + " epoch " + epoch + ": expected sequence "
                        + expected + ", got " + firstSeq);
            }
            return Optional.empty();
        }

        /**
         * Checks and records every batch of a leader append whose first batch gets offset {@code firstOffset}.
         *
         * @return the original of a retried batch, in which case nothing should be appended
         */
        Optional<ProducerBatch> checkAndRecord(List<BatchValidator.ValidBatch> batches, long firstOffset) {
            long next = firstOffset;
            for (BatchValidator.ValidBatch vb : batches) {
                MutableRecordBatch batch = vb.batch();
                long last = next + vb.lastOffsetDelta();
                if (batch.hasProducerId() && batch.isControlBatch()) {
                    recordControl(batch.producerId(), batch.producerEpoch(), TxnMarker.read(batch), next);
                } else if (batch.hasProducerId()) {
                    Optional<ProducerBatch> duplicate = check(batch.producerId(), batch.producerEpoch(),
                            batch.baseSequence(), batch.lastSequence(), batch.isTransactional());
                    if (duplicate.isPresent()) {
                        return duplicate;
                    }
                    record(batch.producerId(), batch.producerEpoch(), new ProducerBatch(batch.baseSequence(),
                            batch.lastSequence(), next, last, batch.maxTimestamp()), batch.isTransactional());
                }
                next = last + 1;
            }
            return Optional.empty();
        }

        /** Records a data batch; a transactional one opens a transaction at its first offset unless one is open. */
        void record(long pid, short epoch, ProducerBatch batch, boolean transactional) {
            ProducerEntry current = current(pid);
            if (current == null) {
                current = ProducerEntry.empty(pid, epoch);
            }
            ProducerEntry next = current.with(epoch, batch);
            if (transactional && !next.inTransaction()) {
                next = next.withTxnStart(batch.firstOffset());
            }
            pending.put(pid, next);
        }

        /**
         * A control batch at {@code offset}: fences older producer epochs, carries no sequence; an end-transaction
         * marker closes the producer's transaction and fences older coordinator epochs.
         *
         * @throws InvalidProducerEpochException         the producer epoch is older than the current one
         * @throws TransactionCoordinatorFencedException the marker's coordinator epoch is older than the last one
         */
        void recordControl(long pid, short epoch, TxnMarker marker, long offset) {
            ProducerEntry current = current(pid);
            if (current != null && epoch < current.epoch()) {
                throw new InvalidProducerEpochException("Producer " + pid + " epoch " + epoch
                        + " is older than the current epoch " + current.epoch());
            }
            ProducerEntry next = current == null ? ProducerEntry.empty(pid, epoch) : current.withEpoch(epoch);
            if (marker.isEndTxn()) {
                if (marker.coordinatorEpoch() < next.coordinatorEpoch()) {
                    throw new TransactionCoordinatorFencedException("Marker for producer " + pid
                            + " from coordinator epoch " + marker.coordinatorEpoch() + ", older than the last one "
                            + next.coordinatorEpoch());
                }
                long first = next.inTransaction() ? next.currentTxnFirstOffset() : offset;
                completed.add(new CompletedTxn(pid, first, offset, marker.isAbort()));
                next = next.withTxnEnded(marker.coordinatorEpoch());
            }
            pending.put(pid, next);
        }
    }
}
