package io.strata.server.rest;

import io.strata.server.config.ServerConfig;
import java.time.Duration;
import org.apache.kafka.common.config.ConfigException;

/**
 * The HTTP proxy's settings ({@code rest.*} keys of the node's configuration). Immutable.
 *
 * @param maxRequestBytes           the largest body read, one record of a streamed v3 produce
 * @param maxConsumerInstances      consumer instances kept at most on this node
 * @param instanceTimeout           an instance unused this long is closed
 * @param defaultRecordsTimeout     how long GET records waits when the request names no {@code timeout}
 * @param maxRecordsBytes           the most key and value bytes one GET records returns
 */
record RestConfig(int maxRequestBytes, int maxConsumerInstances, Duration instanceTimeout,
                  Duration defaultRecordsTimeout, int maxRecordsBytes) {

    RestConfig {
        if (maxRequestBytes < 1) {
            throw new ConfigException("rest.max.request.bytes", maxRequestBytes, "must be positive");
        }
        if (maxConsumerInstances < 0) {
            throw new ConfigException("rest.consumer.max.instances", maxConsumerInstances, "must not be negative");
        }
        if (instanceTimeout.toMillis() < 1) {
            throw new ConfigException("rest.consumer.instance.timeout.ms", instanceTimeout.toMillis(),
                    "must be positive");
        }
    }

    static RestConfig from(ServerConfig config) {
        return new RestConfig(intValue(config, "rest.max.request.bytes"),
                intValue(config, "rest.consumer.max.instances"),
                Duration.ofMillis(intValue(config, "rest.consumer.instance.timeout.ms")),
                Duration.ofMillis(intValue(config, "rest.consumer.request.timeout.ms")),
                intValue(config, "rest.consumer.request.max.bytes"));
    }

    private static int intValue(ServerConfig config, String key) {
        String value = config.get(key).orElseThrow().trim();
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new ConfigException(key, value, "not an integer");
        }
    }
}
