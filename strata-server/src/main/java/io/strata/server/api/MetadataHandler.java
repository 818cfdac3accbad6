package io.strata.server.api;

import io.strata.metadata.BrokerRegistration;
import io.strata.metadata.MetadataImage;
import io.strata.metadata.MetadataQuorum;
import io.strata.metadata.PartitionImage;
import io.strata.metadata.TopicImage;
import io.strata.server.cluster.ReplicaManager;
import io.strata.server.cluster.TopicNames;
import io.strata.server.cluster.TopicService;
import io.strata.server.security.Authorizer;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.MetadataRequest;
import org.apache.kafka.common.resource.ResourceType;

/**
 * Metadata: brokers on the request's listener and the requested topics (all when the list is null), by name or,
 * from v12, by topic id (unknown ids answer {@code UNKNOWN_TOPIC_ID}), creating missing topics requested by name
 * when {@code auto.create.topics.enable} and the client allow it.
 */
public final class MetadataHandler implements ApiHandler<MetadataRequest> {

    private final int nodeId;
    private final MetadataQuorum quorum;
    private final TopicService topics;
    private final boolean autoCreate;
    private final ReplicaManager replicas;

    public MetadataHandler(int nodeId, MetadataQuorum quorum, TopicService topics, ReplicaManager replicas,
                           boolean autoCreate) {
        this.nodeId = nodeId;
        this.replicas = replicas;
        this.quorum = quorum;
        this.topics = topics;
        this.autoCreate = autoCreate;
    }

    @Override
    public ApiMessage handle(RequestContext context, MetadataRequest request) {
        MetadataRequestData data = request.data();
        short version = context.apiVersion();
        MetadataImage image = quorum.image();
        MetadataResponseData.MetadataResponseTopicCollection topicResponses =
                new MetadataResponseData.MetadataResponseTopicCollection();
        if (data.topics() == null) {
            // As Kafka: a client sees only the topics it may describe.
            image.topicsByName().values().stream().sorted((a, b) -> a.name().compareTo(b.name()))
                    .filter(t -> context.authorized(AclOperation.DESCRIBE, ResourceType.TOPIC, t.name()))
                    .forEach(t -> topicResponses.add(describe(context, data, t, version)));
        } else {
            for (MetadataRequestData.MetadataRequestTopic t : data.topics()) {
                // As Kafka: ids name topics from v12 on; v10 and v11 have the field but not the feature.
                if (version < 12 && (t.name() == null || byId(t))) {
                    throw new InvalidRequestException(t.name() == null
                            ? "Topic name can not be null for version " + version
                            : "Topic IDs are not supported in requests for version " + version);
                }
            }
            image = createMissing(context, data, version, image);
            for (MetadataRequestData.MetadataRequestTopic requested : data.topics()) {
                topicResponses.add(describeRequested(context, data, image, requested, version));
            }
        }
        MetadataResponseData.MetadataResponseBrokerCollection brokers =
                new MetadataResponseData.MetadataResponseBrokerCollection();
        for (BrokerRegistration broker : image.brokers().values()) {
            if (broker.fenced()) {
                continue;
            }
            ClusterView.endpoint(broker, context.listenerName()).ifPresent(e -> brokers.add(
                    new MetadataResponseData.MetadataResponseBroker().setNodeId(broker.brokerId())
                            .setHost(e.host()).setPort(e.port()).setRack(broker.rack().orElse(null))));
        }
        MetadataResponseData response = new MetadataResponseData().setBrokers(brokers).setTopics(topicResponses)
                .setClusterId(image.clusterId()).setControllerId(ClusterView.controllerId(image, nodeId));
        if (version >= 8 && version <= 10 && data.includeClusterAuthorizedOperations()) {
            response.setClusterAuthorizedOperations(context.authorizedOperations(RequestContext.CLUSTER_OPERATIONS,
                    ResourceType.CLUSTER, Authorizer.CLUSTER_NAME));
        }
        return response;
    }

    /** Auto-creation, as Kafka: only of topics the client may describe and create (on the cluster or the topic). */
    private MetadataImage createMissing(RequestContext context, MetadataRequestData data, short version,
                                        MetadataImage image) {
        boolean allowed = autoCreate && (version < 4 || data.allowAutoTopicCreation());
        if (!allowed) {
            return image;
        }
        Set<String> missing = new LinkedHashSet<>();
        for (MetadataRequestData.MetadataRequestTopic t : data.topics()) {
            if (!byId(t) && t.name() != null && image.topic(t.name()).isEmpty() && TopicNames.isValid(t.name())
                    && context.authorized(AclOperation.DESCRIBE, ResourceType.TOPIC, t.name())
                    && mayCreate(context, t.name())) {
                missing.add(t.name());
            }
        }
        if (missing.isEmpty()) {
            return image;
        }
        List<TopicService.Request> requests = new ArrayList<>();
        for (String name : missing) {
            requests.add(new TopicService.Request(name, -1, (short) -1, Map.of(), Map.of()));
        }
        // A topic that could not be created (say, created concurrently, or an invalid default) is described as
        // it now stands: present, or unknown.
        topics.create(requests, false);
        return quorum.image();
    }

