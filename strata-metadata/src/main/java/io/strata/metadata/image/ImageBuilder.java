package io.strata.metadata.image;

import io.strata.metadata.BrokerRegistration;
import io.strata.metadata.ClientQuotaEntity;
import io.strata.metadata.ConfigResourceKey;
import io.strata.metadata.MetadataImage;
import io.strata.metadata.PartitionImage;
import io.strata.metadata.ScramCredential;
import io.strata.metadata.TopicImage;
import io.strata.metadata.records.MetadataRecord;
import io.strata.metadata.records.MetadataRecord.AclRecord;
import io.strata.metadata.records.MetadataRecord.ClientQuotaRecord;
import io.strata.metadata.records.MetadataRecord.ClusterIdRecord;
import io.strata.metadata.records.MetadataRecord.ConfigRecord;
import io.strata.metadata.records.MetadataRecord.FeatureLevelRecord;
import io.strata.metadata.records.MetadataRecord.FenceBrokerRecord;
import io.strata.metadata.records.MetadataRecord.PartitionChangeRecord;
import io.strata.metadata.records.MetadataRecord.PartitionRecord;
import io.strata.metadata.records.MetadataRecord.ProducerIdsRecord;
import io.strata.metadata.records.MetadataRecord.RegisterBrokerRecord;
import io.strata.metadata.records.MetadataRecord.RemoveAclRecord;
import io.strata.metadata.records.MetadataRecord.RemoveScramCredentialRecord;
import io.strata.metadata.records.MetadataRecord.RemoveTopicRecord;
import io.strata.metadata.records.MetadataRecord.ScramCredentialRecord;
import io.strata.metadata.records.MetadataRecord.TopicRecord;
import io.strata.metadata.records.MetadataRecord.UnfenceBrokerRecord;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.acl.AclBinding;

/**
 * Applies metadata records to an immutable {@link MetadataImage}, producing a new one. Every check is a pure
 * function of the image and the records, so all replicas accept or reject a batch alike.
 *
 * <p>Use {@link #applyBatch} for a whole Ratis entry: either every record applies, or a
 * {@link MetadataConflictException} is thrown and nothing changes. Work is proportional to the touched topics,
 * not to the partitions of the cluster (untouched topics are shared with the previous image).
 *
 * <p>Not thread-safe: one builder is used by one thread for one batch.
 */
public final class ImageBuilder {

    private final MetadataImage base;
    private Map<Integer, BrokerRegistration> brokers;
    private Map<String, TopicImage> topicsByName;
    private Map<Uuid, TopicImage> topicsById;
    private final Map<Uuid, TreeMap<Integer, PartitionImage>> touchedPartitions = new HashMap<>();
    private Map<ConfigResourceKey, Map<String, String>> configs;
    private final Map<ConfigResourceKey, Map<String, String>> touchedConfigs = new HashMap<>();
    private long nextProducerId;
    private String clusterId;
    private Map<ScramCredential.Key, ScramCredential> scramCredentials;
    private Map<Uuid, AclBinding> acls;
    private Map<ClientQuotaEntity, Map<String, Double>> clientQuotas;
    private Map<String, Short> features;

    public ImageBuilder(MetadataImage base) {
        this.base = base;
        this.clusterId = base.clusterId();
        this.brokers = base.brokers();
        this.topicsByName = base.topicsByName();
        this.topicsById = base.topicsById();
        this.configs = base.configs();
        this.nextProducerId = base.nextProducerId();
        this.scramCredentials = base.scramCredentials();
        this.acls = base.acls();
        this.clientQuotas = base.clientQuotas();
        this.features = base.features();
    }

    /** The empty image every node starts from: no cluster id until a {@link ClusterIdRecord} commits. */
    public static MetadataImage emptyImage() {
        return emptyImage(MetadataImage.NO_CLUSTER_ID);
    }

    /** An empty image that already has {@code clusterId}. */
    public static MetadataImage emptyImage(String clusterId) {
        return new MetadataImage(0, clusterId, Map.of(), Map.of(), Map.of(), Map.of(), 0);
    }

    /**
     * Applies a batch atomically.
     *
     * @return the new image with {@code version}
     * @throws MetadataConflictException if any record conflicts; the image is then unchanged
     */
    public static MetadataImage applyBatch(MetadataImage image, List<? extends MetadataRecord> records, long version)
            throws MetadataConflictException {
        ImageBuilder builder = new ImageBuilder(image);
        for (MetadataRecord record : records) {
            builder.apply(record);
        }
        return builder.build(version);
    }

