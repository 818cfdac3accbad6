package io.strata.metadata;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import org.apache.kafka.common.ElectionType;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.errors.ApiException;

/**
 * The node's view of, and write path into, the cluster metadata log (Apache Ratis).
 *
 * <p>Reads are served from the latest applied immutable {@link MetadataImage}. Writes are controller decisions:
 * each call validates against the current image, turns the request into metadata records and commits them as one
 * Ratis entry; the returned future completes once that entry has been applied locally, so that {@link #image()}
 * already reflects it. Failures complete the future (or the per-item outcome) with kafka-clients' public
 * exceptions ({@code TopicExistsException}, {@code InvalidPartitionsException},
 * {@code InvalidReplicationFactorException}, {@code UnknownTopicOrPartitionException}, {@code NotControllerException}).
 *
 * <p>Thread-safe.
 */
public interface MetadataQuorum extends AutoCloseable {

    /**
     * Starts the Ratis server (recovering the existing log) and waits until the image is current and has the
     * cluster's id (agreed through the log: this node proposes its candidate if the log has none yet).
     */
    void start() throws Exception;

    MetadataImage image();

    /** Called on the applying thread with (previous, current) after every applied change; must not block long. */
    void addListener(BiConsumer<MetadataImage, MetadataImage> listener);

    /** Registers or re-registers this broker with its advertised endpoints. */
    CompletableFuture<Void> registerBroker(BrokerRegistration registration);

    /**
     * Creates topics in one metadata entry. Replicas are placed over the registered, unfenced brokers; every
     * partition starts with the full replica set as ISR, its first replica as leader and leader epoch 0.
     *
     * @return per topic name its outcome; topics that fail do not prevent the others
     */
    CompletableFuture<Map<String, TopicOutcome>> createTopics(List<NewTopic> topics, boolean validateOnly);

    /** Deletes topics by id; unknown ids fail with UnknownTopicIdException. */
    CompletableFuture<Map<Uuid, TopicOutcome>> deleteTopics(List<Uuid> topicIds);

    /** Adds partitions to an existing topic (CreatePartitions). */
    CompletableFuture<Map<String, TopicOutcome>> createPartitions(Map<String, Integer> newTotalCounts,
                                                                  boolean validateOnly);

    /** Applies config changes; a value of {@code null} deletes the key. */
    CompletableFuture<Void> alterConfigs(ConfigResourceKey resource, Map<String, String> changes);

    /**
     * Sets and deletes SCRAM credentials in one entry (AlterUserScramCredentials).
     *
     * @return one outcome per change, in order: empty on success, else {@code ResourceNotFoundException} for the
     *         deletion of a credential that does not exist
     */
    CompletableFuture<List<Optional<ApiException>>> alterScramCredentials(List<ScramCredentialChange> changes);

    /**
     * Stores ACL bindings in one entry (CreateAcls); a binding already stored succeeds without a change.
     *
     * @return one outcome per binding, in order: empty on success, else {@code InvalidRequestException}
     */
    CompletableFuture<List<Optional<ApiException>>> createAcls(List<AclBinding> bindings);

    /**
     * Deletes, in one entry, every stored ACL binding each filter matches (DeleteAcls).
     *
     * @return per filter, in order, the bindings it deleted
     */
    CompletableFuture<List<List<AclBinding>>> deleteAcls(List<AclBindingFilter> filters);

    /** Sets and removes client quotas in one entry (AlterClientQuotas); the changes are validated by the caller. */
    CompletableFuture<Void> alterClientQuotas(List<ClientQuotaChange> changes);

    /**
     * Finalizes, in one entry, each feature of {@code initialLevels} the image has no level for yet (see
     * {@link io.strata.metadata.controller.FeatureControl#finalizeMissing}): a level already agreed is kept.
     *
     * @return the cluster's finalized level of each of those features
     */
    CompletableFuture<Map<String, Short>> finalizeFeatures(Map<String, Short> initialLevels);

