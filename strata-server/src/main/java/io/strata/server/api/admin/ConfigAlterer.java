package io.strata.server.api.admin;

import io.strata.metadata.ConfigResourceKey;
import io.strata.metadata.MetadataImage;
import io.strata.metadata.MetadataQuorum;
import io.strata.server.api.ApiAuthorization;
import io.strata.server.api.RequestContext;
import io.strata.server.cluster.QuorumWaiter;
import io.strata.server.cluster.TopicNames;
import io.strata.server.cluster.TopicService;
import io.strata.server.security.DynamicTls;
import io.strata.storage.LogConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.resource.ResourceType;

/**
 * Validates and persists a resource's new set of dynamic configs (AlterConfigs and IncrementalAlterConfigs):
 * topics take topic-level keys, brokers the broker synonyms of topic keys (Kafka's dynamic log configs) and, per
 * broker, the key and trust stores of TLS listeners ({@link DynamicTls}); values are checked with Kafka's types and
 * ranges, stores by loading them. The change is one metadata entry; every node then applies it without a restart.
 * Thread-safe (stateless apart from the thread-safe quorum and {@link DynamicTls}).
 */
final class ConfigAlterer {

    private final MetadataQuorum quorum;
    private final QuorumWaiter waiter;
    private final String nodeId;
    private final DynamicTls tls;

    ConfigAlterer(MetadataQuorum quorum, QuorumWaiter waiter, int nodeId, DynamicTls tls) {
        this.quorum = quorum;
        this.waiter = waiter;
        this.nodeId = Integer.toString(nodeId);
        this.tls = tls;
    }

    /**
     * Kafka's check of a config resource: {@code operation} (DESCRIBE_CONFIGS or ALTER_CONFIGS) on the topic for
     * topic configs, on the cluster for broker configs and the others.
     *
     * @throws org.apache.kafka.common.errors.TopicAuthorizationException or
     *         {@link org.apache.kafka.common.errors.ClusterAuthorizationException} when denied
     */
    static void authorize(RequestContext context, byte resourceType, String resourceName, AclOperation operation) {
        boolean topic = ConfigResource.Type.forId(resourceType) == ConfigResource.Type.TOPIC;
        boolean allowed = topic ? context.authorized(operation, ResourceType.TOPIC, resourceName)
                : context.authorizedCluster(operation);
        if (!allowed) {
            throw ApiAuthorization.denial(topic ? ResourceType.TOPIC : ResourceType.CLUSTER);
        }
    }

    /**
     * The metadata key of a resource this node can alter or describe.
     *
     * @throws InvalidRequestException for unsupported resource types or another broker's id
     */
    ConfigResourceKey key(byte resourceType, String resourceName) {
        ConfigResource.Type type = ConfigResource.Type.forId(resourceType);
        return switch (type) {
            case TOPIC -> {
                TopicNames.validate(resourceName);
                yield new ConfigResourceKey(ConfigResourceKey.Type.TOPIC, resourceName);
            }
            case BROKER -> {
                if (!resourceName.isEmpty() && !resourceName.equals(nodeId)) {
                    throw new InvalidRequestException("Unexpected broker id, expected " + nodeId
                            + " or empty string, but received " + resourceName);
                }
                yield new ConfigResourceKey(ConfigResourceKey.Type.BROKER, resourceName);
            }
            default -> throw new InvalidRequestException("Unsupported resource type " + type);
        };
    }

    /** The dynamic configs currently stored for the resource; a topic must exist. */
    Map<String, String> current(MetadataImage image, ConfigResourceKey key) {
        if (key.type() == ConfigResourceKey.Type.TOPIC && image.topic(key.name()).isEmpty()) {
            throw new UnknownTopicOrPartitionException("The topic '" + key.name() + "' does not exist.");
        }
        return image.configs(key);
    }