    /** Applies one record to this builder's working state. */
    public void apply(MetadataRecord record) throws MetadataConflictException {
        switch (record) {
            case ClusterIdRecord r -> {
                if (r.clusterId().isBlank()) {
                    throw new MetadataConflictException("Blank cluster id");
                }
                if (!clusterId.isEmpty() && !clusterId.equals(r.clusterId())) {
                    throw new MetadataConflictException("The cluster id is already " + clusterId
                            + "; cannot change it to " + r.clusterId());
                }
                clusterId = r.clusterId();
            }
            case RegisterBrokerRecord r -> {
                if (r.brokerId() < 0) {
                    throw new MetadataConflictException("Invalid broker id " + r.brokerId());
                }
                mutableBrokers().put(r.brokerId(), r.toRegistration());
            }
            case FenceBrokerRecord r -> {
                BrokerRegistration broker = incarnation(r.brokerId(), r.incarnationId());
                mutableBrokers().put(r.brokerId(), broker.withFencing(true, r.controlledShutdown()));
            }
            case UnfenceBrokerRecord r -> {
                BrokerRegistration broker = incarnation(r.brokerId(), r.incarnationId());
                if (broker.inControlledShutdown()) {
                    throw new MetadataConflictException("Broker " + r.brokerId() + " is in controlled shutdown; "
                            + "only a new registration unfences it");
                }
                mutableBrokers().put(r.brokerId(), broker.withFencing(false, false));
            }
            case TopicRecord r -> {
                if (topicsByName.containsKey(r.name())) {
                    throw new MetadataConflictException("Topic '" + r.name() + "' already exists");
                }
                if (topicsById.containsKey(r.topicId()) || Uuid.ZERO_UUID.equals(r.topicId())) {
                    throw new MetadataConflictException("Topic id " + r.topicId() + " is already in use");
                }
                TopicImage topic = new TopicImage(r.name(), r.topicId(), Collections.emptySortedMap());
                mutableTopicsByName().put(r.name(), topic);
                mutableTopicsById().put(r.topicId(), topic);
                touchedPartitions.put(r.topicId(), new TreeMap<>());
            }
            case PartitionRecord r -> {
                TreeMap<Integer, PartitionImage> partitions = partitionsOf(r.topicId());
                if (r.partition() != partitions.size()) {
                    throw new MetadataConflictException("Topic " + r.topicId() + " has " + partitions.size()
                            + " partitions; cannot add partition " + r.partition());
                }
                checkReplicas(r.toImage());
                partitions.put(r.partition(), r.toImage());
            }
            case PartitionChangeRecord r -> {
                TreeMap<Integer, PartitionImage> partitions = partitionsOf(r.topicId());
                PartitionImage current = partitions.get(r.partition());
                if (current == null) {
                    throw new MetadataConflictException("Unknown partition " + r.partition() + " of topic "
                            + r.topicId());
                }
                if (r.partitionEpoch() != current.partitionEpoch() + 1 || r.leaderEpoch() < current.leaderEpoch()) {
                    throw new MetadataConflictException("Stale change of partition " + r.topicId() + "-"
                            + r.partition() + ": epochs " + r.leaderEpoch() + "/" + r.partitionEpoch()
                            + " after " + current.leaderEpoch() + "/" + current.partitionEpoch());
                }
                checkReplicas(r.toImage());
                checkNotFenced(r, current);
                partitions.put(r.partition(), r.toImage());
            }
            case RemoveTopicRecord r -> {
                TopicImage topic = topicsById.get(r.topicId());
                if (topic == null) {
                    throw new MetadataConflictException("Unknown topic id " + r.topicId());
                }
                mutableTopicsById().remove(r.topicId());
                mutableTopicsByName().remove(topic.name());
                touchedPartitions.remove(r.topicId());
                ConfigResourceKey resource = new ConfigResourceKey(ConfigResourceKey.Type.TOPIC, topic.name());
                if (configs.containsKey(resource) || touchedConfigs.containsKey(resource)) {
                    mutableConfigs().remove(resource);
                    touchedConfigs.remove(resource);
                }
            }
            case ConfigRecord r -> {
                ConfigResourceKey resource = r.resource();
                if (resource.type() == ConfigResourceKey.Type.TOPIC && !topicsByName.containsKey(resource.name())) {
                    throw new MetadataConflictException("Config for unknown topic '" + resource.name() + "'");
                }
                Map<String, String> values = touchedConfigs.computeIfAbsent(resource,
                        k -> new HashMap<>(configs.getOrDefault(k, Map.of())));
                if (r.value().isPresent()) {
                    values.put(r.key(), r.value().get());
                } else {
                    values.remove(r.key());
                }
            }
            case ProducerIdsRecord r -> {
                if (r.nextProducerId() <= nextProducerId) {
                    throw new MetadataConflictException("Producer ids do not advance: " + r.nextProducerId()
                            + " <= " + nextProducerId);
                }
                nextProducerId = r.nextProducerId();
            }
            case ScramCredentialRecord r -> mutableScramCredentials().put(
                    new ScramCredential.Key(r.user(), r.credential().mechanism()), r.credential());
            case RemoveScramCredentialRecord r -> {
                if (mutableScramCredentials().remove(new ScramCredential.Key(r.user(), r.mechanism())) == null) {
                    throw new MetadataConflictException("User " + r.user() + " has no " + r.mechanism()
                            + " credential");
                }
            }
            case AclRecord r -> {
                if (mutableAcls().putIfAbsent(r.id(), r.acl()) != null) {
                    throw new MetadataConflictException("ACL id " + r.id() + " is already in use");
                }
            }
            case RemoveAclRecord r -> {
                if (mutableAcls().remove(r.id()) == null) {
                    throw new MetadataConflictException("No ACL with id " + r.id());
                }
            }
            case ClientQuotaRecord r -> {
                // Removing an absent key is no conflict: the value is what the record says either way.
                if (clientQuotas == base.clientQuotas()) {
                    clientQuotas = new HashMap<>(clientQuotas);
                }
                Map<String, Double> values = new HashMap<>(clientQuotas.getOrDefault(r.entity(), Map.of()));
                r.value().ifPresentOrElse(v -> values.put(r.key(), v), () -> values.remove(r.key()));
                if (values.isEmpty()) {
                    clientQuotas.remove(r.entity());
                } else {
                    clientQuotas.put(r.entity(), Map.copyOf(values));
                }
            }
            case FeatureLevelRecord r -> {
                Optional<Short> current = Optional.ofNullable(features.get(r.feature()));
                if (!current.equals(r.previous())) {
                    throw new MetadataConflictException("Feature " + r.feature() + " is finalized at "
                            + current.map(String::valueOf).orElse("no level") + ", not the "
                            + r.previous().map(String::valueOf).orElse("no level") + " the change to " + r.level()
                            + " was decided from");
                }
                if (features == base.features()) {
                    features = new HashMap<>(features);
                }
                features.put(r.feature(), r.level());
            }
        }
    }

