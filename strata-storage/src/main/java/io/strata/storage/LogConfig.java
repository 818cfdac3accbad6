package io.strata.storage;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.record.TimestampType;

/**
 * The topic-level configuration of one log, with Kafka's names and defaults. Immutable.
 *
 * @param segmentBytes           {@code segment.bytes}
 * @param segmentMs              {@code segment.ms}
 * @param segmentIndexBytes      {@code segment.index.bytes}
 * @param indexIntervalBytes     {@code index.interval.bytes}
 * @param flushMessages          {@code flush.messages}
 * @param flushMs                {@code flush.ms}
 * @param maxMessageBytes        {@code max.message.bytes}
 * @param timestampType          {@code message.timestamp.type}
 * @param timestampBeforeMaxMs   {@code message.timestamp.before.max.ms}
 * @param timestampAfterMaxMs    {@code message.timestamp.after.max.ms}
 * @param retentionMs            {@code retention.ms} (-1: unlimited)
 * @param retentionBytes         {@code retention.bytes} (-1: unlimited)
 * @param cleanupPolicy          {@code cleanup.policy}: "delete", "compact" or both
 * @param minCleanableDirtyRatio {@code min.cleanable.dirty.ratio}: the dirty share of a compacted log above which
 *                               the cleaner picks it
 * @param minCompactionLagMs     {@code min.compaction.lag.ms}: records younger than this stay uncompacted
 * @param maxCompactionLagMs     {@code max.compaction.lag.ms}: records older than this are compacted whatever the
 *                               dirty ratio (and the active segment rolls to allow it)
 * @param deleteRetentionMs      {@code delete.retention.ms}: how long a tombstone survives after the cleaning that
 *                               first saw it
 * @param minInSyncReplicas      {@code min.insync.replicas}: the in-sync replicas an acks=all write needs
 * @param uncleanLeaderElection  {@code unclean.leader.election.enable}: whether a replica outside the ISR may be
 *                               elected when no in-sync replica is alive (read by the controller)
 */
