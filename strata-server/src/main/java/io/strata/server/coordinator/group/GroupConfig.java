package io.strata.server.coordinator.group;

import io.strata.server.config.ServerConfig;
import org.apache.kafka.common.config.ConfigException;

/**
 * The group coordinator's settings, with Apache Kafka's broker config names and defaults. Immutable.
 *
 * @param initialRebalanceDelayMs    {@code group.initial.rebalance.delay.ms}: how long the first rebalance of an
 *                                   empty group waits for more members
 * @param minSessionTimeoutMs        {@code group.min.session.timeout.ms}
 * @param maxSessionTimeoutMs        {@code group.max.session.timeout.ms}
 * @param maxSize                    {@code group.max.size}: members per group
 * @param offsetsTopicPartitions     {@code offsets.topic.num.partitions}
 * @param offsetsTopicReplication    {@code offsets.topic.replication.factor} (capped to the live brokers)
 * @param offsetsTopicSegmentBytes   {@code offsets.topic.segment.bytes}
 * @param offsetsRetentionMs         {@code offsets.retention.minutes}, in milliseconds
 * @param offsetsRetentionCheckMs    {@code offsets.retention.check.interval.ms}
 * @param offsetMetadataMaxBytes     {@code offset.metadata.max.bytes}
 * @param commitTimeoutMs            {@code offsets.commit.timeout.ms}: how long a write may wait for replication
 * @param consumerHeartbeatIntervalMs {@code group.consumer.heartbeat.interval.ms} (KIP-848 groups)
 * @param consumerSessionTimeoutMs   {@code group.consumer.session.timeout.ms} (KIP-848 groups)
 * @param consumerMaxSize            {@code group.consumer.max.size} (KIP-848 groups)
 */
public record GroupConfig(int initialRebalanceDelayMs, int minSessionTimeoutMs, int maxSessionTimeoutMs, int maxSize,
                          int offsetsTopicPartitions, short offsetsTopicReplication, int offsetsTopicSegmentBytes,
                          long offsetsRetentionMs, long offsetsRetentionCheckMs, int offsetMetadataMaxBytes,
                          int commitTimeoutMs, int consumerHeartbeatIntervalMs, int consumerSessionTimeoutMs,
                          int consumerMaxSize) {

    public static final String OFFSETS_TOPIC = "__consumer_offsets";

    public static GroupConfig from(ServerConfig config) {
        return new GroupConfig(
                intValue(config, "group.initial.rebalance.delay.ms", 3000),
                intValue(config, "group.min.session.timeout.ms", 6000),
                intValue(config, "group.max.session.timeout.ms", 1_800_000),
                intValue(config, "group.max.size", Integer.MAX_VALUE),
                intValue(config, "offsets.topic.num.partitions", 50),
                (short) intValue(config, "offsets.topic.replication.factor", 3),
                intValue(config, "offsets.topic.segment.bytes", 104_857_600),
                intValue(config, "offsets.retention.minutes", 10_080) * 60_000L,
                longValue(config, "offsets.retention.check.interval.ms", 600_000L),
                intValue(config, "offset.metadata.max.bytes", 4096),
                intValue(config, "offsets.commit.timeout.ms", 5000),
                intValue(config, "group.consumer.heartbeat.interval.ms", 5000),
                intValue(config, "group.consumer.session.timeout.ms", 45_000),
                intValue(config, "group.consumer.max.size", Integer.MAX_VALUE));
    }

    private static int intValue(ServerConfig config, String key, int defaultValue) {
        String v = config.get(key).orElse(null);
        if (v == null) {
            return defaultValue;
        }
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new ConfigException(key, v, "expected an integer");
        }
    }

    private static long longValue(ServerConfig config, String key, long defaultValue) {
        String v = config.get(key).orElse(null);
        if (v == null) {
            return defaultValue;
        }
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new ConfigException(key, v, "expected a long integer");
        }
    }
}
