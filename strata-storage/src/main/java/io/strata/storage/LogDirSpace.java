package io.strata.storage;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps appends from filling the file system of a log directory and refuses them while it is full, so that a full
 * disk is a state the node leaves by itself once space is freed, not a failed directory (Kafka takes the directory
 * offline; a node whose only directory is full would then stop).
 *
 * <p>An append of {@code n} bytes to a log of directory {@code d} is refused with {@link KafkaStorageException}
 * (the client gets {@code KAFKA_STORAGE_ERROR}) when it would leave less than {@code minFreeBytes} usable on
 * {@code d}'s file system. The reserve is room for what the node must still write once data writes stop: index
 * pages, producer snapshots, checkpoints, the metadata log when it shares the file system. An append that runs out
 * of space anyway (another process filled the disk, or the reserve is 0) is rolled back by its log and reported
 * through {@link #markFull}, with the same effect.
 *
 * <p>Cost on the append path: the usable space is read ({@code statvfs}) at most every {@value #SAMPLE_INTERVAL_MS}
 * ms per directory, by one thread; between readings each append's bytes are subtracted from the last one. So the
 * node's own appends count at once, while other writers and freed space (retention, a deleted file) are seen at
 * the next reading: a full directory takes appends again within {@value #SAMPLE_INTERVAL_MS} ms of the reserve and
 * a {@linkplain #resumeMarginBytes margin} being free.
 *
 * <p>Thread-safety: thread-safe. {@link #reserve} takes no lock unless a reading is due, and then only tries one.
 */
final class LogDirSpace {
    static final long SAMPLE_INTERVAL_MS = 100;
    /** Below this much usable space, a failed write is taken for lack of space, whatever its error says. */
    static final long NEARLY_FULL_BYTES = 1 << 20;
    private static final Logger log = LoggerFactory.getLogger(LogDirSpace.class);

    /** Reads the usable bytes of a directory's file system. Must be thread-safe. */
    @FunctionalInterface
    interface UsableSpace {
        long bytes(Path dir) throws IOException;
    }

    private final long minFreeBytes;
    private final UsableSpace usable;
    private final LongSupplier nanoTime;
    private final ConcurrentHashMap<Path, Dir> dirs = new ConcurrentHashMap<>();

    /**
     * @param minFreeBytes the reserve; 0 refuses appends only once a directory ran out of space
     * @param usable       where the usable space comes from: {@link #fileStores()} but in tests
     * @param nanoTime     the clock that ages readings
     */
    LogDirSpace(long minFreeBytes, UsableSpace usable, LongSupplier nanoTime) {
        if (minFreeBytes < 0) {
            throw new IllegalArgumentException("minFreeBytes < 0: " + minFreeBytes);
        }
        this.minFreeBytes = minFreeBytes;
        this.usable = usable;
        this.nanoTime = nanoTime;
    }

    /**
     * Counts {@code bytes} about to be appended to a log of {@code logDir}.
     *
     * @throws KafkaStorageException when the append would leave less than the reserve, or, once the directory is
     *         full, less than the reserve and the {@linkplain #resumeMarginBytes margin}; nothing is counted then
     */
    void reserve(Path logDir, long bytes) {
        Dir d = dirs.computeIfAbsent(logDir, Dir::new);
        long now = nanoTime.getAsLong();
        if (now - d.sampledAtNanos >= TimeUnit.MILLISECONDS.toNanos(SAMPLE_INTERVAL_MS)) {
            d.sample(now);
        }
        long left = d.free.addAndGet(-bytes);
        if (left < minFreeBytes + (d.full ? resumeMarginBytes() : 0)) {
            d.free.addAndGet(bytes);
            if (!d.full) {
                d.full = true;
                log.warn("Log directory {} is full: {} bytes usable, the reserve is {} bytes; appends are refused"
                        + " with KAFKA_STORAGE_ERROR until space is freed", logDir, Math.max(0, left + bytes),
                        minFreeBytes);
            }
            throw new KafkaStorageException("Log directory " + logDir + " is full: appends are refused while"
                    + " less than " + minFreeBytes + " bytes would be left usable");
        }
        if (d.full) {
            d.full = false;
            log.info("Log directory {} accepts appends again: {} bytes usable", logDir, left + bytes);
        }
    }

    /**
     * How much more than the reserve a full directory needs before it takes appends again: an eighth of the
     * reserve, at most 1 MiB, so that appends of different sizes near the limit do not switch it back and forth.
     */
    long resumeMarginBytes() {
        return Math.min(minFreeBytes / 8, 1 << 20);
    }

    /**
     * An append to {@code logDir} ran out of space although {@link #reserve} let it in: appends are refused until
     * the next reading of the usable space shows room.
     */
    void markFull(Path logDir) {
        Dir d = dirs.computeIfAbsent(logDir, Dir::new);
        d.sampledAtNanos = nanoTime.getAsLong();
        d.free.set(Math.min(d.free.get(), 0));
    }

    /**
     * Whether {@code failure} of a write in {@code logDir} was for lack of space: ENOSPC or EDQUOT anywhere in its
     * causes, or any failure while the file system is nearly full, since the error does not always say why (the
     * JVM's messages follow the locale). A failing disk that
     * is also nearly full is then only refused writes; its next fsync or read error takes it offline.
     */
    boolean isOutOfSpace(Path logDir, Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            String message = t.getMessage();
            if (message != null && (message.contains("No space left on device")
                    || message.contains("Disk quota exceeded"))) {
                return true;
            }
        }
        try {
            return usable.bytes(logDir) < NEARLY_FULL_BYTES;
        } catch (IOException e) {
            return false;
        }
    }

    /** The usable space per directory, from each directory's {@link FileStore}, looked up once. */
    static UsableSpace fileStores() {
        ConcurrentHashMap<Path, FileStore> stores = new ConcurrentHashMap<>();
        return dir -> {
            FileStore store = stores.get(dir);
            if (store == null) {
                store = Files.getFileStore(dir);
                stores.put(dir, store);
            }
            return store.getUsableSpace();
        };
    }

    /** What is known of one directory's space. */
    private final class Dir {
        private final Path path;
        private final ReentrantLock sampling = new ReentrantLock();
        /** Usable bytes at the last reading, less what was appended since. */
        private final AtomicLong free = new AtomicLong(Long.MAX_VALUE / 2);
        private volatile long sampledAtNanos;
        private volatile boolean full;

        Dir(Path path) {
            this.path = path;
            this.sampledAtNanos = nanoTime.getAsLong() - TimeUnit.MILLISECONDS.toNanos(SAMPLE_INTERVAL_MS);
        }

        /** Reads the usable space, unless another thread is doing it (the estimate serves meanwhile). */
        void sample(long now) {
            if (!sampling.tryLock()) {
                return;
            }
            try {
                if (now - sampledAtNanos < TimeUnit.MILLISECONDS.toNanos(SAMPLE_INTERVAL_MS)) {
                    return;
                }
                try {
                    free.set(usable.bytes(path));
                } catch (IOException e) {
                    // Unknown: refuse nothing on a guess; a write that runs out of space still reports it.
                    log.debug("Cannot read the usable space of {}: {}", path, e.toString());
                    free.set(Long.MAX_VALUE / 2);
                }
                sampledAtNanos = now;
            } finally {
                sampling.unlock();
            }
        }
    }
}
