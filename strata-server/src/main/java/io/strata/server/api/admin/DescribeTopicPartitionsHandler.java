package io.strata.server.api.admin;

import io.strata.metadata.BrokerRegistration;
import io.strata.metadata.MetadataImage;
import io.strata.metadata.MetadataQuorum;
import io.strata.metadata.PartitionImage;
import io.strata.metadata.TopicImage;
import io.strata.server.api.ApiHandler;
import io.strata.server.api.RequestContext;
import io.strata.server.cluster.TopicNames;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Predicate;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.message.DescribeTopicPartitionsRequestData;
import org.apache.kafka.common.message.DescribeTopicPartitionsResponseData;
import org.apache.kafka.common.message.DescribeTopicPartitionsResponseData.Cursor;
import org.apache.kafka.common.message.DescribeTopicPartitionsResponseData.DescribeTopicPartitionsResponsePartition;
import org.apache.kafka.common.message.DescribeTopicPartitionsResponseData.DescribeTopicPartitionsResponseTopic;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.DescribeTopicPartitionsRequest;
import org.apache.kafka.common.resource.ResourceType;

/**
 * DescribeTopicPartitions (KIP-966): topics with their partitions' leader, leader epoch, replicas, ISR and offline
 * replicas, paged as Kafka pages it. Topics are answered in name order (all topics when the request names none),
 * from the request's cursor on, until {@code min(ResponsePartitionLimit, max.request.partition.size.limit)}
 * partitions are in the response; {@code NextCursor} then names the first partition left out. A named topic that
 * does not exist is answered with {@code UNKNOWN_TOPIC_OR_PARTITION} (or {@code INVALID_TOPIC_EXCEPTION}); a cursor
 * whose topic is not among the named topics fails the request with {@code INVALID_REQUEST}.
 *
 * <p>A replica is offline when its broker is not registered, fenced, has no endpoint on the request's listener, or
 * (for this node's own replicas) its log is unusable here. Strata has no eligible leader replicas (KIP-966's ELR is
 * not enabled, as in Kafka by default): both ELR lists are empty.
 *
 * <p>Thread-safe: reads one immutable image per request.
 */
public final class DescribeTopicPartitionsHandler implements ApiHandler<DescribeTopicPartitionsRequest> {

    private final int nodeId;
    private final MetadataQuorum quorum;
    private final Predicate<TopicPartition> offlineHere;
    private final int maxPartitionsPerResponse;

    /**
     * @param offlineHere              whether this node's replica of a partition is offline (its log is unusable)
     * @param maxPartitionsPerResponse {@code max.request.partition.size.limit}: the most partitions in one response
     */
    public DescribeTopicPartitionsHandler(int nodeId, MetadataQuorum quorum, Predicate<TopicPartition> offlineHere,
                                          int maxPartitionsPerResponse) {
        this.nodeId = nodeId;
        this.quorum = quorum;
        this.offlineHere = offlineHere;
        this.maxPartitionsPerResponse = maxPartitionsPerResponse;
    }

