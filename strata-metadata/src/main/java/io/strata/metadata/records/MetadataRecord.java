package io.strata.metadata.records;

import io.strata.metadata.BrokerRegistration;
import io.strata.metadata.ClientQuotaEntity;
import io.strata.metadata.ConfigResourceKey;
import io.strata.metadata.PartitionImage;
import io.strata.metadata.ScramCredential;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourceType;

/**
 * One change to the cluster metadata. A Ratis log entry carries a batch of records that is applied atomically
 * (see {@code io.strata.metadata.image.ImageBuilder}); records are serialized by {@link RecordSerde}.
 *
 * <p>All records are immutable values; list components are defensively copied.
 */
public sealed interface MetadataRecord {

    /**
     * Names the cluster (Kafka keeps one id per cluster). Accepted by an image without a cluster id, which it then
     * has for good; an image that already has one accepts only the same id again, so of several nodes proposing
     * their candidate ids the first to commit wins and the others' proposals are rejected on every voter alike.
     */
    record ClusterIdRecord(String clusterId) implements MetadataRecord {
        public ClusterIdRecord {
            Objects.requireNonNull(clusterId, "clusterId");
        }
    }

    /** Registers (or re-registers, replacing) a broker. */
    record RegisterBrokerRecord(int brokerId, Uuid incarnationId, List<BrokerRegistration.Endpoint> endpoints,
                                Optional<String> rack, boolean fenced) implements MetadataRecord {
        public RegisterBrokerRecord {
            Objects.requireNonNull(incarnationId, "incarnationId");
            endpoints = List.copyOf(endpoints);
            Objects.requireNonNull(rack, "rack");
        }

        public static RegisterBrokerRecord of(BrokerRegistration registration) {
            return new RegisterBrokerRecord(registration.brokerId(), registration.incarnationId(),
                    registration.endpoints(), registration.rack(), registration.fenced());
        }

        public BrokerRegistration toRegistration() {
            return new BrokerRegistration(brokerId, incarnationId, endpoints, rack, fenced);
        }
    }

    /**
     * Fences a registered broker (Kafka's FenceBrokerRecord): it loses leadership and ISR membership in the same
     * batch. {@code controlledShutdown} marks a broker that asked to leave; only a new registration unfences it.
     * Rejected unless {@code incarnationId} is the broker's current incarnation.
     */
    record FenceBrokerRecord(int brokerId, Uuid incarnationId, boolean controlledShutdown) implements MetadataRecord {
        public FenceBrokerRecord {
            Objects.requireNonNull(incarnationId, "incarnationId");
        }
    }

    /**
     * Unfences a broker heard from again (Kafka's UnfenceBrokerRecord). Rejected unless {@code incarnationId} is
     * the broker's current incarnation and the broker is not in controlled shutdown.
     */
    record UnfenceBrokerRecord(int brokerId, Uuid incarnationId) implements MetadataRecord {
        public UnfenceBrokerRecord {
            Objects.requireNonNull(incarnationId, "incarnationId");
        }
    }

    /** Creates a topic without partitions; its {@link PartitionRecord}s follow in the same batch. */
    record TopicRecord(String name, Uuid topicId) implements MetadataRecord {
        public TopicRecord {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(topicId, "topicId");
        }
    }

    /**
     * Adds partition {@code partition} (which must be the topic's next index) to an existing topic. A snapshot of a
     * partition being reassigned carries its adding and removing replicas; new partitions have none.
     */
    record PartitionRecord(Uuid topicId, int partition, List<Integer> replicas, List<Integer> isr, int leader,
                           int leaderEpoch, int partitionEpoch, List<Integer> addingReplicas,
                           List<Integer> removingReplicas) implements MetadataRecord {
        public PartitionRecord {
            Objects.requireNonNull(topicId, "topicId");
            replicas = List.copyOf(replicas);
            isr = List.copyOf(isr);
            addingReplicas = List.copyOf(addingReplicas);
            removingReplicas = List.copyOf(removingReplicas);
        }

        /** A partition that is not being reassigned. */
        public PartitionRecord(Uuid topicId, int partition, List<Integer> replicas, List<Integer> isr, int leader,
                               int leaderEpoch, int partitionEpoch) {
            this(topicId, partition, replicas, isr, leader, leaderEpoch, partitionEpoch, List.of(), List.of());
        }

        public static PartitionRecord of(Uuid topicId, int partition, PartitionImage state) {
            return new PartitionRecord(topicId, partition, state.replicas(), state.isr(), state.leader(),
                    state.leaderEpoch(), state.partitionEpoch(), state.addingReplicas(), state.removingReplicas());
        }

        public PartitionImage toImage() {
            return new PartitionImage(replicas, isr, leader, leaderEpoch, partitionEpoch, addingReplicas,
                    removingReplicas);
        }
    }

