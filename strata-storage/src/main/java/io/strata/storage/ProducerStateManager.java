package io.strata.storage;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.InvalidTxnStateException;
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
 * is committed only once the bytes are in the log. Snapshots ({@link ProducerSnapshotFiles} in the
 * {@link ProducerSnapshotFormat}) are written on segment roll (without fsync: the log's flush syncs them before its
 * recovery point reaches them) and durably on clean close; after a crash the state is the latest snapshot at or
 * below the recovery point plus a replay of the batch headers after it. Producers idle for
 * {@code producer.id.expiration.ms} are removed, which keeps the state and its snapshots bounded.
 *
 * <p>As leader it also holds the {@link VerificationGuards} of KIP-890 (in memory only): a transactional batch that
 * would start its producer's transaction is appended only with the guard the leader took before verifying it, if
 * nothing ended or changed that transaction since.
 *
 * <p>Thread-safety: not thread-safe; guarded by the owning log's lock.
 */
final class ProducerStateManager {
    private static final Logger log = LoggerFactory.getLogger(ProducerStateManager.class);

    private final ProducerSnapshotFiles snapshots;
    private final Map<Long, ProducerEntry> producers = new HashMap<>();
    /** Open transactions: first offset to producer id. */
    private final TreeMap<Long, Long> ongoingTxns = new TreeMap<>();
    /** Closed transactions whose marker is not below the high watermark yet, by first offset: still unstable. */
    private final TreeMap<Long, CompletedTxn> unreplicatedTxns = new TreeMap<>();
    private final VerificationGuards guards = new VerificationGuards();
    private long mapEndOffset;

