package io.strata.server.coordinator.group;

import io.strata.server.api.ApiHandler;
import io.strata.server.api.RequestContext;
import java.util.Optional;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.HeartbeatResponseData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.requests.HeartbeatRequest;

/** Heartbeat: keeps a member's session alive and tells it when the group rebalances. */
final class HeartbeatHandler implements ApiHandler<HeartbeatRequest> {

    private final ClassicMembership membership;

    HeartbeatHandler(ClassicMembership membership) {
        this.membership = membership;
    }

    @Override
    public ApiMessage handle(RequestContext context, HeartbeatRequest request) {
        HeartbeatRequestData data = request.data();
        return new HeartbeatResponseData().setErrorCode(membership.heartbeat(data.groupId(), data.memberId(),
                Optional.ofNullable(data.groupInstanceId()), data.generationId()).code());
    }
}