    /** Whether a key of the resource type holds a list (APPEND and SUBTRACT apply only to lists). */
    static boolean isList(ConfigResourceKey key, String name) {
        Optional<LogConfig.Key> topicKey = key.type() == ConfigResourceKey.Type.TOPIC
                ? LogConfig.KEYS.stream().filter(k -> k.name().equals(name)).findFirst()
                : ConfigCatalog.dynamicBrokerKey(name);
        return topicKey.map(ConfigCatalog::topicEntry)
                .filter(e -> e.type() == org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigType.LIST)
                .isPresent();
    }

    /** Kafka's default of a key of the resource type, as text (APPEND starts from it when nothing is set). */
    static Optional<String> defaultValue(ConfigResourceKey key, String name) {
        return (key.type() == ConfigResourceKey.Type.TOPIC
                ? LogConfig.KEYS.stream().filter(k -> k.name().equals(name)).findFirst()
                : ConfigCatalog.dynamicBrokerKey(name)).map(LogConfig.Key::defaultValue);
    }

    /**
     * Validates {@code target}, the resource's complete new dynamic configs, and unless {@code validateOnly}
     * persists the difference to {@code current}. TLS stores are loaded and checked, then put in use, only when the
     * request names one of their keys ({@code named}): setting a store's location again, unchanged, reloads a
     * certificate renewed in place, and an alter of anything else leaves the stores alone.
     *
     * @throws InvalidConfigurationException for unknown or non-dynamic keys and invalid values
     */
    void replace(ConfigResourceKey key, Map<String, String> current, Map<String, String> target, Set<String> named,
                 boolean validateOnly) {
        validate(key, target);
        Optional<DynamicTls.Loaded> stores = Optional.empty();
        if (key.type() == ConfigResourceKey.Type.BROKER && named.stream().anyMatch(DynamicTls::isDynamicKey)) {
            try {
                stores = Optional.of(tls.load(target));
            } catch (ConfigException e) {
                throw new InvalidConfigurationException(e.getMessage());
            }
        }
        Map<String, String> changes = new HashMap<>();
        target.forEach((k, v) -> {
            if (!Objects.equals(current.get(k), v)) {
                changes.put(k, v);
            }
        });
        current.keySet().stream().filter(k -> !target.containsKey(k)).forEach(k -> changes.put(k, null));
        if (!validateOnly && !changes.isEmpty()) {
            waiter.await(quorum.alterConfigs(key, changes));
        }
        if (!validateOnly) {
            stores.ifPresent(tls::install);
        }
    }

    private void validate(ConfigResourceKey key, Map<String, String> target) {
        if (key.type() == ConfigResourceKey.Type.TOPIC) {
            TopicService.validateConfigs(target);
            return;
        }
        List<String> notDynamic = new ArrayList<>();
        List<String> perBrokerOnly = new ArrayList<>();
        Map<String, String> asTopicKeys = new HashMap<>();
        for (Map.Entry<String, String> e : target.entrySet()) {
            if (DynamicTls.isDynamicKey(e.getKey())) {
                if (key.name().isEmpty()) {
                    perBrokerOnly.add(e.getKey());
                }
                continue;
            }
            Optional<LogConfig.Key> topicKey = ConfigCatalog.dynamicBrokerKey(e.getKey());
            if (topicKey.isPresent()) {
                if (e.getValue() == null) {
                    throw new InvalidConfigurationException("Null value not supported for broker config "
                            + e.getKey());
                }
                LogConfig.validateBrokerValue(topicKey.get(), e.getValue());
                asTopicKeys.put(topicKey.get().name(), e.getValue());
            } else if (ConfigCatalog.staticBrokerKey(e.getKey()).isPresent()) {
                notDynamic.add(e.getKey());
            } else {
                throw new InvalidConfigurationException("Unknown broker config name: " + e.getKey());
            }
        }
        if (!notDynamic.isEmpty()) {
            throw new InvalidConfigurationException("Cannot update these configs dynamically: " + notDynamic);
        }
        if (!perBrokerOnly.isEmpty()) {
            throw new InvalidRequestException("Cannot update these configs at default cluster level, broker id must "
                    + "be specified: " + perBrokerOnly);
        }
        LogConfig.fromTopicConfigs(asTopicKeys);
    }
}
