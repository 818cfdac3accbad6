package io.strata.storage;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.ValidList;
import org.apache.kafka.common.config.ConfigDef.ValidString;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.record.TimestampType;

/**
 * The topic-level configuration of one log, with Kafka 4.3's names, types, valid values and defaults. Immutable.
 *
 * <p>Every topic config Kafka 4.3 defines is accepted and validated as Kafka does (through kafka-clients'
 * {@link ConfigDef}, so values parse and fail with Kafka's messages); the components below are the ones the log
 * acts on. The others ({@code preallocate}, {@code file.delete.delay.ms}, the
 * replication throttles and the tiered-storage keys) are accepted with no effect, as docs/configuration.md says.
 *
 * @param segmentBytes           {@code segment.bytes}, or the internal {@code internal.segment.bytes} when set
 * @param segmentMs              {@code segment.ms}
 * @param segmentJitterMs        {@code segment.jitter.ms}: each segment rolls up to this much (at most
 *                               {@code segment.ms}) earlier, a random amount fixed per segment
 * @param segmentIndexBytes      {@code segment.index.bytes}
 * @param indexIntervalBytes     {@code index.interval.bytes}
 * @param flushMessages          {@code flush.messages}
 * @param flushMs                {@code flush.ms}
 * @param maxMessageBytes        {@code max.message.bytes}
 * @param timestampType          {@code message.timestamp.type}
 * @param timestampBeforeMaxMs   {@code message.timestamp.before.max.ms}
 * @param timestampAfterMaxMs    {@code message.timestamp.after.max.ms}
 * @param retentionMs            {@code retention.ms} (-1: unlimited)
 * @param retentionBytes         {@code retention.bytes} (negative: unlimited)
 * @param cleanupPolicy          {@code cleanup.policy}: "delete", "compact", both or none
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
 * @param compression            {@code compression.type} with its {@code compression.*.level}: the codec client
 *                               batches are stored with; empty for {@code producer} (stored as sent)
 */
