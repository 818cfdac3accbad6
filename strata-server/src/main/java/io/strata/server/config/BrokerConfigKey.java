package io.strata.server.config;

/**
 * A broker-level configuration key: Kafka's name, type, default and a one-line description.
 *
 * @param defaultValue the default as text, or {@code null} when the key has no default
 */
public record BrokerConfigKey(String name, Type type, String defaultValue, String doc) {

    /** The value types Kafka uses for broker configs. */
    public enum Type { INT, LONG, BOOLEAN, STRING, LIST }
}