    /** The new image. The builder must not be used afterwards. */
    public MetadataImage build(long version) {
        if (!touchedPartitions.isEmpty()) {
            Map<String, TopicImage> byName = mutableTopicsByName();
            Map<Uuid, TopicImage> byId = mutableTopicsById();
            for (Map.Entry<Uuid, TreeMap<Integer, PartitionImage>> e : touchedPartitions.entrySet()) {
                TopicImage old = byId.get(e.getKey());
                TopicImage updated = new TopicImage(old.name(), old.id(),
                        Collections.unmodifiableSortedMap(e.getValue()));
                byId.put(updated.id(), updated);
                byName.put(updated.name(), updated);
            }
        }
        if (!touchedConfigs.isEmpty()) {
            Map<ConfigResourceKey, Map<String, String>> all = mutableConfigs();
            for (Map.Entry<ConfigResourceKey, Map<String, String>> e : touchedConfigs.entrySet()) {
                if (e.getValue().isEmpty()) {
                    all.remove(e.getKey());
                } else {
                    all.put(e.getKey(), Map.copyOf(e.getValue()));
                }
            }
        }
        return new MetadataImage(version, clusterId, frozen(brokers, base.brokers()),
                frozen(topicsByName, base.topicsByName()), frozen(topicsById, base.topicsById()),
                frozen(configs, base.configs()), nextProducerId,
                frozen(scramCredentials, base.scramCredentials()), frozen(acls, base.acls()),
                frozen(clientQuotas, base.clientQuotas()), frozen(features, base.features()));
    }

    private Map<Uuid, AclBinding> mutableAcls() {
        if (acls == base.acls()) {
            acls = new HashMap<>(acls);
        }
        return acls;
    }

