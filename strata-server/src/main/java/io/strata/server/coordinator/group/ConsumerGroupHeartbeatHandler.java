package io.strata.server.coordinator.group;

import io.strata.server.api.ApiAuthorization;
import io.strata.server.api.ApiHandler;
import io.strata.server.api.RequestContext;
import java.util.List;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatResponseData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ConsumerGroupHeartbeatRequest;
import org.apache.kafka.common.resource.ResourceType;

/**
 * ConsumerGroupHeartbeat (KIP-848): join, stay in, reconcile with and leave a consumer group. Never blocks. As Kafka,
 * READ on the group, then DESCRIBE on every subscribed topic name (else TOPIC_AUTHORIZATION_FAILED).
 */
final class ConsumerGroupHeartbeatHandler implements ApiHandler<ConsumerGroupHeartbeatRequest> {

    private final ConsumerGroupHeartbeats heartbeats;

    ConsumerGroupHeartbeatHandler(ConsumerGroupHeartbeats heartbeats) {
        this.heartbeats = heartbeats;
    }

    @Override
    public ApiMessage handle(RequestContext context, ConsumerGroupHeartbeatRequest request) {
        if (!context.authorized(AclOperation.READ, ResourceType.GROUP, request.data().groupId())) {
            throw ApiAuthorization.denial(ResourceType.GROUP);
        }
        List<String> subscribed = request.data().subscribedTopicNames();
        if (subscribed != null) {
            List<String> denied = subscribed.stream()
                    .filter(t -> !context.authorized(AclOperation.DESCRIBE, ResourceType.TOPIC, t)).sorted().toList();
            if (!denied.isEmpty()) {
                return new ConsumerGroupHeartbeatResponseData().setErrorCode(Errors.TOPIC_AUTHORIZATION_FAILED.code())
                        .setErrorMessage("The group has subscribed to topics which are not authorized: " + denied);
            }
        }
        return heartbeats.heartbeat(request.data(), context.apiVersion(), context.header().clientId(),
                JoinGroupHandler.clientHost(context));
    }
}
