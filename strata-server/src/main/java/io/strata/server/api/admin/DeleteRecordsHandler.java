package io.strata.server.api.admin;

import io.strata.metadata.MetadataImage;
import io.strata.metadata.MetadataQuorum;
import io.strata.server.api.ApiHandler;
import io.strata.server.api.RequestContext;
import io.strata.server.cluster.ReplicaManager;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.message.DeleteRecordsRequestData;
import org.apache.kafka.common.message.DeleteRecordsResponseData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.DeleteRecordsRequest;
import org.apache.kafka.common.resource.ResourceType;

/**
 * DeleteRecords: moves each partition's log start offset up to the requested offset ({@code -1}: the high
 * watermark) on its leader and answers the new low watermark. Segments wholly below it are removed by the next
 * retention pass; reads below it fail with OFFSET_OUT_OF_RANGE at once.
 */
final class DeleteRecordsHandler implements ApiHandler<DeleteRecordsRequest> {

    private final MetadataQuorum quorum;
    private final ReplicaManager replicas;

    DeleteRecordsHandler(MetadataQuorum quorum, ReplicaManager replicas) {
        this.quorum = quorum;
        this.replicas = replicas;
    }

    @Override
    public ApiMessage handle(RequestContext context, DeleteRecordsRequest request) {
        MetadataImage image = quorum.image();
        DeleteRecordsResponseData.DeleteRecordsTopicResultCollection topics =
                new DeleteRecordsResponseData.DeleteRecordsTopicResultCollection();
        for (DeleteRecordsRequestData.DeleteRecordsTopic topic : request.data().topics()) {
            DeleteRecordsResponseData.DeleteRecordsPartitionResultCollection partitions =
                    new DeleteRecordsResponseData.DeleteRecordsPartitionResultCollection();
            boolean authorized = context.authorized(AclOperation.DELETE, ResourceType.TOPIC, topic.name());
            for (DeleteRecordsRequestData.DeleteRecordsPartition p : topic.partitions()) {
                DeleteRecordsResponseData.DeleteRecordsPartitionResult result = new DeleteRecordsResponseData
                        .DeleteRecordsPartitionResult().setPartitionIndex(p.partitionIndex());
                if (!authorized) {
                    partitions.add(result.setErrorCode(Errors.TOPIC_AUTHORIZATION_FAILED.code()).setLowWatermark(-1));
                    continue;
                }
                try {
                    long low = delete(image, new TopicPartition(topic.name(), p.partitionIndex()), p.offset());
                    result.setErrorCode(Errors.NONE.code()).setLowWatermark(low);
                } catch (ApiException e) {
                    result.setErrorCode(Errors.forException(e).code()).setLowWatermark(-1);
                }
                partitions.add(result);
            }
            topics.add(new DeleteRecordsResponseData.DeleteRecordsTopicResult().setName(topic.name())
                    .setPartitions(partitions));
        }
        return new DeleteRecordsResponseData().setTopics(topics);
    }

    private long delete(MetadataImage image, TopicPartition tp, long requested) {
        return replicas.partitionOrException(image, tp).deleteRecords(requested);
    }
}
