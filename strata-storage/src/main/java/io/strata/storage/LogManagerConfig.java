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
 */
public record LogManagerConfig(List<Path> logDirs, int recoveryThreadsPerDataDir, long flushSchedulerIntervalMs,
                               long flushOffsetCheckpointIntervalMs, long retentionCheckIntervalMs,
                               long fileDeleteDelayMs) {
}
