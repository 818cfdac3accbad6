package io.strata.server.coordinator.group;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Time;

/** Converts classic groups to and from their stored form. Stateless. */
final class GroupSnapshots {

    private GroupSnapshots() {
    }

    /**
     * The group's stored form with the given assignment by member id (members missing from it get none); call
     * under the group's lock.
     */
    static GroupRecords.GroupValue snapshot(ClassicGroup group, Map<String, byte[]> assignment) {
        List<GroupRecords.StoredMember> members = new ArrayList<>();
        for (Member m : group.members.values()) {
            members.add(new GroupRecords.StoredMember(m.memberId, m.instanceId, m.clientId, m.clientHost,
                    m.rebalanceTimeoutMs, m.sessionTimeoutMs, group.protocol.map(m::metadata).orElse(new byte[0]),
                    assignment.getOrDefault(m.memberId, new byte[0])));
        }
        return new GroupRecords.GroupValue(group.protocolType, group.generation, group.protocol, group.leader,
                group.stateTimestamp, members);
    }

    /** The members' current assignments by member id; call under the group's lock. */
    static Map<String, byte[]> assignments(ClassicGroup group) {
        Map<String, byte[]> assignment = new HashMap<>();
        group.members.values().forEach(m -> assignment.put(m.memberId, m.assignment));
        return assignment;
    }

    /**
     * A group as loaded from {@code __consumer_offsets}: stable with its stored members (who must heartbeat within
     * their session timeout to stay), or empty.
     */
    static ClassicGroup restore(String groupId, int partition, Optional<GroupRecords.GroupValue> value,
                                Map<TopicPartition, GroupRecords.OffsetValue> offsets, Time time) {
        ClassicGroup group = new ClassicGroup(groupId, partition, time);
        group.offsets.putAll(offsets);
        if (value.isEmpty()) {
            return group;
        }
        GroupRecords.GroupValue v = value.get();
        group.generation = v.generation();
        group.protocolType = v.protocolType();
        group.protocol = v.protocol();
        group.leader = v.leader();
        long now = time.nanoseconds();
        for (GroupRecords.StoredMember s : v.members()) {
            List<Member.Protocol> protocols = v.protocol().map(p -> List.of(new Member.Protocol(p, s.subscription())))
                    .orElse(List.of());
            Member m = new Member(s.memberId(), s.instanceId(), s.clientId(), s.clientHost(), s.rebalanceTimeoutMs(),
                    s.sessionTimeoutMs(), v.protocolType().orElse(""), protocols);
            m.assignment = s.assignment();
            m.touch(now);
            group.members.put(m.memberId, m);
            s.instanceId().ifPresent(id -> group.staticMembers.put(id, m.memberId));
        }
        group.state = group.members.isEmpty() ? GroupState.EMPTY : GroupState.STABLE;
        group.stateTimestamp = v.stateTimestamp();
        return group;
    }
}
