package io.strata.server.coordinator.txn;

import io.strata.server.api.ApiHandler;
import io.strata.server.api.RequestContext;
import org.apache.kafka.common.message.EndTxnRequestData;
import org.apache.kafka.common.message.EndTxnResponseData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.requests.EndTxnRequest;

/** EndTxn v0-v4: commits or aborts the producer's transaction (answered once PrepareCommit/PrepareAbort is stored). */
final class EndTxnHandler implements ApiHandler<EndTxnRequest> {

    private final TransactionCoordinator coordinator;

    EndTxnHandler(TransactionCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public ApiMessage handle(RequestContext context, EndTxnRequest request) {
        EndTxnRequestData data = request.data();
        return new EndTxnResponseData().setErrorCode(TxnErrors.forVersion(coordinator.endTxn(data.transactionalId(),
                data.producerId(), data.producerEpoch(), data.committed()), context.apiVersion(), 2).code());
    }
}
