package io.strata.storage;

import java.nio.file.Path;
import java.util.Collection;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;

/**
 * Owns every partition log in the configured log directories.
 *
 * <p>On {@link #startup} it loads each log directory it finds: after a clean shutdown (marker present) it trusts
 * the checkpoints and validates nothing; otherwise it re-validates segments after the recovery point, truncates a
 * torn or corrupt tail and rebuilds indexes and producer state. It runs the background flusher
 * ({@code flush.ms}) and retention. Thread-safe.
 */
public interface LogManager extends AutoCloseable {

    /** Loads and recovers every existing log; {@code configs} gives the current config of a partition. */
    void startup(LogConfigSource configs);

    /** Returns the log of the partition, creating it (directory, first segment, metadata file) if needed. */
    Log getOrCreate(TopicPartition tp, Uuid topicId, LogConfig config);

    Optional<Log> get(TopicPartition tp);

    Collection<Log> all();

    /** Closes the log and removes its files (asynchronously after renaming the directory). */
    void delete(TopicPartition tp);

    /**
     * Registers a listener told, on a thread of the manager's, each time a log directory goes offline after an I/O
     * error (the logs of that directory then refuse reads and writes with {@code KafkaStorageException} and are
     * closed without a clean-shutdown marker), including when no directory is left online.
     */
    void onLogDirFailure(Consumer<LogDirFailure> listener);

    /** The log directories taken offline by an I/O error since startup. */
    Set<Path> offlineLogDirs();

    /** Whether {@code dir} is one of the log directories and has not failed. */
    boolean isOnline(Path dir);

    /**
     * Flushes all logs, writes checkpoints and the clean-shutdown marker, except in offline log directories,
     * which get neither checkpoints nor marker so that the next start recovers them.
     */
    @Override
    void close();

    /** Supplies a partition's config while logs are loaded. */
    @FunctionalInterface
    interface LogConfigSource {
        LogConfig configFor(TopicPartition tp);
    }
}
