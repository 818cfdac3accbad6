package io.strata.server.coordinator.group;

import io.strata.server.api.ApiHandler;
import io.strata.server.api.RequestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.requests.JoinGroupRequest;

/** JoinGroup: parks the connection's thread until the group's join phase completes. */
final class JoinGroupHandler implements ApiHandler<JoinGroupRequest> {

    private final ClassicJoin handler;

    JoinGroupHandler(ClassicJoin handler) {
        this.handler = handler;
    }

    @Override
    public ApiMessage handle(RequestContext context, JoinGroupRequest request) {
        JoinGroupRequestData data = request.data();
        short version = context.apiVersion();
        List<Member.Protocol> protocols = new ArrayList<>();
        data.protocols().forEach(p -> protocols.add(new Member.Protocol(p.name(), p.metadata())));
        // v0 has no rebalance timeout: Kafka uses the session timeout.
        int rebalanceTimeout = version == 0 || data.rebalanceTimeoutMs() < 0 ? data.sessionTimeoutMs()
                : data.rebalanceTimeoutMs();
        JoinGroupResponseData response = handler.join(new ClassicJoin.JoinRequest(data.groupId(),
                data.memberId() == null ? "" : data.memberId(), Optional.ofNullable(data.groupInstanceId()),
                context.header().clientId(), clientHost(context), data.sessionTimeoutMs(), rebalanceTimeout,
                data.protocolType(), protocols, version >= 4));
        return forVersion(response, version);
    }

    static String clientHost(RequestContext context) {
        return "/" + context.connection().clientAddress().getAddress().getHostAddress();
    }

    /** Clears what the version cannot carry: nullable protocol names only exist from v7. */
    private static JoinGroupResponseData forVersion(JoinGroupResponseData response, short version) {
        if (version < 7) {
            response.setProtocolType(null);
            if (response.protocolName() == null) {
                response.setProtocolName("");
            }
        }
        if (version < 5) {
            response.members().forEach(m -> m.setGroupInstanceId(null));
        }
        return response;
    }
}