    private static boolean mayCreate(RequestContext context, String topic) {
        return context.authorizedCluster(AclOperation.CREATE)
                || context.authorized(AclOperation.CREATE, ResourceType.TOPIC, topic);
    }

    private MetadataResponseData.MetadataResponseTopic describeRequested(
            RequestContext context, MetadataRequestData data, MetadataImage image,
            MetadataRequestData.MetadataRequestTopic requested, short version) {
        if (byId(requested)) {
            // The client's name, if any, is ignored: the id decides (Kafka answers with the id's current name).
            Uuid id = requested.topicId();
            Optional<TopicImage> topic = image.topic(id);
            if (topic.isPresent() && context.authorized(AclOperation.DESCRIBE, ResourceType.TOPIC,
                    topic.get().name())) {
                return describe(context, data, topic.get(), version);
            }
            // An id the client may not describe is answered as Kafka does, without revealing its name.
            return new MetadataResponseData.MetadataResponseTopic().setName(null).setTopicId(id)
                    .setErrorCode(topic.isPresent() ? Errors.TOPIC_AUTHORIZATION_FAILED.code()
                            : Errors.UNKNOWN_TOPIC_ID.code());
        }
        String name = requested.name();
        if (!TopicNames.isValid(name)) {
            return new MetadataResponseData.MetadataResponseTopic().setName(name)
                    .setErrorCode(Errors.INVALID_TOPIC_EXCEPTION.code());
        }
        Optional<TopicImage> topic = image.topic(name);
        boolean describable = context.authorized(AclOperation.DESCRIBE, ResourceType.TOPIC, name);
        if (topic.isPresent() && describable) {
            return describe(context, data, topic.get(), version);
        }
        // As Kafka: a missing topic the client could not have created is an authorisation failure too.
        boolean denied = !describable || autoCreate && (version < 4 || data.allowAutoTopicCreation())
                && !mayCreate(context, name);
        return new MetadataResponseData.MetadataResponseTopic().setName(name)
                .setErrorCode(denied ? Errors.TOPIC_AUTHORIZATION_FAILED.code()
                        : Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
    }

    /** A topic requested by id: a non-zero id (clients leave the name empty or null). */
    private static boolean byId(MetadataRequestData.MetadataRequestTopic requested) {
        return !Uuid.ZERO_UUID.equals(requested.topicId());
    }

    private MetadataResponseData.MetadataResponseTopic describe(RequestContext context, MetadataRequestData data,
                                                                TopicImage topic, short version) {
        List<MetadataResponseData.MetadataResponsePartition> partitions = new ArrayList<>();
        topic.partitions().forEach((index, p) -> partitions.add(
                describe(index, p, replicas.isOffline(new TopicPartition(topic.name(), index)))));
        MetadataResponseData.MetadataResponseTopic response = new MetadataResponseData.MetadataResponseTopic()
                .setName(topic.name()).setIsInternal(TopicNames.isInternal(topic.name())).setPartitions(partitions)
                .setErrorCode(Errors.NONE.code());
        if (version >= 10) {
            response.setTopicId(topic.id());
        }
        if (version >= 8 && data.includeTopicAuthorizedOperations()) {
            response.setTopicAuthorizedOperations(context.authorizedOperations(RequestContext.TOPIC_OPERATIONS,
                    ResourceType.TOPIC, topic.name()));
        }
        return response;
    }

    /**
     * One partition as the metadata has it, except that this node reports its own replica offline when its log
     * is unusable here (it could not be created, or its log directory failed); a leader so affected is not
     * available. Other nodes learn of it only once the controller moves leadership (replication, to come).
     */
    private MetadataResponseData.MetadataResponsePartition describe(int index, PartitionImage p,
                                                                    boolean offlineHere) {
        boolean leaderAvailable = p.leader() >= 0 && !(offlineHere && p.leader() == nodeId);
        List<Integer> offline = offlineHere ? List.of(nodeId) : List.of();
        return new MetadataResponseData.MetadataResponsePartition().setPartitionIndex(index)
                .setErrorCode(leaderAvailable ? Errors.NONE.code() : Errors.LEADER_NOT_AVAILABLE.code())
                .setLeaderId(leaderAvailable ? p.leader() : -1).setLeaderEpoch(p.leaderEpoch())
                .setReplicaNodes(new ArrayList<>(p.replicas())).setIsrNodes(new ArrayList<>(p.isr()))
                .setOfflineReplicas(new ArrayList<>(offline));
    }
}
