package io.strata.server.cluster;

import io.strata.metadata.ConfigResourceKey;
import io.strata.metadata.MetadataImage;
import io.strata.storage.LogConfig;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Computes a topic's effective log configuration: Kafka's defaults, overridden by the node's static broker
 * settings, then dynamic cluster-wide broker settings, then (when the resolver knows its node) the node's own
 * dynamic broker settings, then the topic's own configs. Thread-safe (immutable).
 */
public final class LogConfigResolver {

    private static final Logger log = LoggerFactory.getLogger(LogConfigResolver.class);

    private final Map<String, String> staticDefaults;
    private final Optional<String> nodeId;

    /** @param staticDefaults topic-level names to the node's static defaults (from server.properties) */
    public LogConfigResolver(Map<String, String> staticDefaults) {
        this.staticDefaults = Map.copyOf(staticDefaults);
        this.nodeId = Optional.empty();
    }

    /**
     * A resolver that also applies the dynamic broker settings stored for {@code nodeId} (Kafka's per-broker
     * dynamic configs, {@code kafka-configs --entity-type brokers --entity-name <id>}), which win over the
     * cluster-wide dynamic defaults.
     */
    public LogConfigResolver(int nodeId, Map<String, String> staticDefaults) {
        this.staticDefaults = Map.copyOf(staticDefaults);
        this.nodeId = Optional.of(Integer.toString(nodeId));
    }

    /** The topic-level values in effect for {@code topic}, by topic-level key. */
    public Map<String, String> effective(MetadataImage image, String topic) {
        Map<String, String> values = new LinkedHashMap<>(staticDefaults);
        applyBrokerLevel(values, image.configs(new ConfigResourceKey(ConfigResourceKey.Type.BROKER, "")));
        nodeId.ifPresent(id -> applyBrokerLevel(values,
                image.configs(new ConfigResourceKey(ConfigResourceKey.Type.BROKER, id))));
        values.putAll(image.configs(new ConfigResourceKey(ConfigResourceKey.Type.TOPIC, topic)));
        return values;
    }

    private static void applyBrokerLevel(Map<String, String> values, Map<String, String> brokerDynamic) {
        for (LogConfig.Key key : LogConfig.KEYS) {
            key.brokerSynonym().map(brokerDynamic::get).ifPresent(dynamic -> values.put(key.name(), dynamic));
        }
    }

    /**
     * The topic's effective config. Values were validated when they were stored, but a rule added since (Kafka 4's
     * 1 MiB minimum of {@code segment.bytes}) may refuse one an older release accepted: such a value falls back to
     * its default, with a warning, rather than keep the topic's partitions from loading.
     */
    public LogConfig resolve(MetadataImage image, String topic) {
        Map<String, String> values = effective(image, topic);
        try {
            return LogConfig.fromTopicConfigs(values);
        } catch (InvalidConfigurationException e) {
            Map<String, String> valid = new LinkedHashMap<>();
            values.forEach((key, value) -> {
                try {
                    LogConfig.fromTopicConfigs(Map.of(key, value));
                    valid.put(key, value);
                } catch (InvalidConfigurationException | NullPointerException invalid) {
                    log.warn("Topic {}: ignoring {}={}, which is no longer valid ({}); the default applies", topic,
                            key, value, invalid.getMessage());
                }
            });
            return LogConfig.fromTopicConfigs(valid);
        }
    }

    /** The node whose per-broker dynamic settings apply, if this resolver knows it. */
    public Optional<String> nodeId() {
        return nodeId;
    }

    public Map<String, String> staticDefaults() {
        return staticDefaults;
    }
}
