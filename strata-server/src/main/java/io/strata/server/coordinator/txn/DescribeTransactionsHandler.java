package io.strata.server.coordinator.txn;

import io.strata.server.api.ApiHandler;
import io.strata.server.api.RequestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.message.DescribeTransactionsResponseData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.DescribeTransactionsRequest;
import org.apache.kafka.common.resource.ResourceType;

/** DescribeTransactions (KIP-664): the state of transactional ids this node coordinates. */
final class DescribeTransactionsHandler implements ApiHandler<DescribeTransactionsRequest> {

    private final TransactionCoordinator coordinator;

    DescribeTransactionsHandler(TransactionCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public ApiMessage handle(RequestContext context, DescribeTransactionsRequest request) {
        DescribeTransactionsResponseData response = new DescribeTransactionsResponseData();
        for (String id : request.data().transactionalIds()) {
            DescribeTransactionsResponseData.TransactionState state =
                    new DescribeTransactionsResponseData.TransactionState().setTransactionalId(id);
            if (!context.authorized(AclOperation.DESCRIBE, ResourceType.TRANSACTIONAL_ID, id)) {
                response.transactionStates().add(state.setErrorCode(
                        Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED.code()));
                continue;
            }
            Errors error = coordinator.describe(id, d -> {
                TxnValue v = d.value();
                state.setTransactionState(v.state().kafkaName()).setTransactionTimeoutMs(v.timeoutMs())
                        .setTransactionStartTimeMs(v.startMs()).setProducerId(v.producerId())
                        .setProducerEpoch(v.producerEpoch());
                Map<String, List<Integer>> byTopic = new TreeMap<>();
                v.partitions().forEach(tp -> byTopic.computeIfAbsent(tp.topic(), t -> new ArrayList<>())
                        .add(tp.partition()));
                byTopic.forEach((topic, ids) -> {
                    ids.sort(null);
                    state.topics().add(new DescribeTransactionsResponseData.TopicData().setTopic(topic)
                            .setPartitions(ids));
                });
            });
            response.transactionStates().add(state.setErrorCode(error.code()));
        }
        return response;
    }
}
