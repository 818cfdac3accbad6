package io.strata.server.api;

import io.strata.metadata.BrokerRegistration;
import io.strata.metadata.ClientQuotaChange;
import io.strata.metadata.ConfigResourceKey;
import io.strata.metadata.FeatureChange;
import io.strata.metadata.MetadataImage;
import io.strata.metadata.MetadataQuorum;
import io.strata.metadata.NewTopic;
import io.strata.metadata.PartitionImage;
import io.strata.metadata.PartitionReassignment;
import io.strata.metadata.ProducerIdBlock;
import io.strata.metadata.QuorumStatus;
import io.strata.metadata.ScramCredentialChange;
import io.strata.metadata.SupportedFeatures;
import io.strata.metadata.TopicOutcome;
import io.strata.metadata.controller.AclControl;
import io.strata.metadata.controller.ClientQuotaControl;
import io.strata.metadata.controller.Controller;
import io.strata.metadata.controller.Decision;
import io.strata.metadata.controller.ElectionControl;
import io.strata.metadata.controller.FeatureControl;
import io.strata.metadata.controller.ReassignmentControl;
import io.strata.metadata.controller.ReplicaPlacer;
import io.strata.metadata.controller.ReplicationControl;
import io.strata.metadata.controller.ScramControl;
import io.strata.metadata.image.ImageBuilder;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import org.apache.kafka.common.ElectionType;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;

/**
 * A metadata quorum for handler tests: the real {@link Controller} decides and the records are applied to an
 * in-memory image at once, without Ratis. Counts the write calls so that tests can see that a refused request never
 * reached the controller. Not thread-safe (one test thread).
 */
public final class ControllerQuorum implements MetadataQuorum {

    private final Controller controller = new Controller(new ReplicaPlacer(new SplittableRandom(1)),
            Uuid::randomUuid);
    private final AtomicInteger writes = new AtomicInteger();
    private MetadataImage image = ImageBuilder.emptyImage("test-cluster");
    private CompletableFuture<QuorumStatus> quorumStatus = CompletableFuture.failedFuture(
            new NotLeaderOrFollowerException("handler tests run no Raft quorum"));

    /** A quorum with brokers {@code 1..brokers} registered. */
    public static ControllerQuorum withBrokers(int brokers) {
        ControllerQuorum quorum = new ControllerQuorum();
        for (int id = 1; id <= brokers; id++) {
            quorum.registerBroker(new BrokerRegistration(id, Uuid.randomUuid(), List.of(), Optional.empty(), false))
                    .join();
        }
        return quorum;
    }

    /** Controller writes (topics, partitions, configs) since creation. */
    public int writes() {
        return writes.get();
    }

    private <T> CompletableFuture<T> commit(Decision<T> decision) {
        writes.incrementAndGet();
        try {
            image = ImageBuilder.applyBatch(image, decision.records(), image.version() + 1);
            return CompletableFuture.completedFuture(decision.result());
        } catch (Exception e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public void start() {
    }

    @Override
    public MetadataImage image() {
        return image;
    }

    @Override
    public void addListener(BiConsumer<MetadataImage, MetadataImage> listener) {
    }

    @Override
    public CompletableFuture<Void> registerBroker(BrokerRegistration registration) {
        CompletableFuture<Void> done = commit(ReplicationControl.registerBroker(image, registration));
        writes.decrementAndGet(); // setting up brokers is not a client's write
        return done;
    }

    @Override
    public CompletableFuture<Map<String, TopicOutcome>> createTopics(List<NewTopic> topics, boolean validateOnly) {
        return commit(controller.createTopics(image, topics, validateOnly));
    }

    @Override
    public CompletableFuture<Map<Uuid, TopicOutcome>> deleteTopics(List<Uuid> topicIds) {
        return commit(controller.deleteTopics(image, topicIds));
    }

    @Override
    public CompletableFuture<Map<String, TopicOutcome>> createPartitions(Map<String, Integer> newTotalCounts,
                                                                         boolean validateOnly) {
        return commit(controller.createPartitions(image, newTotalCounts, validateOnly));
    }

    @Override
    public CompletableFuture<Void> alterConfigs(ConfigResourceKey resource, Map<String, String> changes) {
        return commit(controller.alterConfigs(image, resource, changes));
    }

    @Override
    public CompletableFuture<List<Optional<ApiException>>> alterScramCredentials(
            List<ScramCredentialChange> changes) {
        return commit(ScramControl.alter(image, changes));
    }

    @Override
    public CompletableFuture<List<Optional<ApiException>>> createAcls(List<AclBinding> bindings) {
        return commit(AclControl.create(image, bindings, Uuid::randomUuid));
    }

    @Override
    public CompletableFuture<List<List<AclBinding>>> deleteAcls(List<AclBindingFilter> filters) {
        return commit(AclControl.delete(image, filters));
    }

    @Override
    public CompletableFuture<Void> alterClientQuotas(List<ClientQuotaChange> changes) {
        return commit(ClientQuotaControl.alter(image, changes));
    }

    @Override
    public CompletableFuture<Map<String, Short>> finalizeFeatures(Map<String, Short> initialLevels) {
        return commit(FeatureControl.finalizeMissing(image, initialLevels));
    }

    @Override
    public CompletableFuture<Optional<ApiException>> updateFeatures(List<FeatureChange> changes,
                                                                    SupportedFeatures supported,
                                                                    boolean validateOnly) {
        return commit(FeatureControl.update(image, changes, supported, validateOnly));
    }

    @Override
    public CompletableFuture<ProducerIdBlock> allocateProducerIds(int brokerId) {
        return commit(controller.allocateProducerIds(image, brokerId));
    }

    @Override
    public CompletableFuture<PartitionImage> alterPartition(Uuid topicId, int partition, int leaderId, int leaderEpoch,
                                                           int partitionEpoch, List<Integer> newIsr) {
        return commit(ReplicationControl.alterPartition(image, topicId, partition, leaderId, leaderEpoch,
                partitionEpoch, newIsr));
    }

    @Override
    public CompletableFuture<List<Optional<ApiException>>> alterPartitionReassignments(
            List<PartitionReassignment> reassignments, boolean allowReplicationFactorChange) {
        return commit(ReassignmentControl.alter(image, reassignments, allowReplicationFactorChange));
    }

    @Override
    public CompletableFuture<Void> controlledShutdown(int brokerId) {
        return commit(ReplicationControl.controlledShutdown(image, brokerId));
    }

    /** Sets what {@link #describeQuorum} answers (by default it fails as when no Raft leader answers). */
    public void quorumStatus(CompletableFuture<QuorumStatus> status) {
        quorumStatus = status;
    }

    @Override
    public CompletableFuture<QuorumStatus> describeQuorum() {
        return quorumStatus;
    }

    @Override
    public CompletableFuture<Map<TopicPartition, Optional<ApiException>>> electLeaders(
            ElectionType type, Optional<List<TopicPartition>> partitions) {
        return commit(ElectionControl.electLeaders(image, type, partitions));
    }

    @Override
    public void close() {
    }
}
