package io.strata.storage;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The exclusive lock on a log directory's {@code .lock} file, as Kafka takes it: a directory belongs to one process
 * (and one log manager in it) from before its first file is touched until the lock is closed. A second node started
 * by mistake on the same directory must not recover, checkpoint or mark clean the live node's logs.
 *
 * <p>The lock is an OS advisory lock ({@link FileChannel#tryLock()}): it disappears with the process, so a
 * {@code kill -9} never leaves a stale lock behind. The {@code .lock} file itself is never deleted.
 *
 * <p>Thread-safety: {@link #acquire} is safe from any thread; {@link #close} is idempotent.
 */
public final class LogDirLock implements AutoCloseable {
    /** The lock file's name, Kafka's. */
    public static final String FILE_NAME = ".lock";
    private static final Logger log = LoggerFactory.getLogger(LogDirLock.class);

    private final Path dir;
    private final FileChannel channel;
    private final FileLock lock;

    private LogDirLock(Path dir, FileChannel channel, FileLock lock) {
        this.dir = dir;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Creates {@code dir} if needed and locks it.
     *
     * @throws KafkaException with Kafka's message when another process (or another manager in this one) holds it,
     *                        or when the lock file cannot be opened
     */
    public static LogDirLock acquire(Path dir) {
        Path file = dir.resolve(FILE_NAME);
        FileChannel channel = null;
        try {
            Files.createDirectories(dir);
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = tryLock(channel);
            if (lock == null) {
                throw new KafkaException("Failed to acquire lock on file " + FILE_NAME + " in " + dir
                        + ". A Kafka instance in another process or thread is using this directory.");
            }
            return new LogDirLock(dir, channel, lock);
        } catch (IOException e) {
            closeQuietly(channel);
            throw new KafkaException("Cannot lock log directory " + dir, e);
        } catch (RuntimeException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    /**
     * Locks every directory, in order; on failure releases those already locked and rethrows.
     *
     * @return the locks, in the order of {@code dirs}
     */
    public static List<LogDirLock> acquireAll(List<Path> dirs) {
        List<LogDirLock> locks = new ArrayList<>(dirs.size());
        try {
            for (Path dir : dirs) {
                locks.add(acquire(dir));
            }
            return locks;
        } catch (RuntimeException e) {
            locks.forEach(LogDirLock::close);
            throw e;
        }
    }

    /** Null when held elsewhere: by another process, or by another channel of this JVM. */
    private static FileLock tryLock(FileChannel channel) throws IOException {
        try {
            return channel.tryLock();
        } catch (OverlappingFileLockException e) {
            return null;
        }
    }

    /** Releases the lock; the directory may then be taken by another manager or process. */
    @Override
    public void close() {
        try {
            if (lock.isValid()) {
                lock.release();
            }
        } catch (IOException e) {
            log.warn("Cannot release the lock of {}: {}", dir, e.toString());
        }
        closeQuietly(channel);
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel == null) {
            return;
        }
        try {
            channel.close();
        } catch (IOException e) {
            log.debug("Closing a lock file: {}", e.toString());
        }
    }
}
