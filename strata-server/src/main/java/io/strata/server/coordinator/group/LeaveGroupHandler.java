package io.strata.server.coordinator.group;

import io.strata.server.api.ApiHandler;
import io.strata.server.api.RequestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.message.LeaveGroupRequestData;
import org.apache.kafka.common.message.LeaveGroupResponseData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.LeaveGroupRequest;

/** LeaveGroup: one member up to v2, a batch of members (by member or instance id) from v3. */
final class LeaveGroupHandler implements ApiHandler<LeaveGroupRequest> {

    private final ClassicMembership membership;

    LeaveGroupHandler(ClassicMembership membership) {
        this.membership = membership;
    }

    @Override
    public ApiMessage handle(RequestContext context, LeaveGroupRequest request) {
        LeaveGroupRequestData data = request.data();
        if (data.groupId() == null || data.groupId().isEmpty()) {
            return new LeaveGroupResponseData().setErrorCode(Errors.INVALID_GROUP_ID.code());
        }
        if (context.apiVersion() < 3) {
            Optional<List<Errors>> errors = membership.leave(data.groupId(),
                    List.of(new ClassicMembership.Leaving(data.memberId(), Optional.empty())));
            return new LeaveGroupResponseData().setErrorCode(errors.map(e -> e.get(0))
                    .orElse(Errors.UNKNOWN_MEMBER_ID).code());
        }
        List<ClassicMembership.Leaving> leaving = new ArrayList<>();
        data.members().forEach(m -> leaving.add(new ClassicMembership.Leaving(
                m.memberId() == null ? "" : m.memberId(), Optional.ofNullable(m.groupInstanceId()))));
        Optional<List<Errors>> errors = membership.leave(data.groupId(), leaving);
        if (errors.isEmpty()) {
            return new LeaveGroupResponseData().setErrorCode(Errors.UNKNOWN_MEMBER_ID.code());
        }
        List<LeaveGroupResponseData.MemberResponse> members = new ArrayList<>();
        for (int i = 0; i < leaving.size(); i++) {
            members.add(new LeaveGroupResponseData.MemberResponse().setMemberId(leaving.get(i).memberId())
                    .setGroupInstanceId(leaving.get(i).instanceId().orElse(null))
                    .setErrorCode(errors.get().get(i).code()));
        }
        return new LeaveGroupResponseData().setErrorCode(Errors.NONE.code()).setMembers(members);
    }
}
