package io.strata.server.api.admin;

import io.strata.server.config.BrokerConfigKey;
import io.strata.server.config.ServerConfig;
import io.strata.server.security.DynamicTls;
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

    private static final Map<String, BrokerConfigKey> STATIC = ServerConfig.KEYS.stream()
            .collect(Collectors.toUnmodifiableMap(BrokerConfigKey::name, Function.identity()));

    /**
     * The topic keys whose broker synonym is dynamic: all with a synonym, except {@code file.delete.delay.ms},
     * whose synonym {@code log.segment.delete.delay.ms} the node reads once at start (a static key).
     */
    private static final List<LogConfig.Key> DYNAMIC = LogConfig.KEYS.stream()
            .filter(k -> k.brokerSynonym().filter(s -> !STATIC.containsKey(s)).isPresent()).toList();

    private static final Map<String, LogConfig.Key> BY_SYNONYM = DYNAMIC.stream()
            .collect(Collectors.toUnmodifiableMap(k -> k.brokerSynonym().orElseThrow(), Function.identity()));

    private ConfigCatalog() {
    }

    static Entry topicEntry(LogConfig.Key key) {
        ConfigType type = switch (key.type()) {
            case BOOLEAN -> ConfigType.BOOLEAN;
            case INT -> ConfigType.INT;
            case SHORT -> ConfigType.SHORT;
            case LONG -> ConfigType.LONG;
            case DOUBLE -> ConfigType.DOUBLE;
            case LIST -> ConfigType.LIST;
            case CLASS -> ConfigType.CLASS;
            case PASSWORD -> ConfigType.PASSWORD;
            case STRING -> ConfigType.STRING;
        };
        return new Entry(key.name(), type, key.doc());
    }

    /** The topic keys whose broker synonyms can change at run time, in {@link LogConfig#KEYS} order. */
    static List<LogConfig.Key> dynamicKeys() {
        return DYNAMIC;
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

    /** The entry of a TLS listener's dynamic store key ({@code DynamicTls}): secrets are PASSWORD, never shown. */
    static Entry tlsEntry(String name) {
        return new Entry(name, DynamicTls.isSecret(name) ? ConfigType.PASSWORD : ConfigType.STRING,
                "A TLS listener's key or trust store setting, changed at run time for this broker.");
    }

    /** The broker entry of a dynamic key: the topic key's type, documented as the cluster-wide default. */
    static Entry brokerEntry(LogConfig.Key key) {
        Entry topic = topicEntry(key);
        return new Entry(key.brokerSynonym().orElseThrow(), topic.type(), "The default " + key.name() + " of topics: "
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
