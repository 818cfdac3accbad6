package io.strata.storage;

import java.nio.file.Path;
import java.util.List;

/**
 * Broker-level settings of the log manager (Kafka names).
 *
 * @param logDirs                       {@code log.dirs}
 * @param recoveryThreadsPerDataDir     {@code num.recovery.threads.per.data.dir} (default 2)
 * @param flushSchedulerIntervalMs      {@code log.flush.scheduler.interval.ms} (default Long.MAX_VALUE)
 * @param flushOffsetCheckpointIntervalMs {@code log.flush.offset.checkpoint.interval.ms} (default 60000)
 * @param retentionCheckIntervalMs      {@code log.retention.check.interval.ms} (default 300000)
 * @param fileDeleteDelayMs             {@code log.segment.delete.delay.ms} (default 60000)
 * @param cleanerEnable                 {@code log.cleaner.enable} (default true): run the log cleaner that
 *                                      compacts {@code cleanup.policy=compact} logs
 * @param cleanerThreads                {@code log.cleaner.threads} (default 1)
 * @param cleanerBackoffMs              {@code log.cleaner.backoff.ms} (default 15000): how long a cleaner thread
 *                                      waits when no log needs cleaning
 * @param producerIdExpirationMs        {@code producer.id.expiration.ms} (default 86400000): a producer whose last
 *                                      batch is older than this is forgotten, so that producer state stays bounded
 * @param producerIdExpirationCheckIntervalMs {@code producer.id.expiration.check.interval.ms} (default 600000)
 * @param minFreeBytes                  {@code strata.log.dir.min.free.bytes} (default 64 MiB, Strata's own): appends
 *                                      to a log directory are refused with {@code KAFKA_STORAGE_ERROR} while they
 *                                      would leave less than this usable on its file system ({@link LogDirSpace})
 */
public record LogManagerConfig(List<Path> logDirs, int recoveryThreadsPerDataDir, long flushSchedulerIntervalMs,
                               long flushOffsetCheckpointIntervalMs, long retentionCheckIntervalMs,
                               long fileDeleteDelayMs, boolean cleanerEnable, int cleanerThreads,
                               long cleanerBackoffMs, long producerIdExpirationMs,
                               long producerIdExpirationCheckIntervalMs, long minFreeBytes) {
    public static final boolean DEFAULT_CLEANER_ENABLE = true;
    public static final int DEFAULT_CLEANER_THREADS = 1;
    public static final long DEFAULT_CLEANER_BACKOFF_MS = 15_000;
    public static final long DEFAULT_PRODUCER_ID_EXPIRATION_MS = 86_400_000;
    public static final long DEFAULT_PRODUCER_ID_EXPIRATION_CHECK_INTERVAL_MS = 600_000;
    public static final long DEFAULT_MIN_FREE_BYTES = 64L << 20;

    public LogManagerConfig {
        if (minFreeBytes < 0) {
            throw new IllegalArgumentException("strata.log.dir.min.free.bytes must not be negative: " + minFreeBytes);
        }
    }

    /** The settings without cleaner or producer expiration overrides: both run with Kafka's defaults. */
    public LogManagerConfig(List<Path> logDirs, int recoveryThreadsPerDataDir, long flushSchedulerIntervalMs,
                            long flushOffsetCheckpointIntervalMs, long retentionCheckIntervalMs,
                            long fileDeleteDelayMs) {
        this(logDirs, recoveryThreadsPerDataDir, flushSchedulerIntervalMs, flushOffsetCheckpointIntervalMs,
                retentionCheckIntervalMs, fileDeleteDelayMs, DEFAULT_CLEANER_ENABLE, DEFAULT_CLEANER_THREADS,
                DEFAULT_CLEANER_BACKOFF_MS, DEFAULT_PRODUCER_ID_EXPIRATION_MS,
                DEFAULT_PRODUCER_ID_EXPIRATION_CHECK_INTERVAL_MS, DEFAULT_MIN_FREE_BYTES);
    }

    /** This config with other cleaner settings. */
    public LogManagerConfig withCleaner(boolean enable, int threads, long backoffMs) {
        return new LogManagerConfig(logDirs, recoveryThreadsPerDataDir, flushSchedulerIntervalMs,
                flushOffsetCheckpointIntervalMs, retentionCheckIntervalMs, fileDeleteDelayMs, enable, threads,
                backoffMs, producerIdExpirationMs, producerIdExpirationCheckIntervalMs, minFreeBytes);
    }

    /** This config with other producer id expiration settings. */
    public LogManagerConfig withProducerIdExpiration(long expirationMs, long checkIntervalMs) {
        return new LogManagerConfig(logDirs, recoveryThreadsPerDataDir, flushSchedulerIntervalMs,
                flushOffsetCheckpointIntervalMs, retentionCheckIntervalMs, fileDeleteDelayMs, cleanerEnable,
                cleanerThreads, cleanerBackoffMs, expirationMs, checkIntervalMs, minFreeBytes);
    }

    /** This config with another free space reserve per log directory. */
    public LogManagerConfig withMinFreeBytes(long bytes) {
        return new LogManagerConfig(logDirs, recoveryThreadsPerDataDir, flushSchedulerIntervalMs,
                flushOffsetCheckpointIntervalMs, retentionCheckIntervalMs, fileDeleteDelayMs, cleanerEnable,
                cleanerThreads, cleanerBackoffMs, producerIdExpirationMs, producerIdExpirationCheckIntervalMs, bytes);
    }
}
