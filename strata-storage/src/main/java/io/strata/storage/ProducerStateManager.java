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
import java.util.TreeSet;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The idempotent-producer state of one partition: per producer id its epoch and last five batches, valid for the
 * log up to {@link #mapEndOffset()}.
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
    private static final int SNAPSHOT_MAGIC = 0x53505331; // "SPS1"

    private final Path dir;
    private final Map<Long, ProducerEntry> producers = new HashMap<>();
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
                    last == null ? -1 : last.timestamp()));
        }
        return active;
    }

    /** Makes an append's producer updates visible; {@code endOffset} is the log end after the append. */
    void commit(AppendSession session, long endOffset) {
        producers.putAll(session.pending);
        mapEndOffset = endOffset;
    }

    /** Applies a batch read back from the log (recovery, truncation) without validation. */
    void replay(BatchHeader batch) {
        long pid = batch.producerId();
        if (pid >= 0) {
            ProducerEntry current = producers.get(pid);
            short epoch = batch.producerEpoch();
            if (current == null) {
                current = new ProducerEntry(pid, epoch, List.of());
            }
            if (epoch >= current.epoch()) {
                producers.put(pid, batch.isControl() ? current.withEpoch(epoch)
                        : current.with(epoch, new ProducerBatch(batch.baseSequence(), batch.lastSequence(),
                                batch.baseOffset(), batch.lastOffset(), batch.maxTimestamp())));
            }
        }
        mapEndOffset = Math.max(mapEndOffset, batch.lastOffset() + 1);
    }

    /** Declares the state valid for the log up to {@code offset} (after a replay that ended there). */
    void loadedUpTo(long offset) {
        mapEndOffset = offset;
    }

    /**
     * Forgets the producers whose last batch is at least {@code expirationMs} older than {@code nowMs}
     * ({@code producer.id.expiration.ms}, on the last batch's timestamp as Kafka does), so that the state and its
     * snapshots stay bounded; a producer with no data batch (only an epoch bump) has nothing to keep it. Strata has
     * no transactions, so no producer is kept alive by an ongoing one.
     *
     * @return how many producers were removed
     */
    int removeExpiredProducers(long nowMs, long expirationMs) {
        int before = producers.size();
        producers.values().removeIf(e -> {
            ProducerBatch last = e.lastBatch();
            return last == null || nowMs - last.timestamp() >= expirationMs;
        });
        return before - producers.size();
    }

    /** Forgets everything; the state is then valid for an empty log starting at {@code offset}. */
    void reset(long offset) {
        producers.clear();
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

    private ByteBuffer serialize() {
        int size = 4;
        for (ProducerEntry e : producers.values()) {
            size += 8 + 2 + 4 + e.batches().size() * (4 + 4 + 8 + 8 + 8);
        }
        ByteBuffer body = ByteBuffer.allocate(size);
        body.putInt(producers.size());
        for (ProducerEntry e : producers.values()) {
            body.putLong(e.producerId()).putShort(e.epoch()).putInt(e.batches().size());
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
        if (buf.remaining() < 12 || buf.getInt() != SNAPSHOT_MAGIC) {
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
            int n = buf.getInt();
            List<ProducerBatch> batches = new ArrayList<>(n);
            for (int j = 0; j < n; j++) {
                batches.add(new ProducerBatch(buf.getInt(), buf.getInt(), buf.getLong(), buf.getLong(), buf.getLong()));
            }
            result.put(pid, new ProducerEntry(pid, epoch, batches));
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
                producers.clear();
                producers.putAll(loaded);
                mapEndOffset = offset;
                return Optional.of(offset);
            } catch (IOException | RuntimeException e) {
                log.warn("Deleting unreadable producer snapshot {}: {}", file, e.toString());
                deleteQuietly(file);
            }
        }
        producers.clear();
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

        private ProducerEntry current(long pid) {
            ProducerEntry e = pending.get(pid);
            return e != null ? e : producers.get(pid);
        }

        /**
         * Checks a data batch's epoch and sequence range.
         *
         * @return the original batch when this one is a retry of one of the producer's last five batches
         */
        Optional<ProducerBatch> check(long pid, short epoch, int firstSeq, int lastSeq) {
            ProducerEntry current = current(pid);
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
                    recordControl(batch.producerId(), batch.producerEpoch());
                } else if (batch.hasProducerId()) {
                    Optional<ProducerBatch> duplicate = check(batch.producerId(), batch.producerEpoch(),
                            batch.baseSequence(), batch.lastSequence());
                    if (duplicate.isPresent()) {
                        return duplicate;
                    }
                    record(batch.producerId(), batch.producerEpoch(), new ProducerBatch(batch.baseSequence(),
                            batch.lastSequence(), next, last, batch.maxTimestamp()));
                }
                next = last + 1;
            }
            return Optional.empty();
        }

        void record(long pid, short epoch, ProducerBatch batch) {
            ProducerEntry current = current(pid);
            if (current == null) {
                current = new ProducerEntry(pid, epoch, List.of());
            }
            pending.put(pid, current.with(epoch, batch));
        }

        /** A control batch (transaction marker): fences older epochs, carries no sequence. */
        void recordControl(long pid, short epoch) {
            ProducerEntry current = current(pid);
            if (current != null && epoch < current.epoch()) {
                throw new InvalidProducerEpochException("Producer " + pid + " epoch " + epoch
                        + " is older than the current epoch " + current.epoch());
            }
            pending.put(pid, current == null ? new ProducerEntry(pid, epoch, List.of()) : current.withEpoch(epoch));
        }
    }
}
