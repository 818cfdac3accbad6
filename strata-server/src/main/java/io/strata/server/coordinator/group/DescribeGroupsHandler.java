package io.strata.server.coordinator.group;

import io.strata.server.api.ApiHandler;
import io.strata.server.api.RequestContext;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.message.DescribeGroupsResponseData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.DescribeGroupsRequest;
import org.apache.kafka.common.resource.ResourceType;

/**
 * DescribeGroups: state, protocol and members of each group. An unknown group is described as Dead, with
 * GROUP_ID_NOT_FOUND from v6 as in Kafka. A group the client may not describe answers GROUP_AUTHORIZATION_FAILED;
 * authorized operations are filled in when asked for (v3+).
 */
final class DescribeGroupsHandler implements ApiHandler<DescribeGroupsRequest> {

    private final GroupAdmin admin;

    DescribeGroupsHandler(GroupAdmin admin) {
        this.admin = admin;
    }

    @Override
    public ApiMessage handle(RequestContext context, DescribeGroupsRequest request) {
        short version = context.apiVersion();
        List<DescribeGroupsResponseData.DescribedGroup> groups = new ArrayList<>();
        for (String groupId : request.data().groups()) {
            DescribeGroupsResponseData.DescribedGroup g = new DescribeGroupsResponseData.DescribedGroup()
                    .setGroupId(groupId);
            groups.add(g);
            if (groupId == null || groupId.isEmpty()) {
                g.setErrorCode(Errors.INVALID_GROUP_ID.code()).setGroupState(GroupState.DEAD.kafkaName())
                        .setProtocolType("").setProtocolData("");
                continue;
            }
            if (!context.authorized(AclOperation.DESCRIBE, ResourceType.GROUP, groupId)) {
                g.setErrorCode(Errors.GROUP_AUTHORIZATION_FAILED.code()).setGroupState(GroupState.DEAD.kafkaName())
                        .setProtocolType("").setProtocolData("");
                continue;
            }
            if (version >= 3 && request.data().includeAuthorizedOperations()) {
                g.setAuthorizedOperations(context.authorizedOperations(RequestContext.GROUP_OPERATIONS,
                        ResourceType.GROUP, groupId));
            }
            try {
                GroupAdmin.Described d = admin.describe(groupId);
                g.setGroupState(d.state()).setProtocolType(d.protocolType()).setProtocolData(d.protocol());
                if (!d.exists()) {
                    g.setErrorCode(version >= 6 ? Errors.GROUP_ID_NOT_FOUND.code() : Errors.NONE.code());
                    if (version >= 6) {
                        g.setErrorMessage("Group " + groupId + " not found.");
                    }
                    continue;
                }
                for (GroupAdmin.DescribedMember m : d.members()) {
                    DescribeGroupsResponseData.DescribedGroupMember member =
                            new DescribeGroupsResponseData.DescribedGroupMember().setMemberId(m.memberId())
                                    .setClientId(m.clientId()).setClientHost(m.clientHost())
                                    .setMemberMetadata(m.metadata()).setMemberAssignment(m.assignment());
                    if (version >= 4) {
                        member.setGroupInstanceId(m.instanceId().orElse(null));
                    }
                    g.members().add(member);
                }
                g.setErrorCode(Errors.NONE.code());
            } catch (ApiException e) {
                g.setErrorCode(Errors.forException(e).code()).setGroupState(GroupState.DEAD.kafkaName())
                        .setProtocolType("").setProtocolData("");
            }
        }
        return new DescribeGroupsResponseData().setGroups(groups);
    }
}
