package io.strata.storage;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes many logs at once (each one fsyncs its files), as Kafka does on shutdown: with
 * {@code num.recovery.threads.per.data.dir} threads per log directory, since one fsync after another made the
 * shutdown of a node with 10,000 partitions take over 10 s.
 *
 * <p>Stateless and thread-safe.
 */
final class LogCloser {
    private static final Logger log = LoggerFactory.getLogger(LogCloser.class);

    private LogCloser() {
    }

    /**
     * Closes every log on {@code threadsPerDir} threads (at least one) per log directory and waits for all of them,
     * even if interrupted (the interrupt is kept); a log that fails to close does not stop the others.
     *
     * @return the last failure, or empty when every log closed
     */
    static Optional<RuntimeException> closeAll(Collection<? extends Log> logs, int threadsPerDir) {
        Map<Path, List<Log>> byDir = new HashMap<>();
        for (Log l : logs) {
            byDir.computeIfAbsent(l.dir().getParent(), d -> new ArrayList<>()).add(l);
        }
        AtomicReference<RuntimeException> failure = new AtomicReference<>();
        List<ExecutorService> pools = new ArrayList<>();
        List<Future<?>> closes = new ArrayList<>();
        try {
            byDir.forEach((dir, dirLogs) -> {
                ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threadsPerDir),
                        r -> new Thread(r, "strata-log-close-" + dir.getFileName()));
                pools.add(pool);
                for (Log l : dirLogs) {
                    closes.add(pool.submit(() -> {
                        try {
                            l.close();
                        } catch (RuntimeException e) {
                            failure.set(e);
                            log.error("Close of {} failed", l.topicPartition(), e);
                        }
                    }));
                }
            });
            boolean interrupted = false;
            for (Future<?> f : closes) {
                while (true) {
                    try {
                        f.get();
                        break;
                    } catch (InterruptedException e) {
                        interrupted = true;
                    } catch (ExecutionException e) {
                        failure.set(new KafkaStorageException("Close failed", e.getCause()));
                        break;
                    }
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        } finally {
            pools.forEach(ExecutorService::shutdown);
        }
        return Optional.ofNullable(failure.get());
    }
}