    private Map<ScramCredential.Key, ScramCredential> mutableScramCredentials() {
        if (scramCredentials == base.scramCredentials()) {
            scramCredentials = new HashMap<>(scramCredentials);
        }
        return scramCredentials;
    }

    private static <K, V> Map<K, V> frozen(Map<K, V> working, Map<K, V> original) {
        return working == original ? original : Collections.unmodifiableMap(working);
    }

    private TreeMap<Integer, PartitionImage> partitionsOf(Uuid topicId) throws MetadataConflictException {
        TreeMap<Integer, PartitionImage> partitions = touchedPartitions.get(topicId);
        if (partitions == null) {
            TopicImage topic = topicsById.get(topicId);
            if (topic == null) {
                throw new MetadataConflictException("Unknown topic id " + topicId);
            }
            partitions = new TreeMap<>(topic.partitions());
            touchedPartitions.put(topicId, partitions);
        }
        return partitions;
    }

    private static void checkReplicas(PartitionImage p) throws MetadataConflictException {
        List<Integer> replicas = p.replicas();
        if (replicas.isEmpty() || replicas.stream().distinct().count() != replicas.size()) {
            throw new MetadataConflictException("Invalid replicas " + replicas);
        }
        if (!replicas.containsAll(p.isr())) {
            throw new MetadataConflictException("ISR " + p.isr() + " is not a subset of replicas " + replicas);
        }
        if (p.leader() != -1 && !p.isr().contains(p.leader())) {
            throw new MetadataConflictException("Leader " + p.leader() + " is not in the ISR " + p.isr());
        }
        // A reassignment adds and removes distinct replicas of the union, and keeps at least one target replica.
        if (!replicas.containsAll(p.addingReplicas()) || !replicas.containsAll(p.removingReplicas())
                || p.addingReplicas().stream().anyMatch(p.removingReplicas()::contains)
                || p.addingReplicas().stream().distinct().count() != p.addingReplicas().size()
                || p.removingReplicas().stream().distinct().count() != p.removingReplicas().size()
                || p.targetReplicas().isEmpty()) {
            throw new MetadataConflictException("Invalid reassignment of replicas " + replicas + ": adding "
                    + p.addingReplicas() + ", removing " + p.removingReplicas());
        }
    }

    private BrokerRegistration incarnation(int brokerId, Uuid incarnationId) throws MetadataConflictException {
        BrokerRegistration broker = brokers.get(brokerId);
        if (broker == null || !broker.incarnationId().equals(incarnationId)) {
            throw new MetadataConflictException("Broker " + brokerId + " incarnation " + incarnationId
                    + " is not registered");
        }
        return broker;
    }

    /**
     * A change may keep fenced brokers where they are, but not make one the leader or add one to the ISR: a change
     * decided before a fencing is then rejected even if the fencing left its partition epoch alone.
     */
    private void checkNotFenced(PartitionChangeRecord change, PartitionImage current)
            throws MetadataConflictException {
        if (change.leader() != -1 && change.leader() != current.leader() && isFenced(change.leader())) {
            throw new MetadataConflictException("Broker " + change.leader() + " is fenced and cannot lead "
                    + change.topicId() + "-" + change.partition());
        }
        for (int replica : change.isr()) {
            if (!current.isr().contains(replica) && isFenced(replica)) {
                throw new MetadataConflictException("Broker " + replica + " is fenced and cannot join the ISR of "
                        + change.topicId() + "-" + change.partition());
            }
        }
    }

    private boolean isFenced(int brokerId) {
        BrokerRegistration broker = brokers.get(brokerId);
        return broker != null && broker.fenced();
    }

    private Map<Integer, BrokerRegistration> mutableBrokers() {
        if (brokers == base.brokers()) {
            brokers = new HashMap<>(brokers);
        }
        return brokers;
    }

    private Map<String, TopicImage> mutableTopicsByName() {
        if (topicsByName == base.topicsByName()) {
            topicsByName = new HashMap<>(topicsByName);
        }
        return topicsByName;
    }

    private Map<Uuid, TopicImage> mutableTopicsById() {
        if (topicsById == base.topicsById()) {
            topicsById = new HashMap<>(topicsById);
        }
        return topicsById;
    }

    private Map<ConfigResourceKey, Map<String, String>> mutableConfigs() {
        if (configs == base.configs()) {
            configs = new HashMap<>(configs);
        }
        return configs;
    }
}