public record LogConfig(int segmentBytes, long segmentMs, long segmentJitterMs, int segmentIndexBytes, int indexIntervalBytes,
                        long flushMessages, long flushMs, int maxMessageBytes, TimestampType timestampType,
                        long timestampBeforeMaxMs, long timestampAfterMaxMs, long retentionMs,
                        long retentionBytes, List<String> cleanupPolicy, double minCleanableDirtyRatio,
                        long minCompactionLagMs, long maxCompactionLagMs, long deleteRetentionMs,
                        int minInSyncReplicas, boolean uncleanLeaderElection, Optional<Compression> compression) {

    /**
     * A topic-level key: its broker-level synonym (empty where Kafka has none), its default as Kafka writes it, its
     * type, a one-line description, and whether the log acts on it (false: accepted, no effect).
     */
    public record Key(String name, Optional<String> brokerSynonym, String defaultValue, Type type, String doc,
                      boolean applied) {
    }

    /**
     * Kafka's internal topic config for segments below the 1 MiB minimum of {@code segment.bytes}: tests use it,
     * as Kafka's own do. Accepted at topic creation and alteration, never described, no broker synonym.
     */
    public static final String INTERNAL_SEGMENT_BYTES = "internal.segment.bytes";

    private static final String LONG_MAX = Long.toString(Long.MAX_VALUE);
    private static final Pattern THROTTLED_REPLICA = Pattern.compile("\\s*\\d+\\s*:\\s*\\d+\\s*");

    /** Keys accepted with no effect: Strata has no such mechanism (see docs/configuration.md). */
    private static final Set<String> NO_EFFECT = Set.of("file.delete.delay.ms", "preallocate",
            "leader.replication.throttled.replicas", "follower.replication.throttled.replicas", "remote.storage.enable",
            "local.retention.ms", "local.retention.bytes", "remote.log.copy.disable", "remote.log.delete.on.disable");

    /** Every topic-level key of Kafka 4.3, in Kafka's order of definition. */
    public static final List<Key> KEYS = List.of(
            key("segment.bytes", "log.segment.bytes", "1073741824", Type.INT,
                    "Size at which a new log segment is started."),
            key("segment.ms", "log.roll.ms", "604800000", Type.LONG,
                    "Age at which a new log segment is started, even if the current one is not full."),
            key("segment.jitter.ms", "log.roll.jitter.ms", "0", Type.LONG,
                    "Up to this much random time is subtracted from segment.ms per segment, to spread rolls."),
            key("segment.index.bytes", "log.index.size.max.bytes", "10485760", Type.INT,
                    "Size of a segment's offset and time indexes."),
            key("flush.messages", "log.flush.interval.messages", LONG_MAX, Type.LONG,
                    "Force an fsync after this many messages; by default the OS decides."),
            key("flush.ms", "log.flush.interval.ms", LONG_MAX, Type.LONG,
                    "Force an fsync after this many milliseconds; by default the OS decides."),
            key("retention.bytes", "log.retention.bytes", "-1", Type.LONG,
                    "Largest size of the partition before old segments are deleted; negative: no limit."),
            key("retention.ms", "log.retention.ms", "604800000", Type.LONG,
                    "How long segments are kept before they are deleted; -1: forever."),
            key("max.message.bytes", "message.max.bytes", "1048588", Type.INT,
                    "Largest record batch the log accepts, after compression."),
            key("index.interval.bytes", "log.index.interval.bytes", "4096", Type.INT,
                    "Bytes of records between two entries of the offset index."),
            key("delete.retention.ms", "log.cleaner.delete.retention.ms", "86400000", Type.LONG,
                    "How long tombstones of a compacted topic are kept once cleaned."),
            key("min.compaction.lag.ms", "log.cleaner.min.compaction.lag.ms", "0", Type.LONG,
                    "Shortest time a record stays uncompacted in a compacted topic."),
            key("max.compaction.lag.ms", "log.cleaner.max.compaction.lag.ms", LONG_MAX, Type.LONG,
                    "Longest time a record stays uncompacted in a compacted topic."),
            key("file.delete.delay.ms", "log.segment.delete.delay.ms", "60000", Type.LONG,
                    "Delay before a deleted segment's files are removed (per topic: accepted, no effect; the "
                            + "node's log.segment.delete.delay.ms applies)."),
            key("min.cleanable.dirty.ratio", "log.cleaner.min.cleanable.ratio", "0.5", Type.DOUBLE,
                    "Share of uncompacted bytes above which a compacted log is cleaned."),
            key("cleanup.policy", "log.cleanup.policy", "delete", Type.LIST,
                    "How old log segments are discarded: delete, compact, both, or neither."),
            key("unclean.leader.election.enable", "unclean.leader.election.enable", "false", Type.BOOLEAN,
                    "Whether a replica outside the ISR may become leader when no in-sync replica is alive."),
            key("min.insync.replicas", "min.insync.replicas", "1", Type.INT,
                    "In-sync replicas an acks=all write needs."),
            key("compression.type", "compression.type", "producer", Type.STRING,
                    "Codec batches are stored with: producer keeps the producer's, or uncompressed, gzip, snappy, "
                            + "lz4, zstd."),
            key("compression.gzip.level", "compression.gzip.level", "-1", Type.INT,
                    "Level of gzip when compression.type is gzip; -1: the codec's default."),
            key("compression.lz4.level", "compression.lz4.level", "9", Type.INT,
                    "Level of lz4 when compression.type is lz4."),
            key("compression.zstd.level", "compression.zstd.level", "3", Type.INT,
                    "Level of zstd when compression.type is zstd."),
            key("preallocate", "log.preallocate", "false", Type.BOOLEAN,
                    "Preallocate segment files on creation (accepted, no effect)."),
            key("message.timestamp.type", "log.message.timestamp.type", "CreateTime", Type.STRING,
                    "CreateTime (the producer's timestamp) or LogAppendTime."),
            key("message.timestamp.before.max.ms", "log.message.timestamp.before.max.ms", LONG_MAX, Type.LONG,
                    "How far in the past a CreateTime timestamp may be before the batch is rejected."),
            key("message.timestamp.after.max.ms", "log.message.timestamp.after.max.ms", "3600000", Type.LONG,
                    "How far in the future a CreateTime timestamp may be before the batch is rejected."),
            key("leader.replication.throttled.replicas", null, "", Type.LIST,
                    "Replicas whose replication is throttled on the leader side (accepted, no effect)."),
            key("follower.replication.throttled.replicas", null, "", Type.LIST,
                    "Replicas whose replication is throttled on the follower side (accepted, no effect)."),
            key("remote.storage.enable", null, "false", Type.BOOLEAN,
                    "Tiered storage for the topic; refused when true, as Strata has no tiered storage."),
            key("local.retention.ms", "log.local.retention.ms", "-2", Type.LONG,
                    "Local retention time with tiered storage; -2: retention.ms (accepted, no effect)."),
            key("local.retention.bytes", "log.local.retention.bytes", "-2", Type.LONG,
                    "Local retention size with tiered storage; -2: retention.bytes (accepted, no effect)."),
            key("remote.log.copy.disable", null, "false", Type.BOOLEAN,
                    "Stop copying segments to tiered storage (accepted, no effect)."),
            key("remote.log.delete.on.disable", null, "false", Type.BOOLEAN,
                    "Delete tiered data when tiered storage is turned off (accepted, no effect)."));

    /** The definitions of {@link #KEYS} (plus the internal segment size), with Kafka's validators. */
    private static final ConfigDef DEF = definitions();

    public static final LogConfig DEFAULT = fromTopicConfigs(Map.of());

    private static Key key(String name, String brokerSynonym, String defaultValue, Type type, String doc) {
        return new Key(name, Optional.ofNullable(brokerSynonym), defaultValue, type, doc, !NO_EFFECT.contains(name));
    }

    /** Whether {@code name} is a topic config a client may set: a key of {@link #KEYS} or the internal size. */
    public static boolean isTopicConfig(String name) {
        return DEF.configKeys().containsKey(name);
    }

    /**
     * Builds a config from topic-level keys; missing keys take Kafka's defaults, unknown keys are ignored.
     *
     * @throws InvalidConfigurationException with Kafka's message when a value has the wrong type, is out of range or
     *         conflicts with another
     */
    public static LogConfig fromTopicConfigs(Map<String, String> configs) {
        Map<String, Object> v;
        try {
            Map<String, String> known = new HashMap<>(configs);
            known.keySet().retainAll(DEF.configKeys().keySet());
            v = DEF.parse(known);
        } catch (ConfigException e) {
            throw new InvalidConfigurationException(e.getMessage());
        }
        if ((Boolean) v.get("remote.storage.enable")) {
            // Kafka's answer on a broker without remote.log.storage.system.enable: Strata has no tiered storage.
            throw new InvalidConfigurationException("Tiered Storage functionality is disabled in the broker. "
                    + "Topic cannot be configured with remote log storage.");
        }
        Integer internalSegmentBytes = (Integer) v.get(INTERNAL_SEGMENT_BYTES);
        LogConfig config = new LogConfig(
                internalSegmentBytes != null ? internalSegmentBytes : (Integer) v.get("segment.bytes"),
                (Long) v.get("segment.ms"),
                (Long) v.get("segment.jitter.ms"),
                (Integer) v.get("segment.index.bytes"),
                (Integer) v.get("index.interval.bytes"),
                (Long) v.get("flush.messages"),
                (Long) v.get("flush.ms"),
                (Integer) v.get("max.message.bytes"),
                ((String) v.get("message.timestamp.type")).equals("LogAppendTime")
                        ? TimestampType.LOG_APPEND_TIME : TimestampType.CREATE_TIME,
                (Long) v.get("message.timestamp.before.max.ms"),
                (Long) v.get("message.timestamp.after.max.ms"),
                (Long) v.get("retention.ms"),
                (Long) v.get("retention.bytes"),
                strings(v.get("cleanup.policy")),
                (Double) v.get("min.cleanable.dirty.ratio"),
                (Long) v.get("min.compaction.lag.ms"),
                (Long) v.get("max.compaction.lag.ms"),
                (Long) v.get("delete.retention.ms"),
                (Integer) v.get("min.insync.replicas"),
                (Boolean) v.get("unclean.leader.election.enable"),
                compression(v));
        if (config.minCompactionLagMs() > config.maxCompactionLagMs()) {
            // Kafka rejects this combination: a record could never be both old enough and young enough.
            throw new InvalidConfigurationException("conflict topic config setting min.compaction.lag.ms ("
                    + config.minCompactionLagMs() + ") > max.compaction.lag.ms (" + config.maxCompactionLagMs() + ")");
        }
        return config;
    }

    /**
     * Checks a broker-level default of a topic config ({@code log.segment.bytes} for {@code segment.bytes}) with the
     * topic key's type and valid values, naming the broker key in the error as Kafka does.
     *
     * @throws InvalidConfigurationException if the value has the wrong type or is out of range
     */
    public static void validateBrokerValue(Key key, String value) {
        ConfigDef.ConfigKey def = DEF.configKeys().get(key.name());
        String name = key.brokerSynonym().orElse(key.name());
        try {
            Object parsed = ConfigDef.parseType(name, value, def.type);
            if (def.validator != null) {
                def.validator.ensureValid(name, parsed);
            }
        } catch (ConfigException e) {
            throw new InvalidConfigurationException(e.getMessage());
        }
    }

    public boolean compact() {
        return cleanupPolicy.contains("compact");
    }

    public boolean delete() {
        return cleanupPolicy.contains("delete");
    }

    private static Optional<Compression> compression(Map<String, Object> v) {
        return switch ((String) v.get("compression.type")) {
            case "uncompressed" -> Optional.of(Compression.NONE);
            case "gzip" -> Optional.of(Compression.gzip().level((Integer) v.get("compression.gzip.level")).build());
            case "snappy" -> Optional.of(Compression.snappy().build());
            case "lz4" -> Optional.of(Compression.lz4().level((Integer) v.get("compression.lz4.level")).build());
            case "zstd" -> Optional.of(Compression.zstd().level((Integer) v.get("compression.zstd.level")).build());
            default -> Optional.empty();
        };
    }

    @SuppressWarnings("unchecked")
    private static List<String> strings(Object list) {
        return List.copyOf((List<String>) list);
    }

    private static ConfigDef definitions() {
        ConfigDef def = new ConfigDef();
        for (Key key : KEYS) {
            Object defaultValue = key.type() == Type.LIST && key.defaultValue().isEmpty() ? Collections.emptyList()
                    : key.defaultValue();
            def.define(key.name(), key.type(), defaultValue, validator(key.name()), Importance.MEDIUM, key.doc());
        }
        // Kafka's own test hatch: no validator beyond what a segment needs to hold a batch header.
        def.defineInternal(INTERNAL_SEGMENT_BYTES, Type.INT, null, (name, value) -> {
            if (value != null && (Integer) value < BatchHeader.HEADER_SIZE) {
                throw new ConfigException(name, value, "Value must be at least " + BatchHeader.HEADER_SIZE);
            }
        }, Importance.LOW, "Segment size below the 1 MiB minimum of segment.bytes, for tests.");
        return def;
    }

    /** Kafka 4.3's valid values of each key (null: any value of the type). */
    private static ConfigDef.Validator validator(String name) {
        return switch (name) {
            case "segment.bytes" -> Range.atLeast(1024 * 1024);
            case "segment.ms", "flush.messages", "max.compaction.lag.ms" -> Range.atLeast(1);
            case "segment.index.bytes" -> Range.atLeast(4);
            case "segment.jitter.ms", "flush.ms", "max.message.bytes", "index.interval.bytes", "delete.retention.ms",
                 "min.compaction.lag.ms", "file.delete.delay.ms", "message.timestamp.before.max.ms",
                 "message.timestamp.after.max.ms" -> Range.atLeast(0);
            case "retention.ms" -> Range.atLeast(-1);
            case "local.retention.ms", "local.retention.bytes" -> Range.atLeast(-2);
            case "min.insync.replicas" -> Range.atLeast(1);
            case "min.cleanable.dirty.ratio" -> Range.between(0, 1);
            case "cleanup.policy" -> ValidList.in(true, "compact", "delete");
            case "compression.type" -> ValidString.in("uncompressed", "zstd", "lz4", "snappy", "gzip", "producer");
            case "compression.gzip.level" -> new LevelOrDefault(1, 9, -1);
            case "compression.lz4.level" -> Range.between(1, 17);
            case "compression.zstd.level" -> Range.between(-131072, 22);
            case "message.timestamp.type" -> ValidString.in("CreateTime", "LogAppendTime");
            case "leader.replication.throttled.replicas", "follower.replication.throttled.replicas" ->
                    LogConfig::checkThrottledReplicas;
            default -> null;
        };
    }

    /** Kafka's throttled-replica lists: {@code *}, or {@code partitionId:brokerId} pairs. */
    @SuppressWarnings("unchecked")
    private static void checkThrottledReplicas(String name, Object value) {
        List<String> entries = new ArrayList<>((List<String>) value);
        if (entries.equals(List.of("*"))) {
            return;
        }
        for (String entry : entries) {
            if (!THROTTLED_REPLICA.matcher(entry).matches()) {
                throw new ConfigException(name, value, name + " must be * or a list of partitionId:brokerId "
                        + "entries such as 0:1,1:2");
            }
        }
    }

    /** A level range plus the codec's "default level" value, as Kafka validates {@code compression.gzip.level}. */
    private record LevelOrDefault(int min, int max, int defaultLevel) implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            int level = (Integer) value;
            if (level != defaultLevel && (level < min || level > max)) {
                throw new ConfigException(name, value, "Value must be between " + min + " and " + max
                        + " or equal to " + defaultLevel);
            }
        }

        @Override
        public String toString() {
            return "[" + min + ",...," + max + "] or " + defaultLevel;
        }
    }
}
