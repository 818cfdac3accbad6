package io.strata.server.coordinator.group;

import io.strata.server.api.ApiHandler;
import io.strata.server.api.RequestContext;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.message.ListGroupsResponseData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ListGroupsRequest;
import org.apache.kafka.common.resource.ResourceType;

/** ListGroups: the groups this node coordinates, filtered by state (v4+) and type (v5+), case-insensitively. */
final class ListGroupsHandler implements ApiHandler<ListGroupsRequest> {

    private final GroupAdmin admin;

    ListGroupsHandler(GroupAdmin admin) {
        this.admin = admin;
    }

    @Override
    public ApiMessage handle(RequestContext context, ListGroupsRequest request) {
        short version = context.apiVersion();
        Set<String> states = version >= 4 ? new HashSet<>(request.data().statesFilter()) : Set.of();
        Set<String> types = version >= 5 ? new HashSet<>(request.data().typesFilter()) : Set.of();
        List<ListGroupsResponseData.ListedGroup> groups = new ArrayList<>();
        // As Kafka: DESCRIBE on the cluster lists every group, else only those the client may describe.
        boolean all = context.authorizedCluster(AclOperation.DESCRIBE);
        for (GroupAdmin.Listed l : admin.list(states, types)) {
            if (!all && !context.authorized(AclOperation.DESCRIBE, ResourceType.GROUP, l.groupId())) {
                continue;
            }
            ListGroupsResponseData.ListedGroup g = new ListGroupsResponseData.ListedGroup().setGroupId(l.groupId())
                    .setProtocolType(l.protocolType());
            if (version >= 4) {
                g.setGroupState(l.state());
            }
            if (version >= 5) {
                g.setGroupType(l.type());
            }
            groups.add(g);
        }
        return new ListGroupsResponseData().setErrorCode(Errors.NONE.code()).setGroups(groups);
    }
}