    ProducerStateManager(Path dir) {
        this.snapshots = new ProducerSnapshotFiles(dir);
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

    /**
     * KIP-890: the guard a leader holds while it verifies a write of {@code producerId} at {@code epoch} with the
     * transaction coordinator; empty when that producer's transaction of that epoch is open here, so there is
     * nothing to verify ({@link VerificationGuards#take}).
     *
     * @param transactionsV2 the producer runs transactions version 2 ({@link VerificationGuard#transactionsV2()})
     */
    Optional<VerificationGuard> startVerification(long producerId, short epoch, boolean transactionsV2, long nowMs) {
        ProducerEntry entry = producers.get(producerId);
        if (entry != null && entry.inTransactionOf(epoch)) {
            return Optional.empty();
        }
        return Optional.of(guards.take(producerId, epoch, transactionsV2, nowMs));
    }

    /** Drops every verification guard: leadership changed, so verifications started before do not count. */
    void clearVerificationGuards() {
        guards.clear();
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
        session.transactionalWrites.forEach(w -> guards.onTransactionalWrite(w.producerId(), w.epoch(), w.marker()));
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
            guards.onTransactionalWrite(pid, epoch, true);
            long first = next.inTransaction() ? next.currentTxnFirstOffset() : batch.baseOffset();
            put(next.withTxnEnded(marker.coordinatorEpoch()));
            return Optional.ofNullable(complete(new CompletedTxn(pid, first, batch.baseOffset(), marker.isAbort())));
        }
        ProducerEntry next = current.with(epoch, new ProducerBatch(batch.baseSequence(), batch.lastSequence(),
                batch.baseOffset(), batch.lastOffset(), batch.maxTimestamp()));
        if (batch.isTransactional()) {
            guards.onTransactionalWrite(pid, epoch, false);
            next = next.inTransaction() ? next : next.withTxnStart(batch.baseOffset());
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
     * with an open transaction is kept, as in Kafka: its transaction holds the last stable offset back. Verification
     * guards as old go too: their write never came.
     *
     * @return how many producers were removed
     */
    int removeExpiredProducers(long nowMs, long expirationMs) {
        guards.expire(nowMs, expirationMs);
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
        snapshots.deleteAbove(upTo);
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
        snapshots.write(mapEndOffset, ProducerSnapshotFormat.encode(producers.values()));
    }

    /**
     * Writes a snapshot at {@link #mapEndOffset()} without fsync (on roll, under the log's lock); the log's flush
     * makes it durable ({@link ProducerSnapshotFiles#takeUnsyncedUpTo}) before the recovery point reaches its
     * offset.
     */
    void takeSnapshotUnsynced() throws IOException {
        snapshots.writeUnsynced(mapEndOffset, ProducerSnapshotFormat.encode(producers.values()));
    }

    /** The snapshot files, for the log's flush, retention and truncation. */
    ProducerSnapshotFiles snapshots() {
        return snapshots;
    }

    private void clear() {
        producers.clear();
        ongoingTxns.clear();
        unreplicatedTxns.clear();
        guards.clear();
    }

    /**
     * Loads the latest readable snapshot at or below {@code maxOffset} (corrupt ones are deleted); returns its
     * offset, or empty with the state reset when there is none.
     */
    Optional<Long> loadLatestSnapshotAtOrBelow(long maxOffset) {
        List<Long> offsets = snapshots.offsets();
        for (int i = offsets.size() - 1; i >= 0; i--) {
            long offset = offsets.get(i);
            if (offset > maxOffset) {
                continue;
            }
            try {
                List<ProducerEntry> loaded = ProducerSnapshotFormat.decode(snapshots.read(offset));
                clear();
                loaded.forEach(this::put);
                mapEndOffset = offset;
                return Optional.of(offset);
            } catch (IOException | RuntimeException e) {
                log.warn("Deleting unreadable producer snapshot {}: {}", snapshots.file(offset), e.toString());
                snapshots.delete(offset);
            }
        }
        clear();
        return Optional.empty();
    }

    /**
     * The producer checks of one append: validates each batch against committed and pending state and collects the
     * updates, which {@link #commit} applies once the append is durable in the log's file.
     */
    final class AppendSession {
        private final Map<Long, ProducerEntry> pending = new HashMap<>(4);
        private final List<CompletedTxn> completed = new ArrayList<>(0);
        private final List<TransactionalWrite> transactionalWrites = new ArrayList<>(0);

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
         * Checks and records every batch of a leader append whose first batch gets offset {@code firstOffset}; a
         * transactional batch that would start its producer's transaction must pass {@code verification}.
         *
         * @return the original of a retried batch, in which case nothing should be appended
         * @throws InvalidTxnStateException a transactional batch would start a transaction without a held guard
         */
        Optional<ProducerBatch> checkAndRecord(List<BatchValidator.ValidBatch> batches, long firstOffset,
                                               TxnVerification verification) {
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
                    if (batch.isTransactional()) {
                        checkVerified(batch.producerId(), batch.producerEpoch(), verification);
                    }
                    record(batch.producerId(), batch.producerEpoch(), new ProducerBatch(batch.baseSequence(),
                            batch.lastSequence(), next, last, batch.maxTimestamp()), batch.isTransactional());
                }
                next = last + 1;
            }
            return Optional.empty();
        }

        /**
         * KIP-890: a transactional batch that continues the open transaction of its producer and epoch passes; one
         * that would start a transaction needs, when the leader verified it, the guard it verified under to be
         * still held, so that a transaction that ended after the coordinator's answer cannot be reopened by it.
         */
        private void checkVerified(long pid, short epoch, TxnVerification verification) {
            ProducerEntry current = current(pid);
            if (!(verification instanceof TxnVerification.Verified verified)
                    || (current != null && current.inTransactionOf(epoch))) {
                return;
            }
            boolean held = verified.guard().filter(g -> g.producerId() == pid && g.producerEpoch() == epoch
                    && guards.holds(g)).isPresent();
            if (!held) {
                throw new InvalidTxnStateException("Record was not part of an ongoing transaction: producer " + pid
                        + " epoch " + epoch + " has none open here, and its verification no longer holds");
            }
        }

        /** Records a data batch; a transactional one opens a transaction at its first offset unless one is open. */
        void record(long pid, short epoch, ProducerBatch batch, boolean transactional) {
            ProducerEntry current = current(pid);
            if (current == null) {
                current = ProducerEntry.empty(pid, epoch);
            }
            ProducerEntry next = current.with(epoch, batch);
            if (transactional) {
                transactionalWrites.add(new TransactionalWrite(pid, epoch, false));
                next = next.inTransaction() ? next : next.withTxnStart(batch.firstOffset());
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
                transactionalWrites.add(new TransactionalWrite(pid, epoch, true));
                next = next.withTxnEnded(marker.coordinatorEpoch());
            }
            pending.put(pid, next);
        }
    }

    /** A transactional data batch or end marker of an append, which may drop its producer's verification guard. */
    private record TransactionalWrite(long producerId, short epoch, boolean marker) {
    }
}
