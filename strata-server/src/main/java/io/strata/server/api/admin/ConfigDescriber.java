package io.strata.server.api.admin;

import io.strata.metadata.ConfigResourceKey;
import io.strata.metadata.MetadataImage;
import io.strata.server.cluster.LogConfigResolver;
import io.strata.server.cluster.TopicConfigKeys;
import io.strata.server.config.BrokerConfigKey;
import io.strata.server.config.ServerConfig;
import io.strata.server.security.DynamicTls;
import io.strata.storage.LogConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigSource;

/**
 * Describes the configs of a topic or a broker as Kafka does: each value with the source it comes from and, in
 * precedence order, every synonym that sets it (topic config, per-broker dynamic, cluster-wide dynamic, static
 * {@code server.properties}, default). Thread-safe (immutable).
 */
final class ConfigDescriber {

    /** One level of a config's precedence chain. */
    record Synonym(String name, String value, ConfigSource source) {
    }

    /** A described config: its value and source are those of the first synonym. */
    record Described(ConfigCatalog.Entry entry, String value, ConfigSource source, boolean readOnly,
                     List<Synonym> synonyms) {
    }

    private final ServerConfig config;
    private final LogConfigResolver resolver;
    private final String nodeId;

    ConfigDescriber(ServerConfig config, LogConfigResolver resolver) {
        this.config = config;
        this.resolver = resolver;
        this.nodeId = Integer.toString(config.nodeId());
    }

    String nodeId() {
        return nodeId;
    }

    /** Every topic-level config of {@code topic}, which must exist in {@code image}. */
    List<Described> topic(MetadataImage image, String topic) {
        Map<String, String> topicConfigs = image.configs(new ConfigResourceKey(ConfigResourceKey.Type.TOPIC, topic));
        List<Described> described = new ArrayList<>();
        for (LogConfig.Key key : TopicConfigKeys.ALL) {
            List<Synonym> chain = new ArrayList<>();
            Optional.ofNullable(topicConfigs.get(key.name()))
                    .ifPresent(v -> chain.add(new Synonym(key.name(), v, ConfigSource.TOPIC_CONFIG)));
            chain.addAll(brokerChain(image, key, resolver.nodeId().isPresent()));
            Synonym first = chain.get(0);
            // Static and default levels may be derived keys (log.retention.hours): report the topic-level value.
            String value = first.source() == ConfigSource.STATIC_BROKER_CONFIG
                    || first.source() == ConfigSource.DEFAULT_CONFIG
                    ? resolver.staticDefaults().getOrDefault(key.name(), first.value()) : first.value();
            described.add(new Described(ConfigCatalog.topicEntry(key), value, first.source(), false, chain));
        }
        return described;
    }

    /**
     * The configs of this broker: the dynamic ones (broker synonyms of topic configs) with their chain, this
     * broker's dynamic key and trust store keys that are set, then the static ones as read-only.
     */
    List<Described> broker(MetadataImage image) {
        List<Described> described = new ArrayList<>();
        for (LogConfig.Key key : ConfigCatalog.dynamicKeys()) {
            List<Synonym> chain = brokerChain(image, key, true);
            Synonym first = chain.get(0);
            boolean set = first.name().equals(key.brokerSynonym().orElseThrow());
            String value = set ? first.value() : null;
            ConfigSource source = set ? first.source()
                    : ConfigSource.DEFAULT_CONFIG;
            described.add(new Described(ConfigCatalog.brokerEntry(key), value, source, false, chain));
        }
        new TreeMap<>(image.configs(new ConfigResourceKey(ConfigResourceKey.Type.BROKER, nodeId)))
                .forEach((name, value) -> {
                    if (DynamicTls.isDynamicKey(name)) {
                        described.add(new Described(ConfigCatalog.tlsEntry(name), value,
                                ConfigSource.DYNAMIC_BROKER_CONFIG, false,
                                List.of(new Synonym(name, value, ConfigSource.DYNAMIC_BROKER_CONFIG))));
                    }
                });
        for (BrokerConfigKey key : ConfigCatalog.staticBrokerKeys()) {
            String value = config.get(key.name()).orElse(null);
            ConfigSource source = config.originals().containsKey(key.name()) ? ConfigSource.STATIC_BROKER_CONFIG
                    : ConfigSource.DEFAULT_CONFIG;
            described.add(new Described(ConfigCatalog.brokerEntry(key), value, source, true,
                    List.of(new Synonym(key.name(), value, source))));
        }
        return described;
    }

    /** The cluster-wide dynamic broker defaults (resource name ""): only what is set, as Kafka reports them. */
    List<Described> brokerDefaults(MetadataImage image) {
        Map<String, String> dynamic = image.configs(new ConfigResourceKey(ConfigResourceKey.Type.BROKER, ""));
        List<Described> described = new ArrayList<>();
        for (LogConfig.Key key : ConfigCatalog.dynamicKeys()) {
            String synonym = key.brokerSynonym().orElseThrow();
            String value = dynamic.get(synonym);
            if (value != null) {
                described.add(new Described(ConfigCatalog.brokerEntry(key), value,
                        ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG, false, List.of(new Synonym(synonym,
                        value, ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG))));
            }
        }
        return described;
    }

    /** The broker-level levels of a topic key, highest precedence first; never empty (ends with the default). */
    private List<Synonym> brokerChain(MetadataImage image, LogConfig.Key key, boolean perBroker) {
        List<Synonym> chain = new ArrayList<>();
        if (key.brokerSynonym().isEmpty()) {
            // Kafka has no broker-level key for it: only its own default.
            chain.add(new Synonym(key.name(), key.defaultValue(), ConfigSource.DEFAULT_CONFIG));
            return chain;
        }
        String synonym = key.brokerSynonym().get();
        if (perBroker) {
            Optional.ofNullable(image.configs(new ConfigResourceKey(ConfigResourceKey.Type.BROKER, nodeId))
                    .get(synonym)).ifPresent(v -> chain.add(new Synonym(synonym, v,
                    ConfigSource.DYNAMIC_BROKER_CONFIG)));
        }
        Optional.ofNullable(image.configs(new ConfigResourceKey(ConfigResourceKey.Type.BROKER, "")).get(synonym))
                .ifPresent(v -> chain.add(new Synonym(synonym, v, ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG)));
        for (String name : staticSynonyms(key)) {
            String v = config.originals().get(name);
            if (v != null) {
                chain.add(new Synonym(name, v, ConfigSource.STATIC_BROKER_CONFIG));
            }
        }
        chain.add(switch (key.name()) {
            // Kafka's defaults for these live on the coarser keys: log.retention.hours and log.roll.hours = 168.
            case "retention.ms" -> new Synonym("log.retention.hours", "168", ConfigSource.DEFAULT_CONFIG);
            case "segment.ms" -> new Synonym("log.roll.hours", "168", ConfigSource.DEFAULT_CONFIG);
            default -> new Synonym(synonym, key.defaultValue(), ConfigSource.DEFAULT_CONFIG);
        });
        return chain;
    }

    /** The server.properties keys that set a topic key, finest first (Kafka's derived retention and roll keys). */
    private static List<String> staticSynonyms(LogConfig.Key key) {
        return switch (key.name()) {
            case "retention.ms" -> List.of(key.brokerSynonym().orElseThrow(), "log.retention.minutes",
                    "log.retention.hours");
            case "segment.ms" -> List.of(key.brokerSynonym().orElseThrow(), "log.roll.hours");
            default -> List.of(key.brokerSynonym().orElseThrow());
        };
    }
}
