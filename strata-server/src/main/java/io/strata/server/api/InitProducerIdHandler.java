package io.strata.server.api;

import io.strata.server.cluster.ProducerIdManager;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.InitProducerIdRequest;

/**
 * InitProducerId for idempotent producers: a fresh producer id with epoch 0, or, when the producer presents its
 * id and epoch (KIP-360), the same id with the next epoch. Transactional ids need the transaction coordinator,
 * which this node does not run yet: they are answered with NOT_COORDINATOR.
 */
public final class InitProducerIdHandler implements ApiHandler<InitProducerIdRequest> {

    private final ProducerIdManager producerIds;

    public InitProducerIdHandler(ProducerIdManager producerIds) {
        this.producerIds = producerIds;
    }

    @Override
    public ApiMessage handle(RequestContext context, InitProducerIdRequest request) {
        InitProducerIdRequestData data = request.data();
        InitProducerIdResponseData response = new InitProducerIdResponseData().setProducerId(-1)
                .setProducerEpoch((short) -1);
        if (data.transactionalId() != null) {
            return response.setErrorCode(Errors.NOT_COORDINATOR.code());
        }
        if (data.producerId() >= 0 && data.producerEpoch() >= 0 && data.producerEpoch() < Short.MAX_VALUE - 1) {
            return response.setErrorCode(Errors.NONE.code()).setProducerId(data.producerId())
                    .setProducerEpoch((short) (data.producerEpoch() + 1));
        }
        return response.setErrorCode(Errors.NONE.code()).setProducerId(producerIds.nextProducerId())
                .setProducerEpoch((short) 0);
    }
}