public record LogConfig(int segmentBytes, long segmentMs, int segmentIndexBytes, int indexIntervalBytes,
                        long flushMessages, long flushMs, int maxMessageBytes, TimestampType timestampType,
                        long timestampBeforeMaxMs, long timestampAfterMaxMs, long retentionMs,
                        long retentionBytes, List<String> cleanupPolicy, double minCleanableDirtyRatio,
                        long minCompactionLagMs, long maxCompactionLagMs, long deleteRetentionMs,
                        int minInSyncReplicas, boolean uncleanLeaderElection) {

    /** A supported topic-level key, its broker-level synonym and its default value as Kafka writes it. */
    public record Key(String name, String brokerSynonym, String defaultValue) {
    }

    /** Every topic-level key this log honours, in Kafka's order of documentation. */
    public static final List<Key> KEYS = List.of(
            new Key("cleanup.policy", "log.cleanup.policy", "delete"),
            new Key("delete.retention.ms", "log.cleaner.delete.retention.ms", "86400000"),
            new Key("flush.messages", "log.flush.interval.messages", Long.toString(Long.MAX_VALUE)),
            new Key("flush.ms", "log.flush.interval.ms", Long.toString(Long.MAX_VALUE)),
            new Key("index.interval.bytes", "log.index.interval.bytes", "4096"),
            new Key("max.compaction.lag.ms", "log.cleaner.max.compaction.lag.ms", Long.toString(Long.MAX_VALUE)),
            new Key("max.message.bytes", "message.max.bytes", "1048588"),
            new Key("message.timestamp.after.max.ms", "log.message.timestamp.after.max.ms", "3600000"),
            new Key("message.timestamp.before.max.ms", "log.message.timestamp.before.max.ms",
                    Long.toString(Long.MAX_VALUE)),
            new Key("message.timestamp.type", "log.message.timestamp.type", "CreateTime"),
            new Key("min.cleanable.dirty.ratio", "log.cleaner.min.cleanable.ratio", "0.5"),
            new Key("min.compaction.lag.ms", "log.cleaner.min.compaction.lag.ms", "0"),
            new Key("min.insync.replicas", "min.insync.replicas", "1"),
            new Key("retention.bytes", "log.retention.bytes", "-1"),
            new Key("retention.ms", "log.retention.ms", "604800000"),
            new Key("segment.bytes", "log.segment.bytes", "1073741824"),
            new Key("segment.index.bytes", "log.index.size.max.bytes", "10485760"),
            new Key("segment.ms", "log.roll.ms", "604800000"),
            new Key("unclean.leader.election.enable", "unclean.leader.election.enable", "false"));

    public static final LogConfig DEFAULT = fromTopicConfigs(Map.of());

    /**
     * Builds a config from topic-level keys; missing keys take Kafka's defaults, unknown keys are ignored.
     *
     * @throws InvalidConfigurationException naming the key when a value has the wrong type or range
     */
    public static LogConfig fromTopicConfigs(Map<String, String> configs) {
        Map<String, String> values = new LinkedHashMap<>();
        for (Key key : KEYS) {
            values.put(key.name(), configs.getOrDefault(key.name(), key.defaultValue()));
        }
        LogConfig config = new LogConfig(
                intAtLeast(values, "segment.bytes", 14),
                longAtLeast(values, "segment.ms", 1),
                intAtLeast(values, "segment.index.bytes", 4),
                intAtLeast(values, "index.interval.bytes", 0),
                longAtLeast(values, "flush.messages", 1),
                longAtLeast(values, "flush.ms", 0),
                intAtLeast(values, "max.message.bytes", 0),
                timestampType(values.get("message.timestamp.type")),
                longAtLeast(values, "message.timestamp.before.max.ms", 0),
                longAtLeast(values, "message.timestamp.after.max.ms", 0),
                longAtLeast(values, "retention.ms", -1),
                longAtLeast(values, "retention.bytes", -1),
                cleanupPolicy(values.get("cleanup.policy")),
                ratio(values, "min.cleanable.dirty.ratio"),
                longAtLeast(values, "min.compaction.lag.ms", 0),
                longAtLeast(values, "max.compaction.lag.ms", 1),
                longAtLeast(values, "delete.retention.ms", 0),
                intAtLeast(values, "min.insync.replicas", 1),
                bool(values, "unclean.leader.election.enable"));
        if (config.minCompactionLagMs() > config.maxCompactionLagMs()) {
            // Kafka rejects this combination: a record could never be both old enough and young enough.
            throw new InvalidConfigurationException("conflict topic config setting min.compaction.lag.ms ("
                    + config.minCompactionLagMs() + ") > max.compaction.lag.ms (" + config.maxCompactionLagMs() + ")");
        }
        return config;
    }

    public boolean compact() {
        return cleanupPolicy.contains("compact");
    }

    public boolean delete() {
        return cleanupPolicy.contains("delete");
    }

    private static TimestampType timestampType(String value) {
        return switch (value) {
            case "CreateTime" -> TimestampType.CREATE_TIME;
            case "LogAppendTime" -> TimestampType.LOG_APPEND_TIME;
            default -> throw invalid("message.timestamp.type", value, "must be CreateTime or LogAppendTime");
        };
    }

    private static List<String> cleanupPolicy(String value) {
        List<String> policies = java.util.Arrays.stream(value.split(",")).map(String::trim)
                .filter(s -> !s.isEmpty()).toList();
        for (String policy : policies) {
            if (!policy.equals("delete") && !policy.equals("compact")) {
                throw invalid("cleanup.policy", value, "must be a list of delete and compact");
            }
        }
        return policies;
    }

    private static boolean bool(Map<String, String> values, String key) {
        String raw = values.get(key).trim();
        if (raw.equalsIgnoreCase("true") || raw.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(raw);
        }
        throw invalid(key, raw, "must be true or false");
    }

    private static double ratio(Map<String, String> values, String key) {
        String raw = values.get(key).trim();
        double v;
        try {
            v = Double.parseDouble(raw);
        } catch (NumberFormatException e) {
            throw invalid(key, raw, "must be a number");
        }
        if (!(v >= 0 && v <= 1)) {
            throw invalid(key, raw, "must be between 0 and 1");
        }
        return v;
    }

    private static int intAtLeast(Map<String, String> values, String key, int min) {
        long v = longAtLeast(values, key, min);
        if (v > Integer.MAX_VALUE) {
            throw invalid(key, values.get(key), "must be at most " + Integer.MAX_VALUE);
        }
        return (int) v;
    }

    private static long longAtLeast(Map<String, String> values, String key, long min) {
        String raw = values.get(key).trim();
        long v;
        try {
            v = Long.parseLong(raw);
        } catch (NumberFormatException e) {
            throw invalid(key, raw, "must be a number");
        }
        if (v < min) {
            throw invalid(key, raw, "must be at least " + min);
        }
        return v;
    }

    private static InvalidConfigurationException invalid(String key, String value, String why) {
        return new InvalidConfigurationException("Invalid value " + value + " for configuration " + key + ": " + why);
    }
}
