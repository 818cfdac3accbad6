package io.strata.server.coordinator.group;

import io.strata.server.api.ApiHandler;
import io.strata.server.api.RequestContext;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.requests.ConsumerGroupHeartbeatRequest;

/** ConsumerGroupHeartbeat (KIP-848): join, stay in, reconcile with and leave a consumer group. Never blocks. */
final class ConsumerGroupHeartbeatHandler implements ApiHandler<ConsumerGroupHeartbeatRequest> {

    private final ConsumerGroupHeartbeats heartbeats;

    ConsumerGroupHeartbeatHandler(ConsumerGroupHeartbeats heartbeats) {
        this.heartbeats = heartbeats;
    }

    @Override
    public ApiMessage handle(RequestContext context, ConsumerGroupHeartbeatRequest request) {
        return heartbeats.heartbeat(request.data(), context.apiVersion(), context.header().clientId(),
                JoinGroupHandler.clientHost(context));
    }
}
