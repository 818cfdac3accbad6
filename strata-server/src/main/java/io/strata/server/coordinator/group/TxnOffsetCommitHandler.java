package io.strata.server.coordinator.group;

import io.strata.server.api.ApiAuthorization;
import io.strata.server.api.ApiHandler;
import io.strata.server.api.RequestContext;
import io.strata.server.cluster.TransactionSupport;
import io.strata.server.cluster.TransactionVerifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.message.TxnOffsetCommitRequestData;
import org.apache.kafka.common.message.TxnOffsetCommitResponseData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.TxnOffsetCommitRequest;
import org.apache.kafka.common.resource.ResourceType;

/**
 * TxnOffsetCommit: offsets sent with {@code sendOffsetsToTransaction}, written in the producer's transaction and
 * made visible by its COMMIT marker. Group membership is checked from v3 when a generation is given (KIP-447).
 * v5 is a transactions version 2 producer's, which sends no AddOffsetsToTxn: the group's
 * {@code __consumer_offsets} partition is added to the transaction here first (KIP-890), with the coordinator.
 */
final class TxnOffsetCommitHandler implements ApiHandler<TxnOffsetCommitRequest> {

    private final GroupOffsets offsets;
    private final ToIntFunction<String> partitionFor;
    private final Supplier<TransactionVerifier> verifier;

    /**
     * @param partitionFor the {@code __consumer_offsets} partition of a group
     * @param verifier     how the transaction coordinator is asked to add that partition (v5)
     */
    TxnOffsetCommitHandler(GroupOffsets offsets, ToIntFunction<String> partitionFor,
                           Supplier<TransactionVerifier> verifier) {
        this.offsets = offsets;
        this.partitionFor = partitionFor;
        this.verifier = verifier;
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
        Errors added = Errors.NONE;
        if (!commits.isEmpty() && context.apiVersion() >= 5) {
            TopicPartition offsetsPartition = new TopicPartition(GroupConfig.OFFSETS_TOPIC,
                    partitionFor.applyAsInt(data.groupId()));
            added = verifier.get().verify(data.transactionalId(), data.producerId(), data.producerEpoch(),
                    Set.of(offsetsPartition), TransactionSupport.ADD_PARTITION)
                    .getOrDefault(offsetsPartition, Errors.NONE);
            // The producer retries a coordinator that is not available; a leader's NOT_ENOUGH_REPLICAS it does not.
            added = added == Errors.NOT_ENOUGH_REPLICAS ? Errors.COORDINATOR_NOT_AVAILABLE : added;
        }
        if (added != Errors.NONE) {
            for (var slot : slots) {
                slot.setErrorCode(added.code());
            }
        } else if (!commits.isEmpty()) {
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
