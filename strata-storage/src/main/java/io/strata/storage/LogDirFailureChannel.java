package io.strata.storage;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the logs report I/O errors, as Kafka's {@code LogDirFailureChannel}: the first error in a log directory
 * takes the whole directory offline. After a failed write or fsync nothing in the directory can be trusted (Linux
 * may report the next fsync as successful although the pages never reached the disk), so its logs must refuse
 * every further read and write, and it must never be marked as cleanly shut down.
 *
 * <p>On the first report for a directory, {@code markOffline} runs on the reporting thread (it must not block on a
 * log's lock: the reporter may hold one); then {@code closeLogs} and the listeners run on the channel's own handler
 * thread, in report order.
 *
 * <p>Thread-safety: thread-safe.
 */
final class LogDirFailureChannel implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LogDirFailureChannel.class);

    private final List<Path> logDirs;
    private final Consumer<Path> markOffline;
    private final Consumer<Path> closeLogs;
    private final Set<Path> offline = ConcurrentHashMap.newKeySet();
    private final List<Consumer<LogDirFailure>> listeners = new CopyOnWriteArrayList<>();
    private final ExecutorService handler = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "strata-log-dir-failure-handler");
        t.setDaemon(true);
        return t;
    });

    /**
     * @param logDirs     every log directory, to tell when none is left online
     * @param markOffline makes the logs of a failed directory refuse reads and writes, at once
     * @param closeLogs   closes the file handles of the logs of a failed directory, without flushing
     */
    LogDirFailureChannel(List<Path> logDirs, Consumer<Path> markOffline, Consumer<Path> closeLogs) {
        this.logDirs = List.copyOf(logDirs);
        this.markOffline = markOffline;
        this.closeLogs = closeLogs;
    }

    /** A channel for a log used without a manager: it only records the offline directories. */
    static LogDirFailureChannel standalone() {
        return new LogDirFailureChannel(List.of(), dir -> { }, dir -> { });
    }

    void addListener(Consumer<LogDirFailure> listener) {
        listeners.add(listener);
    }

    /** Takes {@code logDir} offline because of {@code cause}; later reports for the same directory do nothing. */
    void report(Path logDir, String message, Throwable cause) {
        if (!offline.add(logDir)) {
            return;
        }
        log.error("Log directory {} is now offline: {}", logDir, message, cause);
        markOffline.accept(logDir);
        Set<Path> offlineNow = Set.copyOf(offline);
        LogDirFailure event = new LogDirFailure(logDir, offlineNow, offlineNow.containsAll(logDirs));
        Runnable handle = () -> {
            closeLogs.accept(logDir);
            if (event.noneLeft()) {
                log.error("No log directory is left online: {} are offline", offlineNow);
            }
            for (Consumer<LogDirFailure> listener : listeners) {
                try {
                    listener.accept(event);
                } catch (RuntimeException e) {
                    log.warn("Log dir failure listener failed", e);
                }
            }
        };
        try {
            handler.execute(handle);
        } catch (RejectedExecutionException e) {
            handle.run(); // closed: nobody else will
        }
    }

    boolean isOffline(Path logDir) {
        return offline.contains(logDir);
    }

    Set<Path> offlineDirs() {
        return Set.copyOf(offline);
    }

    /** Stops the handler thread once the failures already reported are handled; later ones run on the reporter. */
    @Override
    public void close() {
        handler.shutdown();
    }
}
