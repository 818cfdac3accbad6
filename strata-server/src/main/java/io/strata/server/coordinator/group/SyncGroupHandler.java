package io.strata.server.coordinator.group;

import io.strata.server.api.ApiHandler;
import io.strata.server.api.RequestContext;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.requests.SyncGroupRequest;

/** SyncGroup: the leader hands in the assignment; followers wait for it. */
final class SyncGroupHandler implements ApiHandler<SyncGroupRequest> {

    private final ClassicSync handler;

    SyncGroupHandler(ClassicSync handler) {
        this.handler = handler;
    }

    @Override
    public ApiMessage handle(RequestContext context, SyncGroupRequest request) {
        SyncGroupResponseData response = handler.sync(request.data());
        if (context.apiVersion() < 5) {
            response.setProtocolType(null).setProtocolName(null);
        }
        return response;
    }
}
