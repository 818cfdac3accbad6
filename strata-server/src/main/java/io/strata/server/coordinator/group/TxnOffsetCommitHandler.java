package io.strata.server.coordinator.group;

import io.strata.server.api.ApiAuthorization;
import io.strata.server.api.ApiHandler;
import io.strata.server.api.RequestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.message.TxnOffsetCommitRequestData;
import org.apache.kafka.common.message.TxnOffsetCommitResponseData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.TxnOffsetCommitRequest;
import org.apache.kafka.common.resource.ResourceType;

/**
 * TxnOffsetCommit (v0-v4, transactions version 1): offsets sent with {@code sendOffsetsToTransaction}, written in
 * the producer's transaction and made visible by its COMMIT marker. Group membership is checked from v3 when a
 * generation is given (KIP-447).
 */
final class TxnOffsetCommitHandler implements ApiHandler<TxnOffsetCommitRequest> {

    private final GroupOffsets offsets;

    TxnOffsetCommitHandler(GroupOffsets offsets) {
        this.offsets = offsets;
    }

    @Override
    public ApiMessage handle(RequestContext context, TxnOffsetCommitRequest request) {
        TxnOffsetCommitRequestData data = request.data();
        if (!context.authorized(AclOperation.WRITE, ResourceType.TRANSACTIONAL_ID, data.transactionalId())) {
            throw ApiAuthorization.denial(ResourceType.TRANSACTIONAL_ID);
        }
        if (!context.authorized(AclOperation.READ, ResourceType.GROUP, data.groupId())) {
            throw ApiAuthorization.denial(ResourceType.GROUP);
        }
        List<GroupOffsets.Commit> commits = new ArrayList<>();
        List<TxnOffsetCommitResponseData.TxnOffsetCommitResponsePartition> slots = new ArrayList<>();
        TxnOffsetCommitResponseData response = new TxnOffsetCommitResponseData();
        for (TxnOffsetCommitRequestData.TxnOffsetCommitRequestTopic t : data.topics()) {
            TxnOffsetCommitResponseData.TxnOffsetCommitResponseTopic topic =
                    new TxnOffsetCommitResponseData.TxnOffsetCommitResponseTopic().setName(t.name());
            response.topics().add(topic);
            boolean denied = !context.authorized(AclOperation.READ, ResourceType.TOPIC, t.name());
            for (TxnOffsetCommitRequestData.TxnOffsetCommitRequestPartition p : t.partitions()) {
                TxnOffsetCommitResponseData.TxnOffsetCommitResponsePartition slot =
                        new TxnOffsetCommitResponseData.TxnOffsetCommitResponsePartition()
                                .setPartitionIndex(p.partitionIndex());
                topic.partitions().add(slot);
                if (denied) {
                    slot.setErrorCode(Errors.TOPIC_AUTHORIZATION_FAILED.code());
                    continue;
                }
                slots.add(slot);
                commits.add(new GroupOffsets.Commit(new TopicPartition(t.name(), p.partitionIndex()),
                        p.committedOffset(), p.committedLeaderEpoch(), Optional.ofNullable(p.committedMetadata())));
            }
        }
        if (!commits.isEmpty()) {
            int generation = context.apiVersion() >= 3 ? data.generationId() : -1;
            var errors = offsets.commitTransactional(data.groupId(), data.producerId(), data.producerEpoch(),
                    data.memberId() == null ? "" : data.memberId(), Optional.ofNullable(data.groupInstanceId()),
                    generation, commits);
            for (int i = 0; i < slots.size(); i++) {
                slots.get(i).setErrorCode(errors.get(i).code());
            }
        }
        return response;
    }
}
