package io.strata.server.coordinator.txn;

import io.strata.server.api.ApiHandler;
import io.strata.server.api.RequestContext;
import io.strata.server.cluster.ProducerIdManager;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.InitProducerIdRequest;
import org.apache.kafka.common.resource.ResourceType;

/**
 * InitProducerId. Idempotent producers get a fresh producer id with epoch 0, or, when they present their id and
 * epoch (KIP-360), the same id with the next epoch. Transactional producers are served by the transaction
 * coordinator (this node must coordinate their id).
 */
final class InitProducerIdHandler implements ApiHandler<InitProducerIdRequest> {

    private final ProducerIdManager producerIds;
    private final TransactionCoordinator coordinator;

    InitProducerIdHandler(ProducerIdManager producerIds, TransactionCoordinator coordinator) {
        this.producerIds = producerIds;
        this.coordinator = coordinator;
    }

    @Override
    public ApiMessage handle(RequestContext context, InitProducerIdRequest request) {
        InitProducerIdRequestData data = request.data();
        InitProducerIdResponseData response = new InitProducerIdResponseData().setProducerId(-1)
                .setProducerEpoch((short) -1);
        if (data.transactionalId() != null) {
            if (!context.authorized(AclOperation.WRITE, ResourceType.TRANSACTIONAL_ID, data.transactionalId())) {
                return response.setErrorCode(Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED.code());
            }
            TransactionCoordinator.InitResult result = coordinator.initProducerId(data.transactionalId(),
                    data.transactionTimeoutMs(), data.producerId(), data.producerEpoch());
            return response.setErrorCode(TxnErrors.forVersion(result.error(), context.apiVersion(), 4).code())
                    .setProducerId(result.producerId()).setProducerEpoch(result.producerEpoch());
        }
        // KIP-679: an idempotent producer needs IDEMPOTENT_WRITE on the cluster or WRITE on some topic.
        if (!context.authorizedCluster(AclOperation.IDEMPOTENT_WRITE)
                && !context.authorizedAny(AclOperation.WRITE, ResourceType.TOPIC)) {
            return response.setErrorCode(Errors.CLUSTER_AUTHORIZATION_FAILED.code());
        }
        if (data.producerId() >= 0 && data.producerEpoch() >= 0 && data.producerEpoch() < Short.MAX_VALUE - 1) {
            return response.setErrorCode(Errors.NONE.code()).setProducerId(data.producerId())
                    .setProducerEpoch((short) (data.producerEpoch() + 1));
        }
        return response.setErrorCode(Errors.NONE.code()).setProducerId(producerIds.nextProducerId())
                .setProducerEpoch((short) 0);
    }
}
