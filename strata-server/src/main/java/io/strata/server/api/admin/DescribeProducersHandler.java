package io.strata.server.api.admin;

import io.strata.metadata.MetadataImage;
import io.strata.metadata.MetadataQuorum;
import io.strata.server.api.ApiAuthorization;
import io.strata.server.api.ApiHandler;
import io.strata.server.api.RequestContext;
import io.strata.server.cluster.Partition;
import io.strata.server.cluster.ReplicaManager;
import io.strata.storage.ActiveProducer;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.message.DescribeProducersRequestData;
import org.apache.kafka.common.message.DescribeProducersResponseData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.DescribeProducersRequest;
import org.apache.kafka.common.resource.ResourceType;

/**
 * DescribeProducers: the idempotent and transactional producers the partition leader's log tracks, with their
 * epoch, last sequence, last timestamp, the coordinator epoch of their last marker and the first offset of their
 * open transaction (-1 when none).
 */
final class DescribeProducersHandler implements ApiHandler<DescribeProducersRequest> {

    private final MetadataQuorum quorum;
    private final ReplicaManager replicas;

    DescribeProducersHandler(MetadataQuorum quorum, ReplicaManager replicas) {
        this.quorum = quorum;
        this.replicas = replicas;
    }

    @Override
    public ApiMessage handle(RequestContext context, DescribeProducersRequest request) {
        MetadataImage image = quorum.image();
        List<DescribeProducersResponseData.TopicResponse> topics = new ArrayList<>();
        for (DescribeProducersRequestData.TopicRequest topic : request.data().topics()) {
            List<DescribeProducersResponseData.PartitionResponse> partitions = new ArrayList<>();
            boolean authorized = context.authorized(AclOperation.READ, ResourceType.TOPIC, topic.name());
            for (int index : topic.partitionIndexes()) {
                DescribeProducersResponseData.PartitionResponse response =
                        new DescribeProducersResponseData.PartitionResponse().setPartitionIndex(index);
                try {
                    if (!authorized) {
                        throw ApiAuthorization.denial(ResourceType.TOPIC);
                    }
                    Partition p = replicas.leaderPartitionOrException(image, new TopicPartition(topic.name(), index));
                    List<DescribeProducersResponseData.ProducerState> states = new ArrayList<>();
                    for (ActiveProducer producer : p.log().activeProducers()) {
                        states.add(new DescribeProducersResponseData.ProducerState()
                                .setProducerId(producer.producerId()).setProducerEpoch(producer.producerEpoch())
                                .setLastSequence(producer.lastSequence()).setLastTimestamp(producer.lastTimestamp())
                                .setCoordinatorEpoch(producer.coordinatorEpoch())
                                .setCurrentTxnStartOffset(producer.currentTxnStartOffset()));
                    }
                    response.setErrorCode(Errors.NONE.code()).setActiveProducers(states);
                } catch (ApiException e) {
                    response.setErrorCode(Errors.forException(e).code()).setErrorMessage(e.getMessage());
                }
                partitions.add(response);
            }
            topics.add(new DescribeProducersResponseData.TopicResponse().setName(topic.name())
                    .setPartitions(partitions));
        }
        return new DescribeProducersResponseData().setTopics(topics);
    }
}
