package io.strata.server.coordinator.group;

import io.strata.server.api.ApiHandler;
import io.strata.server.api.RequestContext;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.message.DeleteGroupsResponseData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.DeleteGroupsRequest;
import org.apache.kafka.common.resource.ResourceType;

/** DeleteGroups: removes empty groups with their offsets; others answer NON_EMPTY_GROUP. */
final class DeleteGroupsHandler implements ApiHandler<DeleteGroupsRequest> {

    private final GroupAdmin admin;

    DeleteGroupsHandler(GroupAdmin admin) {
        this.admin = admin;
    }

    @Override
    public ApiMessage handle(RequestContext context, DeleteGroupsRequest request) {
        DeleteGroupsResponseData.DeletableGroupResultCollection results =
                new DeleteGroupsResponseData.DeletableGroupResultCollection();
        for (String groupId : request.data().groupsNames()) {
            if (results.find(groupId) != null) {
                continue;
            }
            Errors error = context.authorized(AclOperation.DELETE, ResourceType.GROUP, groupId)
                    ? admin.delete(groupId) : Errors.GROUP_AUTHORIZATION_FAILED;
            results.add(new DeleteGroupsResponseData.DeletableGroupResult().setGroupId(groupId)
                    .setErrorCode(error.code()));
        }
        return new DeleteGroupsResponseData().setResults(results);
    }
}
