package io.strata.server.cluster;

import io.strata.metadata.ConfigResourceKey;
import io.strata.metadata.MetadataImage;
import io.strata.storage.LogConfig;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Computes a topic's effective log configuration: Kafka's defaults, overridden by the node's static broker
 * settings, then dynamic cluster-wide broker settings, then the topic's own configs. Thread-safe (immutable).
 */
public final class LogConfigResolver {

    private final Map<String, String> staticDefaults;

    /** @param staticDefaults topic-level names to the node's static defaults (from server.properties) */
    public LogConfigResolver(Map<String, String> staticDefaults) {
        this.staticDefaults = Map.copyOf(staticDefaults);
    }

    /** The topic-level values in effect for {@code topic}, by topic-level key. */
    public Map<String, String> effective(MetadataImage image, String topic) {
        Map<String, String> values = new LinkedHashMap<>(staticDefaults);
        Map<String, String> brokerDynamic = image.configs(new ConfigResourceKey(ConfigResourceKey.Type.BROKER, ""));
        for (LogConfig.Key key : LogConfig.KEYS) {
            String dynamic = brokerDynamic.get(key.brokerSynonym());
            if (dynamic != null) {
                values.put(key.name(), dynamic);
            }
        }
        values.putAll(image.configs(new ConfigResourceKey(ConfigResourceKey.Type.TOPIC, topic)));
        return values;
    }

    public LogConfig resolve(MetadataImage image, String topic) {
        return LogConfig.fromTopicConfigs(effective(image, topic));
    }

    public Map<String, String> staticDefaults() {
        return staticDefaults;
    }
}
