package io.strata.server.coordinator.txn;

import io.strata.server.api.ApiHandler;
import io.strata.server.api.RequestContext;
import org.apache.kafka.common.message.EndTxnRequestData;
import org.apache.kafka.common.message.EndTxnResponseData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.requests.EndTxnRequest;

/**
 * EndTxn: commits or aborts the producer's transaction (answered once PrepareCommit/PrepareAbort is stored). v5 is
 * a transactions version 2 producer's (KIP-890): the epoch is bumped and the answer carries the producer id and
 * epoch to continue with.
 */
final class EndTxnHandler implements ApiHandler<EndTxnRequest> {

    private final TransactionCoordinator coordinator;

    EndTxnHandler(TransactionCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public ApiMessage handle(RequestContext context, EndTxnRequest request) {
        EndTxnRequestData data = request.data();
        boolean v2 = context.apiVersion() >= 5;
        TransactionCoordinator.InitResult result = coordinator.endTxn(data.transactionalId(), data.producerId(),
                data.producerEpoch(), data.committed(), v2);
        EndTxnResponseData response = new EndTxnResponseData()
                .setErrorCode(TxnErrors.forVersion(result.error(), context.apiVersion(), 2).code());
        if (v2) {
            response.setProducerId(result.producerId()).setProducerEpoch(result.producerEpoch());
        }
        return response;
    }
}