    /**
     * Replaces the whole state of an existing partition (ISR change, leader election, reassignment), its adding and
     * removing replicas included: a change that leaves them out ends an ongoing reassignment, so derive changes
     * from {@link PartitionImage} ({@link #of}). Accepted only if {@code partitionEpoch} is exactly the current
     * partition epoch + 1 and the leader epoch does not go back.
     */
    record PartitionChangeRecord(Uuid topicId, int partition, List<Integer> replicas, List<Integer> isr, int leader,
                                 int leaderEpoch, int partitionEpoch, List<Integer> addingReplicas,
                                 List<Integer> removingReplicas) implements MetadataRecord {
        public PartitionChangeRecord {
            Objects.requireNonNull(topicId, "topicId");
            replicas = List.copyOf(replicas);
            isr = List.copyOf(isr);
            addingReplicas = List.copyOf(addingReplicas);
            removingReplicas = List.copyOf(removingReplicas);
        }

        /** A change to a state without a reassignment in progress. */
        public PartitionChangeRecord(Uuid topicId, int partition, List<Integer> replicas, List<Integer> isr,
                                     int leader, int leaderEpoch, int partitionEpoch) {
            this(topicId, partition, replicas, isr, leader, leaderEpoch, partitionEpoch, List.of(), List.of());
        }

        public static PartitionChangeRecord of(Uuid topicId, int partition, PartitionImage state) {
            return new PartitionChangeRecord(topicId, partition, state.replicas(), state.isr(), state.leader(),
                    state.leaderEpoch(), state.partitionEpoch(), state.addingReplicas(), state.removingReplicas());
        }

        public PartitionImage toImage() {
            return new PartitionImage(replicas, isr, leader, leaderEpoch, partitionEpoch, addingReplicas,
                    removingReplicas);
        }
    }

    /** Deletes a topic, its partitions and its topic-level configs. */
    record RemoveTopicRecord(Uuid topicId) implements MetadataRecord {
        public RemoveTopicRecord {
            Objects.requireNonNull(topicId, "topicId");
        }
    }

    /** Sets ({@code value} present) or deletes ({@code value} empty) one dynamic config key. */
    record ConfigRecord(ConfigResourceKey.Type resourceType, String resourceName, String key, Optional<String> value)
            implements MetadataRecord {
        public ConfigRecord {
            Objects.requireNonNull(resourceType, "resourceType");
            Objects.requireNonNull(resourceName, "resourceName");
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(value, "value");
        }

        public ConfigResourceKey resource() {
            return new ConfigResourceKey(resourceType, resourceName);
        }
    }

    /**
     * Advances the cluster's next producer id to {@code nextProducerId}, granting {@code brokerId} the ids between
     * the previous value and this one. Rejected unless it strictly advances. {@code brokerId} -1 is used by
     * snapshots.
     */
    record ProducerIdsRecord(int brokerId, long nextProducerId) implements MetadataRecord {
    }

    /**
     * Sets a user's SCRAM credential for one mechanism (Kafka's UserScramCredentialRecord), replacing any previous
     * one.
     */
    record ScramCredentialRecord(String user, ScramCredential credential) implements MetadataRecord {
        public ScramCredentialRecord {
            Objects.requireNonNull(user, "user");
            Objects.requireNonNull(credential, "credential");
        }
    }

    /** Deletes a user's SCRAM credential for one mechanism; rejected if there is none. */
    record RemoveScramCredentialRecord(String user, String mechanism) implements MetadataRecord {
        public RemoveScramCredentialRecord {
            Objects.requireNonNull(user, "user");
            Objects.requireNonNull(mechanism, "mechanism");
        }
    }

    /**
     * Adds one access control entry (Kafka's AccessControlEntryRecord) under a new id. The binding must be concrete:
     * a resource type other than ANY/UNKNOWN, a LITERAL or PREFIXED pattern, an operation other than ANY/UNKNOWN and
     * ALLOW or DENY. Rejected if the id is already in use.
     */
    record AclRecord(Uuid id, AclBinding acl) implements MetadataRecord {
        public AclRecord {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(acl, "acl");
            if (!isConcrete(acl)) {
                throw new IllegalArgumentException("Not a concrete ACL: " + acl);
            }
        }

        /** Whether {@code acl} names exactly one resource pattern, operation and permission (no ANY, no UNKNOWN). */
        public static boolean isConcrete(AclBinding acl) {
            ResourceType type = acl.pattern().resourceType();
            PatternType pattern = acl.pattern().patternType();
            AclOperation operation = acl.entry().operation();
            AclPermissionType permission = acl.entry().permissionType();
            return type != ResourceType.ANY && type != ResourceType.UNKNOWN
                    && (pattern == PatternType.LITERAL || pattern == PatternType.PREFIXED)
                    && operation != AclOperation.ANY && operation != AclOperation.UNKNOWN
                    && (permission == AclPermissionType.ALLOW || permission == AclPermissionType.DENY);
        }
    }

    /** Removes the access control entry with this id (Kafka's RemoveAccessControlEntryRecord); rejected if none. */
    record RemoveAclRecord(Uuid id) implements MetadataRecord {
        public RemoveAclRecord {
            Objects.requireNonNull(id, "id");
        }
    }

    /**
     * Finalizes a feature at {@code level} (Kafka's FeatureLevelRecord; level 0 keeps the feature known but off).
     * Rejected unless the feature is finalized at {@code previous} (empty: not finalized yet), the level this
     * change was decided from: a start-up's initial level then never overrides one already agreed, and of two
     * concurrent updates the later is decided again on the newer image.
     */
    record FeatureLevelRecord(String feature, short level, Optional<Short> previous) implements MetadataRecord {
        public FeatureLevelRecord {
            Objects.requireNonNull(feature, "feature");
            Objects.requireNonNull(previous, "previous");
            if (level < 0 || previous.filter(p -> p < 0).isPresent()) {
                throw new IllegalArgumentException("Negative level of feature " + feature);
            }
        }
    }

    /**
     * Sets ({@code value} present) or removes one quota key of a client quota entity (Kafka's ClientQuotaRecord).
     */
    record ClientQuotaRecord(ClientQuotaEntity entity, String key, Optional<Double> value) implements MetadataRecord {
        public ClientQuotaRecord {
            Objects.requireNonNull(entity, "entity");
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(value, "value");
        }
    }
}
