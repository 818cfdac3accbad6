package io.strata.server.coordinator.group;

import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.Errors;

/** Builds JoinGroup and SyncGroup responses and answers parked requests. Stateless. */
final class ClassicResponses {

    private ClassicResponses() {
    }

    /** The join response of the group's current generation; the leader also gets every member's metadata. */
    static JoinGroupResponseData join(ClassicGroup group, Member member) {
        List<JoinGroupResponseData.JoinGroupResponseMember> members = new ArrayList<>();
        if (group.leader.map(member.memberId::equals).orElse(false)) {
            for (Member m : group.members.values()) {
                members.add(new JoinGroupResponseData.JoinGroupResponseMember().setMemberId(m.memberId)
                        .setGroupInstanceId(m.instanceId.orElse(null))
                        .setMetadata(m.metadata(group.protocol.orElse(""))));
            }
        }
        return new JoinGroupResponseData().setErrorCode(Errors.NONE.code()).setGenerationId(group.generation)
                .setProtocolType(group.protocolType.orElse(null)).setProtocolName(group.protocol.orElse(null))
                .setLeader(group.leader.orElse("")).setMemberId(member.memberId).setMembers(members);
    }

    static JoinGroupResponseData joinError(Errors error, String memberId) {
        return new JoinGroupResponseData().setErrorCode(error.code()).setGenerationId(-1)
                .setProtocolName(null).setLeader("").setMemberId(memberId == null ? "" : memberId)
                .setMembers(new ArrayList<>());
    }

    static SyncGroupResponseData sync(ClassicGroup group, byte[] assignment) {
        return new SyncGroupResponseData().setErrorCode(Errors.NONE.code())
                .setProtocolType(group.protocolType.orElse(null)).setProtocolName(group.protocol.orElse(null))
                .setAssignment(assignment);
    }

    static SyncGroupResponseData syncError(Errors error) {
        return new SyncGroupResponseData().setErrorCode(error.code()).setAssignment(new byte[0]);
    }

    /** Answers the member's parked JoinGroup and SyncGroup, if any, with {@code error}. Under the group lock. */
    static void failParked(Member member, Errors error) {
        if (member.pendingJoin != null) {
            member.pendingJoin.response = joinError(error, member.memberId);
            member.pendingJoin = null;
        }
        failParkedSync(member, error);
    }

    /** Answers the member's parked SyncGroup, if any, with {@code error}. Under the group lock. */
    static void failParkedSync(Member member, Errors error) {
        if (member.pendingSync != null) {
            member.pendingSync.response = syncError(error);
            member.pendingSync = null;
        }
    }
}
