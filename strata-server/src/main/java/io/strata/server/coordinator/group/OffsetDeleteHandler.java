package io.strata.server.coordinator.group;

import io.strata.server.api.ApiAuthorization;
import io.strata.server.api.ApiHandler;
import io.strata.server.api.RequestContext;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.message.OffsetDeleteRequestData;
import org.apache.kafka.common.message.OffsetDeleteResponseData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.OffsetDeleteRequest;
import org.apache.kafka.common.resource.ResourceType;

/** OffsetDelete: removes committed offsets of topics the group does not consume. */
final class OffsetDeleteHandler implements ApiHandler<OffsetDeleteRequest> {

    private final GroupOffsets offsets;

    OffsetDeleteHandler(GroupOffsets offsets) {
        this.offsets = offsets;
    }

    @Override
    public ApiMessage handle(RequestContext context, OffsetDeleteRequest request) {
        OffsetDeleteRequestData data = request.data();
        if (!context.authorized(AclOperation.DELETE, ResourceType.GROUP, data.groupId())) {
            throw ApiAuthorization.denial(ResourceType.GROUP);
        }
        // As Kafka: offsets of topics the client may not read are answered TOPIC_AUTHORIZATION_FAILED, untouched.
        Set<String> denied = new HashSet<>();
        data.topics().forEach(t -> {
            if (!context.authorized(AclOperation.READ, ResourceType.TOPIC, t.name())) {
                denied.add(t.name());
            }
        });
        List<TopicPartition> partitions = new ArrayList<>();
        data.topics().stream().filter(t -> !denied.contains(t.name())).forEach(t -> t.partitions().forEach(p ->
                partitions.add(new TopicPartition(t.name(), p.partitionIndex()))));
        GroupOffsets.DeleteOutcome outcome = offsets.delete(data.groupId(), partitions);
        OffsetDeleteResponseData response = new OffsetDeleteResponseData().setErrorCode(outcome.groupError().code());
        if (outcome.groupError() != Errors.NONE) {
            return response;
        }
        for (OffsetDeleteRequestData.OffsetDeleteRequestTopic t : data.topics()) {
            OffsetDeleteResponseData.OffsetDeleteResponseTopic topic =
                    new OffsetDeleteResponseData.OffsetDeleteResponseTopic().setName(t.name());
            for (OffsetDeleteRequestData.OffsetDeleteRequestPartition p : t.partitions()) {
                Errors error = denied.contains(t.name()) ? Errors.TOPIC_AUTHORIZATION_FAILED : outcome.partitions()
                        .getOrDefault(new TopicPartition(t.name(), p.partitionIndex()), Errors.NONE);
                topic.partitions().add(new OffsetDeleteResponseData.OffsetDeleteResponsePartition()
                        .setPartitionIndex(p.partitionIndex()).setErrorCode(error.code()));
            }
            response.topics().add(topic);
        }
        return response;
    }
}
