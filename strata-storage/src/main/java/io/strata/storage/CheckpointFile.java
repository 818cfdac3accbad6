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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small text checkpoint in Kafka's format: a version line ({@code 0}), an entry count line, then one entry per
 * line. Used for the per-directory offset checkpoints and the per-partition leader epoch checkpoint.
 *
 * <p>Writes are atomic and durable ({@link AtomicFile}): a crash leaves either the old or the new content. A malformed file reads as absent (with a warning) because every
 * checkpoint we keep can be recomputed or safely defaulted.
 *
 * <p>Thread-safety: concurrent writes of the same file are serialized by the file's lock.
 *
 * @param <T> the entry type
 */
final class CheckpointFile<T> {
    private static final Logger log = LoggerFactory.getLogger(CheckpointFile.class);
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

    void write(List<T> entries) {
        lock.lock();
        try {
            StringBuilder text = new StringBuilder().append(VERSION).append('\n').append(entries.size()).append('\n');
            for (T entry : entries) {
                text.append(format.apply(entry)).append('\n');
            }
            AtomicFile.write(path, text.toString().getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new org.apache.kafka.common.errors.KafkaStorageException("Cannot write checkpoint " + path, e);
        } finally {
            lock.unlock();
        }
    }

    /** The entries, or empty when the file is missing or malformed. */
    Optional<List<T>> read() {
        lock.lock();
        try {
            if (!Files.exists(path)) {
                return Optional.empty();
            }
            List<String> lines = Files.readAllLines(path, StandardCharsets.UTF_8);
            if (lines.size() < 2 || Integer.parseInt(lines.get(0).trim()) != VERSION) {
                throw new IllegalArgumentException("bad header");
            }
            int count = Integer.parseInt(lines.get(1).trim());
            if (lines.size() < 2 + count) {
                throw new IllegalArgumentException("expected " + count + " entries");
            }
            List<T> entries = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                entries.add(parse.apply(lines.get(2 + i).trim()));
            }
            return Optional.of(entries);
        } catch (IOException | RuntimeException e) {
            log.warn("Ignoring malformed checkpoint {}: {}", path, e.toString());
            return Optional.empty();
        } finally {
            lock.unlock();
        }
    }
}
