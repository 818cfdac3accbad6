package io.strata.server.cluster;

import io.strata.server.schemaid.SchemaValidationConfig;
import io.strata.storage.LogConfig;
import java.util.List;
import java.util.stream.Stream;

/**
 * Every topic-level config the node accepts, describes and stores: Kafka's ({@link LogConfig#KEYS}, which the log
 * acts on), then Confluent Server's schema id validation keys ({@link SchemaValidationConfig#KEYS}, which the produce
 * path acts on). Thread-safe (immutable).
 */
public final class TopicConfigKeys {

    /** In that order; no key has a broker-level synonym unless Kafka gives it one. */
    public static final List<LogConfig.Key> ALL = Stream.concat(LogConfig.KEYS.stream(),
            SchemaValidationConfig.KEYS.stream()).toList();

    private TopicConfigKeys() {
    }

    /** Whether a client may set {@code name} on a topic. */
    public static boolean isTopicConfig(String name) {
        return LogConfig.isTopicConfig(name) || SchemaValidationConfig.isKey(name);
    }
}