    /**
     * UpdateFeatures, as Kafka 4.x's controller decides it (see
     * {@link io.strata.metadata.controller.FeatureControl#update}): all changes in one entry, or none.
     *
     * @param supported what this node's software supports, which every change must be within
     * @return empty if applied (or, with {@code validateOnly}, valid), else the first refused change's
     *         {@code InvalidUpdateVersionException}
     */
    CompletableFuture<Optional<ApiException>> updateFeatures(List<FeatureChange> changes,
                                                             SupportedFeatures supported, boolean validateOnly);

    /** Allocates a block of producer ids for {@code brokerId}. */
    CompletableFuture<ProducerIdBlock> allocateProducerIds(int brokerId);

    /**
     * An ISR change requested by a partition's leader (Kafka's AlterPartition). Accepted only if the image still has
     * that leader, leader epoch and partition epoch, also when the entry is applied; the new ISR must hold the leader
     * and only replicas, and may add only registered, unfenced brokers. The result keeps the leader epoch and has
     * the partition epoch + 1; an unchanged ISR completes with the current state without a write.
     *
     * @return the partition's new state; fails with {@code UnknownTopicOrPartitionException},
     *         {@code FencedLeaderEpochException}, {@code NotLeaderOrFollowerException},
     *         {@code InvalidUpdateVersionException} (partition epoch), {@code InvalidRequestException} or
     *         {@code IneligibleReplicaException}
     */
    CompletableFuture<PartitionImage> alterPartition(Uuid topicId, int partition, int leaderId, int leaderEpoch,
                                                     int partitionEpoch, List<Integer> newIsr);

    /**
     * Starts, replaces or cancels partition reassignments (Kafka's AlterPartitionReassignments, KIP-455) in one
     * entry; see {@code ReassignmentControl} for the rules. A reassignment already satisfied by the ISR completes in
     * the same entry; the others complete when the leaders' ISR changes bring every target replica in sync.
     *
     * @param allowReplicationFactorChange false refuses targets that change a partition's replication factor
     * @return one outcome per requested partition, in request order: empty on success, else the partition's error
     *         ({@code UnknownTopicOrPartitionException}, {@code InvalidReplicaAssignmentException},
     *         {@code InvalidReplicationFactorException}, {@code NoReassignmentInProgressException},
     *         {@code EligibleLeadersNotAvailableException})
     */
    CompletableFuture<List<Optional<ApiException>>> alterPartitionReassignments(
            List<PartitionReassignment> reassignments, boolean allowReplicationFactorChange);

    /**
     * Controlled shutdown of {@code brokerId}: in one entry, leadership of every partition it leads moves to another
     * ISR member, it leaves every ISR where it is not the last member, and it is fenced (until it registers again).
     * Fails with {@code BrokerIdNotRegisteredException} for an unknown broker.
     */
    CompletableFuture<Void> controlledShutdown(int brokerId);

    /**
     * Kafka's ElectLeaders (see {@link io.strata.metadata.controller.ElectionControl#electLeaders}): moves leadership
     * to the preferred replica ({@code PREFERRED}) or to any live replica of a leaderless partition ({@code UNCLEAN}),
     * in one entry, each change with a new leader epoch.
     *
     * @param partitions the partitions, or empty for every partition (those needing no election are then left out)
     * @return per partition its error ({@code ElectionNotNeededException},
     *         {@code PreferredLeaderNotAvailableException}, {@code EligibleLeadersNotAvailableException},
     *         {@code UnknownTopicOrPartitionException}) or none if it got a new leader
     */
    CompletableFuture<Map<TopicPartition, Optional<ApiException>>> electLeaders(
            ElectionType type, Optional<List<TopicPartition>> partitions);

    /**
     * The quorum's replication progress as the Raft leader sees it, asked of the leader wherever it is (as a Kafka
     * broker forwards DescribeQuorum to the active controller).
     *
     * @return fails with {@code NotLeaderOrFollowerException} when no leader answers (an election is under way)
     */
    CompletableFuture<QuorumStatus> describeQuorum();

    @Override
    void close();
}
