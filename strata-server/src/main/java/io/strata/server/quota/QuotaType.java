package io.strata.server.quota;

import java.util.Arrays;
import java.util.Optional;

/**
 * Kafka's client quota types: the config key that sets each (per user, client id or both) and how it is measured.
 */
public enum QuotaType {
    /** Bytes per second of produce requests, recorded after the append. */
    PRODUCE("producer_byte_rate", "produce", true),
    /** Bytes per second of fetch responses to consumers. */
    FETCH("consumer_byte_rate", "fetch", true),
    /** Percentage of one request thread's time (a value of 200 is two threads' worth). */
    REQUEST("request_percentage", "request", false),
    /** Partitions created or deleted per second (KIP-599). */
    CONTROLLER_MUTATION("controller_mutation_rate", "controller_mutation", false);

    private final String key;
    private final String metricPrefix;
    private final boolean wholeNumber;

    QuotaType(String key, String metricPrefix, boolean wholeNumber) {
        this.key = key;
        this.metricPrefix = metricPrefix;
        this.wholeNumber = wholeNumber;
    }

    /** The quota config key, as {@code kafka-configs.sh --add-config} and AlterClientQuotas name it. */
    public String key() {
        return key;
    }

    /** The Prometheus name prefix of this type's metrics ({@code kafka_server_<prefix>_...}). */
    String metricPrefix() {
        return metricPrefix;
    }

    /** Whether values must be whole numbers (Kafka defines the byte rates as LONG configs). */
    public boolean wholeNumber() {
        return wholeNumber;
    }

    public static Optional<QuotaType> forKey(String key) {
        return Arrays.stream(values()).filter(t -> t.key.equals(key)).findFirst();
    }
}
