package io.strata.storage;

import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A memory-mapped file of fixed-size entries, sorted by offset, shared by {@link OffsetIndex} and {@link TimeIndex}.
 *
 * <p>The index of the active segment is mapped at its maximum size (so appends never remap); an inactive index is
 * trimmed to its entries, which is also what a clean shutdown leaves on disk. After an unclean shutdown the active
 * index still has its preallocated length and zero entries at the tail: the sanity checks reject it and the loader
 * rebuilds it.
 *
 * <p>An index created for an empty segment ({@link #AbstractIndex(File, long, int, int, boolean) fresh}) is lazy,
 * like Kafka's {@code LazyIndex}: no file is created and nothing is mapped until the first entry is written. Most
 * segments of a node with many partitions never reach {@code index.interval.bytes}, and creating, preallocating and
 * mapping two files per partition was a large share of the cost of creating a partition. An unopened index has no
 * entries, so every read answers from the entry count without touching the (absent) mapping. An empty segment keeps
 * no index files at all, even across restarts; a segment with batches but no entry gets empty files when it becomes
 * inactive or closes, so that a clean reload finds the indexes it expects.
 *
 * <p>Thread-safety: writers (append, truncate, resize, the first open) hold the index lock; readers are lock-free. A
 * writer maps the file and stores an entry's bytes before publishing the new count through a volatile field, and
 * never shrinks the file below the published entries, so a reader that saw {@code n} entries sees a mapping holding
 * them, from whichever mapping it picked up.
 */
abstract class AbstractIndex {
    /** The page size assumed when allocating pages ahead of writes through the mapping (4 KiB on x86-64). */
    static final int PAGE_SIZE = 4096;
    protected final long baseOffset;
    private final int entrySize;
    protected final ReentrantLock lock = new ReentrantLock();
    private volatile File file;
    /** Null until the file is opened (lazy indexes only); then never null again. */
    private volatile MappedByteBuffer mmap;
    private volatile int entries;
    private volatile int maxEntries;
    /** The length to map the file at when a lazy index opens it; guarded by {@link #lock}. */
    private int pendingLength;
    /**
     * How much of the file, from its start and in whole pages, is known to be backed by allocated blocks (see
     * {@link #ensureBacked}); guarded by {@link #lock}.
     */
    private int backedBytes;

    /**
     * Opens or creates an index. Existing entries are taken from the file length; {@code maxIndexSize} > 0 maps
     * the file at that size for appends, 0 maps it as it is.
     */
    protected AbstractIndex(File file, long baseOffset, int entrySize, int maxIndexSize) throws IOException {
        this(file, baseOffset, entrySize, maxIndexSize, false);
    }

    /**
     * With {@code fresh}, the caller guarantees that {@code file} does not exist (a new, empty segment): the index
     * starts empty and opens the file on its first write, at {@code maxIndexSize}. Otherwise as
     * {@link #AbstractIndex(File, long, int, int)}.
     */
    protected AbstractIndex(File file, long baseOffset, int entrySize, int maxIndexSize, boolean fresh)
            throws IOException {
        this.file = file;
        this.baseOffset = baseOffset;
        this.entrySize = entrySize;
        if (fresh) {
            this.pendingLength = roundDown(Math.max(0, maxIndexSize));
            this.maxEntries = pendingLength / entrySize;
            return;
        }
        try (RandomAccessFile raf = new RandomAccessFile(file, "rw")) {
            int existing = (int) Math.min(Integer.MAX_VALUE / entrySize, raf.length() / entrySize);
            this.entries = existing;
            // The pages of the existing entries were written, but the last one may not be backed to its end.
            this.backedBytes = existing * entrySize / PAGE_SIZE * PAGE_SIZE;
            remap(raf, maxIndexSize > 0 ? Math.max(roundDown(maxIndexSize), existing * entrySize) : existing * entrySize);
        }
    }

    private int roundDown(int size) {
        return size / entrySize * entrySize;
    }

    private void remap(RandomAccessFile raf, int length) throws IOException {
        // Cut off, the file's tail is a hole again when it grows back; the page holding the end may be partly so.
        backedBytes = Math.min(backedBytes, length / PAGE_SIZE * PAGE_SIZE);
        raf.setLength(length);
        mmap = raf.getChannel().map(FileChannel.MapMode.READ_WRITE, 0, length);
        maxEntries = length / entrySize;
    }

    File file() {
        return file;
    }

    /** Whether the file has been opened and mapped (false only for a lazy index that was never written). */
    boolean isOpen() {
        return mmap != null;
    }

    /**
     * Opens and maps a lazy index's file, creating it, before the first entry is written. Called with the lock held.
     */
    protected void ensureOpen() {
        if (mmap != null) {
            return;
        }
        try (RandomAccessFile raf = new RandomAccessFile(file, "rw")) {
            remap(raf, pendingLength);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot open index " + file, e);
        }
    }

    int entries() {
        return entries;
    }

    int maxEntries() {
        return maxEntries;
    }

    boolean isFull() {
        return entries >= maxEntries;
    }

    /** The mapping to read from; absolute gets only, never below zero or above the published entries. */
    protected MappedByteBuffer buffer() {
        return mmap;
    }

    protected int entrySize() {
        return entrySize;
    }

    /** Called by subclasses with the lock held after writing the entry's bytes at slot {@link #entries()}. */
    protected void publishAppend() {
        entries = entries + 1;
    }

    /** Called by subclasses with the lock held. */
    protected void publishTruncation(int newEntries) {
        entries = newEntries;
    }

    /**
     * Makes sure that the file's bytes below {@code end} are backed by allocated blocks before an entry is written
     * there through the mapping. Past what was written the file is sparse, and a write to a mapped page the file
     * system cannot back (it is full) is killed by SIGBUS, which the JVM reports as an {@link InternalError} at
     * some later point of the thread rather than at the write. So each new page is first written through a channel,
     * with the entries it already holds (nothing a reader sees changes), and a full file system fails that write
     * with an ordinary {@link IOException}. One small write per {@value #PAGE_SIZE} bytes of entries. Called by
     * subclasses with the lock held, after {@link #ensureOpen}.
     *
     * @throws UncheckedIOException when a page cannot be allocated; nothing was written to the mapping
     */
    protected void ensureBacked(int end) {
        if (end <= backedBytes) {
            return;
        }
        MappedByteBuffer buf = mmap;
        try (FileChannel channel = FileChannel.open(file.toPath(), StandardOpenOption.WRITE)) {
            while (backedBytes < end) {
                int length = Math.min(PAGE_SIZE, buf.capacity() - backedBytes);
                ByteBuffer page = ByteBuffer.allocate(length);
                // Only written entries are read back: reading a hole through the mapping can fault too (tmpfs
                // allocates on a read fault), and the bytes past the entries are nobody's.
                int written = Math.min(length, entries * entrySize - backedBytes);
                if (written > 0) {
                    page.put(0, buf, backedBytes, written);
                }
                while (page.hasRemaining()) {
                    channel.write(page, backedBytes + page.position());
                }
                backedBytes += length;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot allocate the pages of index " + file, e);
        }
    }

    /** Drops the entries from slot {@code count} on (undoing a failed append); a larger count changes nothing. */
    void truncateToEntries(int count) {
        lock.lock();
        try {
            if (count < entries) {
                publishTruncation(Math.max(0, count));
            }
        } finally {
            lock.unlock();
        }
    }

    /** Drops every entry. */
    void reset() {
        lock.lock();
        try {
            entries = 0;
            backedBytes = 0; // the entries counted at open may have been a preallocated, sparse file's length
        } finally {
            lock.unlock();
        }
    }

    /**
     * Remaps the file at {@code newSize} bytes (never below the entries), e.g. to let an old segment grow again. A
     * lazy index that was never opened only records the size to open at.
     */
    void resize(int newSize) {
        lock.lock();
        try {
            int length = Math.max(roundDown(newSize), entries * entrySize);
            if (mmap == null) {
                pendingLength = length;
                maxEntries = length / entrySize;
                return;
            }
            try (RandomAccessFile raf = new RandomAccessFile(file, "rw")) {
                remap(raf, length);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Shrinks the file to its entries: done when a segment becomes inactive and on close. A lazy index that was
     * never opened stays without a file (see {@link #createIfAbsent}).
     */
    void trimToValidSize() {
        lock.lock();
        try {
            if (mmap == null) {
                pendingLength = 0;
                maxEntries = 0;
                return;
            }
            if (maxEntries != entries) {
                resize(entries * entrySize);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Creates the (empty) file of a lazy index that was never opened. A segment holding batches but no index entry
     * calls this when it becomes inactive or closes, so that a clean reload finds a valid index instead of
     * rebuilding it.
     */
    void createIfAbsent() {
        lock.lock();
        try {
            if (mmap == null) {
                boolean existed = !file.createNewFile();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create index " + file, e);
        } finally {
            lock.unlock();
        }
    }

    void flush() {
        MappedByteBuffer buf = mmap;
        if (buf != null) {
            buf.force();
        }
    }

    /** Renames the file; a lazy index whose file does not exist yet only takes the new name. */
    void renameTo(File target) throws IOException {
        lock.lock();
        try {
            if (mmap != null || file.exists()) {
                Files.move(file.toPath(), target.toPath(), StandardCopyOption.ATOMIC_MOVE);
            }
            file = target;
        } finally {
            lock.unlock();
        }
    }

    void deleteIfExists() throws IOException {
        // The mapping stays valid until collected; deleting the name is safe on the platforms we support.
        Files.deleteIfExists(file.toPath());
    }

    /** Index of the largest slot whose key is at most {@code target}, or -1; keys must be non-decreasing. */
    protected int largestSlotAtMost(long target, SlotKey key) {
        int n = entries;
        MappedByteBuffer buf = mmap;
        int lo = 0;
        int hi = n - 1;
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (key.at(buf, mid) <= target) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found;
    }

    /** Reads the sort key of a slot. */
    @FunctionalInterface
    protected interface SlotKey {
        long at(MappedByteBuffer buffer, int slot);
    }
}