    @Override
    public ApiMessage handle(RequestContext context, DescribeTopicPartitionsRequest request) {
        DescribeTopicPartitionsRequestData data = request.data();
        MetadataImage image = quorum.image();
        DescribeTopicPartitionsRequestData.Cursor cursor = data.cursor();
        String cursorTopic = cursor == null ? "" : cursor.topicName();
        boolean allTopics = data.topics().isEmpty();
        TreeSet<String> names = new TreeSet<>();
        if (allTopics) {
            // As Kafka: listing shows only the topics the client may describe.
            image.topicsByName().keySet().stream()
                    .filter(n -> context.authorized(AclOperation.DESCRIBE, ResourceType.TOPIC, n)).forEach(names::add);
        } else {
            data.topics().forEach(t -> names.add(t.name()));
            if (cursor != null && !names.contains(cursorTopic)) {
                throw new InvalidRequestException("DescribeTopicPartitionsRequest topic list should contain the "
                        + "cursor topic: " + cursorTopic);
            }
        }
        DescribeTopicPartitionsResponseData response = new DescribeTopicPartitionsResponseData();
        int remaining = Math.min(maxPartitionsPerResponse, data.responsePartitionLimit());
        for (String name : names.tailSet(cursorTopic, true)) {
            if (remaining <= 0) {
                // every partition of the topics before is in the response: the next page starts with this topic
                response.setNextCursor(new Cursor().setTopicName(name).setPartitionIndex(0));
                break;
            }
            Optional<TopicImage> topic = image.topic(name);
            if (!allTopics && !context.authorized(AclOperation.DESCRIBE, ResourceType.TOPIC, name)) {
                response.topics().add(new DescribeTopicPartitionsResponseTopic().setName(name)
                        .setTopicId(Uuid.ZERO_UUID).setErrorCode(Errors.TOPIC_AUTHORIZATION_FAILED.code()));
                continue;
            }
            if (topic.isEmpty()) {
                if (!allTopics) {
                    response.topics().add(new DescribeTopicPartitionsResponseTopic().setName(name)
                            .setTopicId(Uuid.ZERO_UUID).setIsInternal(TopicNames.isInternal(name))
                            .setErrorCode(TopicNames.isValid(name) ? Errors.UNKNOWN_TOPIC_OR_PARTITION.code()
                                    : Errors.INVALID_TOPIC_EXCEPTION.code()));
                }
                continue;
            }
            int first = name.equals(cursorTopic) ? Math.max(0, cursor.partitionIndex()) : 0;
            int count = topic.get().partitions().size();
            int end = (int) Math.min(count, (long) first + remaining);
            List<DescribeTopicPartitionsResponsePartition> partitions = new ArrayList<>();
            for (int p = first; p < end; p++) {
                PartitionImage partition = topic.get().partitions().get(p);
                if (partition != null) {
                    partitions.add(describe(image, name, p, partition, context.listenerName()));
                }
            }
            response.topics().add(new DescribeTopicPartitionsResponseTopic().setName(name)
                    .setTopicId(topic.get().id()).setIsInternal(TopicNames.isInternal(name))
                    .setErrorCode(Errors.NONE.code()).setPartitions(partitions)
                    .setTopicAuthorizedOperations(context.authorizedOperations(RequestContext.TOPIC_OPERATIONS,
                            ResourceType.TOPIC, name)));
            if (end < count) {
                response.setNextCursor(new Cursor().setTopicName(name).setPartitionIndex(end));
                break;
            }
            remaining -= partitions.size();
        }
        return response;
    }

    private DescribeTopicPartitionsResponsePartition describe(MetadataImage image, String topic, int index,
                                                              PartitionImage p, String listenerName) {
        boolean offlineLocally = offlineHere.test(new TopicPartition(topic, index));
        List<Integer> offline = new ArrayList<>();
        for (int replica : p.replicas()) {
            if (isOffline(image, replica, listenerName) || (replica == nodeId && offlineLocally)) {
                offline.add(replica);
            }
        }
        BrokerRegistration leader = p.leader() < 0 ? null : image.brokers().get(p.leader());
        Errors error;
        if (leader == null || (p.leader() == nodeId && offlineLocally)) {
            error = Errors.LEADER_NOT_AVAILABLE;
        } else if (endpoint(leader, listenerName).isEmpty()) {
            error = Errors.LISTENER_NOT_FOUND;
        } else {
            error = Errors.NONE;
        }
        return new DescribeTopicPartitionsResponsePartition().setPartitionIndex(index).setErrorCode(error.code())
                .setLeaderId(error == Errors.NONE ? p.leader() : -1).setLeaderEpoch(p.leaderEpoch())
                .setReplicaNodes(new ArrayList<>(p.replicas())).setIsrNodes(new ArrayList<>(p.isr()))
                .setEligibleLeaderReplicas(new ArrayList<>()).setLastKnownElr(new ArrayList<>())
                .setOfflineReplicas(offline);
    }

    private static boolean isOffline(MetadataImage image, int brokerId, String listenerName) {
        BrokerRegistration broker = image.brokers().get(brokerId);
        return broker == null || broker.fenced() || endpoint(broker, listenerName).isEmpty();
    }

    private static Optional<BrokerRegistration.Endpoint> endpoint(BrokerRegistration broker, String listenerName) {
        return broker.endpoints().stream().filter(e -> e.listenerName().equals(listenerName)).findFirst();
    }
}
