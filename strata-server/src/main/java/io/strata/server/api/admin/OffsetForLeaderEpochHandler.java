package io.strata.server.api.admin;

import io.strata.metadata.MetadataImage;
import io.strata.metadata.MetadataQuorum;
import io.strata.server.api.ApiAuthorization;
import io.strata.server.api.ApiHandler;
import io.strata.server.api.RequestContext;
import io.strata.server.cluster.Partition;
import io.strata.server.cluster.ReplicaManager;
import io.strata.storage.EpochEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData;
import org.apache.kafka.common.message.OffsetForLeaderEpochResponseData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.OffsetsForLeaderEpochRequest;
import org.apache.kafka.common.requests.OffsetsForLeaderEpochResponse;
import org.apache.kafka.common.resource.ResourceType;

/**
 * OffsetForLeaderEpoch: the end offset of the requested epoch (the largest epoch at or below it) from the leader's
 * epoch cache, after checking the caller's current leader epoch. Consumers use it to detect truncation after a
 * leader change, followers to truncate.
 */
final class OffsetForLeaderEpochHandler implements ApiHandler<OffsetsForLeaderEpochRequest> {

    private final MetadataQuorum quorum;
    private final ReplicaManager replicas;

    OffsetForLeaderEpochHandler(MetadataQuorum quorum, ReplicaManager replicas) {
        this.quorum = quorum;
        this.replicas = replicas;
    }

    @Override
    public ApiMessage handle(RequestContext context, OffsetsForLeaderEpochRequest request) {
        MetadataImage image = quorum.image();
        // As Kafka: followers need CLUSTER_ACTION, consumers DESCRIBE on each topic.
        boolean follower = request.data().replicaId() >= 0;
        boolean clusterAction = follower && context.authorizedCluster(AclOperation.CLUSTER_ACTION);
        OffsetForLeaderEpochResponseData.OffsetForLeaderTopicResultCollection topics =
                new OffsetForLeaderEpochResponseData.OffsetForLeaderTopicResultCollection();
        for (OffsetForLeaderEpochRequestData.OffsetForLeaderTopic topic : request.data().topics()) {
            List<OffsetForLeaderEpochResponseData.EpochEndOffset> partitions = new ArrayList<>();
            boolean authorized = follower ? clusterAction
                    : context.authorized(AclOperation.DESCRIBE, ResourceType.TOPIC, topic.topic());
            for (OffsetForLeaderEpochRequestData.OffsetForLeaderPartition p : topic.partitions()) {
                OffsetForLeaderEpochResponseData.EpochEndOffset result = new OffsetForLeaderEpochResponseData
                        .EpochEndOffset().setPartition(p.partition());
                try {
                    if (!authorized) {
                        throw ApiAuthorization.denial(ResourceType.TOPIC);
                    }
                    Partition partition = replicas.leaderPartitionOrException(image,
                            new TopicPartition(topic.topic(), p.partition()));
                    partition.checkLeader(p.currentLeaderEpoch());
                    Optional<EpochEntry> end = partition.log().endOffsetForEpoch(p.leaderEpoch());
                    result.setErrorCode(Errors.NONE.code())
                            .setLeaderEpoch(end.map(EpochEntry::epoch)
                                    .orElse(OffsetsForLeaderEpochResponse.UNDEFINED_EPOCH))
                            .setEndOffset(end.map(EpochEntry::offset)
                                    .orElse(OffsetsForLeaderEpochResponse.UNDEFINED_EPOCH_OFFSET));
                } catch (ApiException e) {
                    result.setErrorCode(Errors.forException(e).code())
                            .setLeaderEpoch(OffsetsForLeaderEpochResponse.UNDEFINED_EPOCH)
                            .setEndOffset(OffsetsForLeaderEpochResponse.UNDEFINED_EPOCH_OFFSET);
                }
                partitions.add(result);
            }
            topics.add(new OffsetForLeaderEpochResponseData.OffsetForLeaderTopicResult().setTopic(topic.topic())
                    .setPartitions(partitions));
        }
        return new OffsetForLeaderEpochResponseData().setTopics(topics);
    }
}
