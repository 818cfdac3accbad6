package io.strata.storage;

import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * A segment's aborted-transaction index ({@code <base offset>.txnindex}) in Kafka's on-disk layout: one 34-byte
 * entry per ABORT marker in the segment, in marker order — version (int16, 0), producer id (int64), first offset
 * (int64), last offset (the marker's, int64) and the last stable offset after the abort (int64).
 *
 * <p>The file is created with its first entry (most segments have none, and an absent file is an empty index, as
 * in Kafka). Entries are also kept in memory: aborts are rare, and read_committed fetches look them up on every
 * read. A file whose size is not a whole number of entries, or holds an entry of an unknown version, is unreadable:
 * {@link #isSane()} says so and the segment is recovered, which rebuilds it from the log.
 *
 * <p>No descriptor stays open: a write opens the file and closes it again, and {@link #flush} fsyncs what was
 * written since the last flush. Aborts are rare, and a node with thousands of partitions keeps its descriptors for
 * the segments' log files (an index held open per segment with an abort would double them).
 *
 * <p>Thread-safety: mutations are made under the owning log's lock; {@link #collect} is lock-free, over an
 * immutable list published through a volatile field.
 */
final class TransactionIndex {
    static final int ENTRY_SIZE = 34;
    private static final short VERSION = 0;

    private volatile File file;
    private volatile List<AbortedTxn> entries;
    private final boolean sane;
    /** Whether the file was written since it was last fsynced. */
    private boolean dirty;

    /** Opens the index in {@code file}, reading its entries if it exists. */
    TransactionIndex(File file) throws IOException {
        this.file = file;
        List<AbortedTxn> read = new ArrayList<>();
        boolean ok = true;
        if (file.exists()) {
            ByteBuffer buf = ByteBuffer.wrap(Files.readAllBytes(file.toPath()));
            ok = buf.remaining() % ENTRY_SIZE == 0;
            while (ok && buf.remaining() >= ENTRY_SIZE) {
                if (buf.getShort() != VERSION) {
                    ok = false;
                    break;
                }
                read.add(new AbortedTxn(buf.getLong(), buf.getLong(), buf.getLong(), buf.getLong()));
            }
        }
        this.sane = ok;
        this.entries = ok ? List.copyOf(read) : List.of();
    }

    File file() {
        return file;
    }

    /** False when the file could not be read as an index; the segment must then be recovered. */
    boolean isSane() {
        return sane;
    }

    List<AbortedTxn> entries() {
        return entries;
    }

    /**
     * Adds the abort of a transaction closed by a marker of this segment.
     *
     * @throws IllegalArgumentException when the marker is not after the last one indexed
     */
    void append(AbortedTxn txn) throws IOException {
        List<AbortedTxn> current = entries;
        if (!current.isEmpty() && current.get(current.size() - 1).lastOffset() >= txn.lastOffset()) {
            throw new IllegalArgumentException("Aborted transaction at " + txn.lastOffset()
                    + " is not after the last indexed one at " + current.get(current.size() - 1).lastOffset());
        }
        ByteBuffer buf = ByteBuffer.allocate(ENTRY_SIZE);
        buf.putShort(VERSION).putLong(txn.producerId()).putLong(txn.firstOffset()).putLong(txn.lastOffset())
                .putLong(txn.lastStableOffset()).flip();
        try (FileChannel ch = FileChannel.open(file.toPath(), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            long at = (long) current.size() * ENTRY_SIZE;
            while (buf.hasRemaining()) {
                at += ch.write(buf, at);
            }
        }
        dirty = true;
        List<AbortedTxn> next = new ArrayList<>(current.size() + 1);
        next.addAll(current);
        next.add(txn);
        entries = List.copyOf(next);
    }

    /** Adds {@code txns} in order (the cleaner carries over the entries of the segments it replaces). */
    void appendAll(List<AbortedTxn> txns) throws IOException {
        for (AbortedTxn t : txns) {
            append(t);
        }
    }

    /**
     * The aborted transactions that overlap offsets {@code [from, upTo)}: their marker at or after {@code from} and
     * their first offset before {@code upTo}.
     */
    List<AbortedTxn> collect(long from, long upTo) {
        List<AbortedTxn> result = List.of();
        for (AbortedTxn t : entries) {
            if (t.lastOffset() >= from && t.firstOffset() < upTo) {
                result = result.isEmpty() ? new ArrayList<>(2) : result;
                result.add(t);
            }
        }
        return result;
    }

    /** Removes the entries of markers at or above {@code offset} (the segment was truncated there). */
    void truncateTo(long offset) throws IOException {
        List<AbortedTxn> current = entries;
        int keep = 0;
        while (keep < current.size() && current.get(keep).lastOffset() < offset) {
            keep++;
        }
        if (keep == current.size()) {
            return;
        }
        entries = List.copyOf(current.subList(0, keep));
        if (keep == 0) {
            deleteIfExists();
        } else {
            try (FileChannel ch = FileChannel.open(file.toPath(), StandardOpenOption.WRITE)) {
                ch.truncate((long) keep * ENTRY_SIZE);
            }
            dirty = true;
        }
    }

    /** Empties the index (the segment is being recovered, which re-adds its aborts). */
    void reset() throws IOException {
        entries = List.of();
        deleteIfExists();
    }

    /** Fsyncs what was written since the last flush (fsync is per file, so a new descriptor does it). */
    void flush() throws IOException {
        if (dirty && file.exists()) {
            try (FileChannel ch = FileChannel.open(file.toPath(), StandardOpenOption.WRITE)) {
                ch.force(true);
            }
        }
        dirty = false;
    }

    /** Renames the file (if it exists) to {@code to}; later appends go there. */
    void renameTo(File to) throws IOException {
        if (file.exists()) {
            Files.move(file.toPath(), to.toPath(), StandardCopyOption.ATOMIC_MOVE);
        }
        file = to;
    }

    /** Deletes the file, if it exists. */
    void deleteIfExists() throws IOException {
        dirty = false;
        Files.deleteIfExists(file.toPath());
    }
}
