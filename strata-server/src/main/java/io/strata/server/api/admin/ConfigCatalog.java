package io.strata.server.api.admin;

import io.strata.server.config.BrokerConfigKey;
import io.strata.server.config.ServerConfig;
import io.strata.storage.LogConfig;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigType;

/**
 * The configs this node describes and accepts, with Kafka's types and a one-line documentation each: the
 * topic-level keys of {@link LogConfig#KEYS}, their broker-level synonyms (the only broker keys that can change
 * at run time, as in Kafka) and the node's static broker keys. Thread-safe (immutable).
 */
final class ConfigCatalog {

    /** A describable key with Kafka's type and a short description. */
    record Entry(String name, ConfigType type, String doc) {
    }

    private static final Map<String, ConfigType> TOPIC_TYPES = Map.ofEntries(
            Map.entry("cleanup.policy", ConfigType.LIST),
            Map.entry("delete.retention.ms", ConfigType.LONG),
            Map.entry("max.compaction.lag.ms", ConfigType.LONG),
            Map.entry("min.cleanable.dirty.ratio", ConfigType.DOUBLE),
            Map.entry("min.compaction.lag.ms", ConfigType.LONG),
            Map.entry("flush.messages", ConfigType.LONG),
            Map.entry("flush.ms", ConfigType.LONG),
            Map.entry("index.interval.bytes", ConfigType.INT),
            Map.entry("max.message.bytes", ConfigType.INT),
            Map.entry("message.timestamp.after.max.ms", ConfigType.LONG),
            Map.entry("message.timestamp.before.max.ms", ConfigType.LONG),
            Map.entry("message.timestamp.type", ConfigType.STRING),
            Map.entry("retention.bytes", ConfigType.LONG),
            Map.entry("retention.ms", ConfigType.LONG),
            Map.entry("segment.bytes", ConfigType.INT),
            Map.entry("segment.index.bytes", ConfigType.INT),
            Map.entry("segment.ms", ConfigType.LONG));

    private static final Map<String, String> TOPIC_DOCS = Map.ofEntries(
            Map.entry("cleanup.policy", "How old log segments are discarded: delete, compact, or both."),
            Map.entry("delete.retention.ms", "How long tombstones of a compacted topic are kept once cleaned."),
            Map.entry("max.compaction.lag.ms", "Longest time a record stays uncompacted in a compacted topic."),
            Map.entry("min.cleanable.dirty.ratio",
                    "Share of uncompacted bytes above which a compacted log is cleaned."),
            Map.entry("min.compaction.lag.ms", "Shortest time a record stays uncompacted in a compacted topic."),
            Map.entry("flush.messages", "Force an fsync after this many messages; by default the OS decides."),
            Map.entry("flush.ms", "Force an fsync after this many milliseconds; by default the OS decides."),
            Map.entry("index.interval.bytes", "Bytes of records between two entries of the offset index."),
            Map.entry("max.message.bytes", "Largest record batch the log accepts, after compression."),
            Map.entry("message.timestamp.after.max.ms",
                    "How far in the future a CreateTime timestamp may be before the batch is rejected."),
            Map.entry("message.timestamp.before.max.ms",
                    "How far in the past a CreateTime timestamp may be before the batch is rejected."),
            Map.entry("message.timestamp.type", "CreateTime (the producer's timestamp) or LogAppendTime."),
            Map.entry("retention.bytes", "Largest size of the partition before old segments are deleted; -1: no limit."),
            Map.entry("retention.ms", "How long segments are kept before they are deleted; -1: forever."),
            Map.entry("segment.bytes", "Size at which a new log segment is started."),
            Map.entry("segment.index.bytes", "Size of a segment's offset and time indexes."),
            Map.entry("segment.ms", "Age at which a new log segment is started, even if the current one is not full."));

    private static final Map<String, LogConfig.Key> BY_SYNONYM = LogConfig.KEYS.stream()
            .collect(Collectors.toUnmodifiableMap(LogConfig.Key::brokerSynonym, Function.identity()));

    private static final Map<String, BrokerConfigKey> STATIC = ServerConfig.KEYS.stream()
            .collect(Collectors.toUnmodifiableMap(BrokerConfigKey::name, Function.identity()));

    private ConfigCatalog() {
    }

    static Entry topicEntry(LogConfig.Key key) {
        return new Entry(key.name(), TOPIC_TYPES.getOrDefault(key.name(), ConfigType.STRING),
                TOPIC_DOCS.getOrDefault(key.name(), ""));
    }

    /** The topic-level key whose broker synonym is {@code brokerKey}: the broker keys that are dynamic. */
    static Optional<LogConfig.Key> dynamicBrokerKey(String brokerKey) {
        return Optional.ofNullable(BY_SYNONYM.get(brokerKey));
    }

    /** A static (read-only at run time) broker key of the node. */
    static Optional<BrokerConfigKey> staticBrokerKey(String name) {
        return Optional.ofNullable(STATIC.get(name));
    }

    static List<BrokerConfigKey> staticBrokerKeys() {
        return ServerConfig.KEYS;
    }

    /** The broker entry of a dynamic key: the topic key's type, documented as the cluster-wide default. */
    static Entry brokerEntry(LogConfig.Key key) {
        Entry topic = topicEntry(key);
        return new Entry(key.brokerSynonym(), topic.type(), "The default " + key.name() + " of topics: "
                + lowerFirst(topic.doc()));
    }

    static Entry brokerEntry(BrokerConfigKey key) {
        ConfigType type = switch (key.type()) {
            case INT -> ConfigType.INT;
            case LONG -> ConfigType.LONG;
            case BOOLEAN -> ConfigType.BOOLEAN;
            case STRING -> ConfigType.STRING;
            case LIST -> ConfigType.LIST;
        };
        return new Entry(key.name(), type, key.doc());
    }

    private static String lowerFirst(String s) {
        return s.isEmpty() ? s : Character.toLowerCase(s.charAt(0)) + s.substring(1);
    }
}
