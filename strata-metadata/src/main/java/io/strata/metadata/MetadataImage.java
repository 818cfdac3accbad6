package io.strata.metadata;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.acl.AclBinding;

/**
 * The cluster's metadata at one point of the metadata log. Immutable; a new image is published after every
 * applied entry.
 *
 * @param version       the Ratis log index of the last applied entry
 * @param clusterId     the cluster id agreed through the metadata log, {@link #NO_CLUSTER_ID} until then
 * @param brokers       registered brokers by id
 * @param topicsByName  topics by name
 * @param topicsById    the same topics by id
 * @param configs       dynamic configs per resource
 * @param nextProducerId the first producer id not yet allocated
 * @param scramCredentials SCRAM credentials per user and mechanism
 * @param acls          access control entries by id (Kafka's AccessControlEntryRecord ids), each a literal or
 *                      prefixed resource pattern with its principal, host, operation and permission
 * @param clientQuotas  client quota values (key to value) per entity; an entity without quotas is absent
 * @param features      the finalized level of each feature the cluster has agreed one for (KIP-584), level 0
 *                      included: such a feature is off, but its level is settled and no start-up sets it again
 */
public record MetadataImage(long version, String clusterId, Map<Integer, BrokerRegistration> brokers,
                            Map<String, TopicImage> topicsByName, Map<Uuid, TopicImage> topicsById,
                            Map<ConfigResourceKey, Map<String, String>> configs, long nextProducerId,
                            Map<ScramCredential.Key, ScramCredential> scramCredentials,
                            Map<Uuid, AclBinding> acls,
                            Map<ClientQuotaEntity, Map<String, Double>> clientQuotas,
                            Map<String, Short> features) {

    /** The {@link #clusterId} of an image whose log has not yet committed a cluster id. */
    public static final String NO_CLUSTER_ID = "";

    public MetadataImage {
        Objects.requireNonNull(clusterId, "clusterId");
        Objects.requireNonNull(scramCredentials, "scramCredentials");
        Objects.requireNonNull(acls, "acls");
        Objects.requireNonNull(clientQuotas, "clientQuotas");
        Objects.requireNonNull(features, "features");
    }

    /** An image without ACLs, client quotas and finalized features. */
    public MetadataImage(long version, String clusterId, Map<Integer, BrokerRegistration> brokers,
                         Map<String, TopicImage> topicsByName, Map<Uuid, TopicImage> topicsById,
                         Map<ConfigResourceKey, Map<String, String>> configs, long nextProducerId,
                         Map<ScramCredential.Key, ScramCredential> scramCredentials) {
        this(version, clusterId, brokers, topicsByName, topicsById, configs, nextProducerId, scramCredentials,
                Map.of(), Map.of(), Map.of());
    }

    /** An image without SCRAM credentials, ACLs and client quotas. */
    public MetadataImage(long version, String clusterId, Map<Integer, BrokerRegistration> brokers,
                         Map<String, TopicImage> topicsByName, Map<Uuid, TopicImage> topicsById,
                         Map<ConfigResourceKey, Map<String, String>> configs, long nextProducerId) {
        this(version, clusterId, brokers, topicsByName, topicsById, configs, nextProducerId, Map.of());
    }

    /** The SCRAM credential of {@code user} for {@code mechanism}, if any. */
    public Optional<ScramCredential> scramCredential(String user, String mechanism) {
        return Optional.ofNullable(scramCredentials.get(new ScramCredential.Key(user, mechanism)));
    }

    /** The quota values of {@code entity} (key to value), empty when it has none. */
    public Map<String, Double> clientQuotas(ClientQuotaEntity entity) {
        return clientQuotas.getOrDefault(entity, Map.of());
    }

    /** The finalized level of {@code feature}, if the cluster has agreed one. */
    public Optional<Short> featureLevel(String feature) {
        return Optional.ofNullable(features.get(feature));
    }

    /** Whether the metadata log has agreed the cluster id yet. */
    public boolean hasClusterId() {
        return !clusterId.isEmpty();
    }

    public Optional<TopicImage> topic(String name) {
        return Optional.ofNullable(topicsByName.get(name));
    }

    public Optional<TopicImage> topic(Uuid id) {
        return Optional.ofNullable(topicsById.get(id));
    }

    public Map<String, String> configs(ConfigResourceKey resource) {
        return configs.getOrDefault(resource, Map.of());
    }
}
