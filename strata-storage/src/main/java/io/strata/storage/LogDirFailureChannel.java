package io.strata.storage;

import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the logs report I/O errors, as Kafka's {@code LogDirFailureChannel}: the first error in a log directory
 * takes the whole directory offline. After a failed write or fsync nothing in the directory can be trusted (Linux
 * may report the next fsync as successful although the pages never reached the disk), so its logs must refuse
 * every further read and write, and it must never be marked as cleanly shut down.
 *
 * <p>Thread-safety: thread-safe. {@link #report} runs the handler on the reporting thread, once per directory; the
 * handler must not block on a log's lock (the reporter may hold one).
 */
final class LogDirFailureChannel {
    private static final Logger log = LoggerFactory.getLogger(LogDirFailureChannel.class);

    private final Set<Path> offline = ConcurrentHashMap.newKeySet();
    private final Consumer<Path> onFirstFailure;

    /** @param onFirstFailure told of each directory the first time it fails */
    LogDirFailureChannel(Consumer<Path> onFirstFailure) {
        this.onFirstFailure = onFirstFailure;
    }

    /** A channel for a log used without a manager: it only records the offline directories. */
    static LogDirFailureChannel standalone() {
        return new LogDirFailureChannel(dir -> { });
    }

    /** Takes {@code logDir} offline because of {@code cause}; later reports for the same directory do nothing. */
    void report(Path logDir, String message, Throwable cause) {
        if (offline.add(logDir)) {
            log.error("Log directory {} is now offline: {}", logDir, message, cause);
            onFirstFailure.accept(logDir);
        }
    }

    boolean isOffline(Path logDir) {
        return offline.contains(logDir);
    }

    Set<Path> offlineDirs() {
        return Set.copyOf(offline);
    }
}
