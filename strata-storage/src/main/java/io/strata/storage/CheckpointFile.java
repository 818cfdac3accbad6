package io.strata.storage;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * A small text checkpoint in Kafka's format: a version line ({@code 0}), an entry count line, then one entry per
 * line. Used for the per-directory offset checkpoints and the per-partition leader epoch checkpoint.
 *
 * <p>Writes are atomic ({@link AtomicFile}): a crash leaves either the old or the new content. A malformed file is an
 * error ({@link CorruptCheckpointException}), never an empty checkpoint: its owner must rebuild what it held.
 *
 * <p>Thread-safety: concurrent writes of the same file are serialized by the file's lock.
 *
 * @param <T> the entry type
 */
final class CheckpointFile<T> {
    private static final int VERSION = 0;

    private final Path path;
    private final Function<T, String> format;
    private final Function<String, T> parse;
    private final ReentrantLock lock = new ReentrantLock();

    CheckpointFile(Path path, Function<T, String> format, Function<String, T> parse) {
        this.path = path;
        this.format = format;
        this.parse = parse;
    }

    Path path() {
        return path;
    }

    /** Durably replaces the checkpoint with {@code entries}. */
    void write(List<T> entries) throws IOException {
        lock.lock();
        try {
            AtomicFile.write(path, format(entries));
        } finally {
            lock.unlock();
        }
    }

    /**
     * Replaces the checkpoint atomically without fsync, for writes under a log's lock; {@link #sync} makes it
     * durable. A crash before that may leave the previous version or a torn file, which {@link #read} reports as
     * corrupt.
     */
    void writeUnsynced(List<T> entries) throws IOException {
        lock.lock();
        try {
            AtomicFile.writeUnsynced(path, format(entries));
        } finally {
            lock.unlock();
        }
    }

    /**
     * Makes the last {@link #writeUnsynced} durable; a no-op when the file was never written. Takes no lock, so
     * that writers are not held up by the fsync.
     */
    void sync() throws IOException {
        if (Files.exists(path)) {
            AtomicFile.sync(path);
        }
    }

    private byte[] format(List<T> entries) {
        StringBuilder text = new StringBuilder().append(VERSION).append('\n').append(entries.size()).append('\n');
        for (T entry : entries) {
            text.append(format.apply(entry)).append('\n');
        }
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The entries, or empty when the file does not exist.
     *
     * @throws CorruptCheckpointException when the file is malformed (torn by a crash, damaged): the caller must
     *                                    rebuild what it held, never read it as empty
     * @throws IOException                when the file cannot be read
     */
    Optional<List<T>> read() throws IOException {
        lock.lock();
        try {
            if (!Files.exists(path)) {
                return Optional.empty();
            }
            List<String> lines = Files.readAllLines(path, StandardCharsets.UTF_8);
            try {
                if (lines.size() < 2 || Integer.parseInt(lines.get(0).trim()) != VERSION) {
                    throw new IllegalArgumentException("bad header");
                }
                int count = Integer.parseInt(lines.get(1).trim());
                if (count < 0 || lines.size() < 2 + count) {
                    throw new IllegalArgumentException("expected " + count + " entries");
                }
                List<T> entries = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    entries.add(parse.apply(lines.get(2 + i).trim()));
                }
                return Optional.of(entries);
            } catch (RuntimeException e) {
                throw new CorruptCheckpointException("Malformed checkpoint " + path + ": " + e.getMessage(), e);
            }
        } finally {
            lock.unlock();
        }
    }

    /** A checkpoint file that exists but cannot be parsed. */
    static final class CorruptCheckpointException extends IOException {
        CorruptCheckpointException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
