package io.strata.server.coordinator.txn;

import io.strata.server.api.ApiHandler;
import io.strata.server.api.RequestContext;
import io.strata.server.coordinator.group.GroupConfig;
import java.util.Set;
import java.util.function.ToIntFunction;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.AddOffsetsToTxnRequestData;
import org.apache.kafka.common.message.AddOffsetsToTxnResponseData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.requests.AddOffsetsToTxnRequest;

/**
 * AddOffsetsToTxn v0-v4: adds the group's {@code __consumer_offsets} partition to the transaction, so that the
 * transaction's markers reach the offsets the producer commits with TxnOffsetCommit. v4 only says that the client
 * knows TRANSACTION_ABORTABLE (KIP-890), which this request is never answered with, as in Kafka.
 */
final class AddOffsetsToTxnHandler implements ApiHandler<AddOffsetsToTxnRequest> {

    private final TransactionCoordinator coordinator;
    private final ToIntFunction<String> offsetsPartition;

    /** @param offsetsPartition the {@code __consumer_offsets} partition of a group */
    AddOffsetsToTxnHandler(TransactionCoordinator coordinator, ToIntFunction<String> offsetsPartition) {
        this.coordinator = coordinator;
        this.offsetsPartition = offsetsPartition;
    }

    @Override
    public ApiMessage handle(RequestContext context, AddOffsetsToTxnRequest request) {
        AddOffsetsToTxnRequestData data = request.data();
        TopicPartition partition = new TopicPartition(GroupConfig.OFFSETS_TOPIC, offsetsPartition.applyAsInt(data.groupId()));
        return new AddOffsetsToTxnResponseData().setErrorCode(TxnErrors.forVersion(coordinator.addPartitions(
                data.transactionalId(), data.producerId(), data.producerEpoch(), Set.of(partition)),
                context.apiVersion(), 2).code());
    }
}
