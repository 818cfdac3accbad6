package io.strata.server.coordinator.group;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.SimpleRecord;

/**
 * The group-level admin operations: ListGroups, DescribeGroups and DeleteGroups. A deletion shows (the group is
 * gone from listings and descriptions) only once its tombstones commit; while they are pending, requests that
 * would change the group are refused retriably.
 *
 * <p>Thread-safe: every group is read and changed under its lock.
 */
final class GroupAdmin {

    private final GroupRegistry registry;
    private final GroupWriter writer;
    private final GroupOffsets offsets;

    GroupAdmin(GroupRegistry registry, GroupWriter writer, GroupOffsets offsets) {
        this.registry = registry;
        this.writer = writer;
        this.offsets = offsets;
    }

    /** Runs {@code f} on the group under its lock; empty if the group does not exist. */
    <T> Optional<T> withGroup(String groupId, Function<ClassicGroup, T> f) {
        return registry.group(groupId, false).map(g -> ClassicMembership.locked(g, f));
    }

    /** A group as listed by ListGroups. */
    record Listed(String groupId, String protocolType, String state, String type) {
    }

    List<Listed> list(Set<String> states, Set<String> types) {
        List<Listed> out = new ArrayList<>();
        for (ClassicGroup g : registry.all()) {
            Listed l = ClassicMembership.locked(g, x -> new Listed(x.groupId,
                    x.consumer.isPresent() ? "consumer" : x.protocolType.orElse(""), x.state == GroupState.DEAD
                    ? GroupState.DEAD.kafkaName() : x.stateName(), x.type()));
            if (l.state().equals(GroupState.DEAD.kafkaName())) {
                continue;
            }
            boolean stateOk = states.isEmpty() || states.stream().anyMatch(s -> s.equalsIgnoreCase(l.state()));
            boolean typeOk = types.isEmpty() || types.stream().anyMatch(t -> t.equalsIgnoreCase(l.type()));
            if (stateOk && typeOk) {
                out.add(l);
            }
        }
        return out;
    }

    /** Every live group with its state, member count and committed offsets; see {@link GroupCoordinator#summaries}. */
    List<GroupCoordinator.GroupSummary> summaries() {
        List<GroupCoordinator.GroupSummary> out = new ArrayList<>();
        for (ClassicGroup g : registry.all()) {
            ClassicMembership.locked(g, x -> {
                if (x.state != GroupState.DEAD) {
                    Map<TopicPartition, Long> committed = new HashMap<>();
                    x.offsets.forEach((tp, v) -> committed.put(tp, v.offset()));
                    int members = x.consumer.map(c -> c.members.size()).orElse(x.members.size());
                    out.add(new GroupCoordinator.GroupSummary(x.groupId, x.stateName(), members, committed));
                }
                return null;
            });
        }
        return out;
    }

    /** A member as described by DescribeGroups. */
    record DescribedMember(String memberId, Optional<String> instanceId, String clientId, String clientHost,
                           byte[] metadata, byte[] assignment) {
    }

    /** A group as described by DescribeGroups; {@code exists} is false for unknown groups (state Dead). */
    record Described(boolean exists, String state, String protocolType, String protocol,
                     List<DescribedMember> members) {
    }

    /**
     * Describes a group. Member metadata and assignments are only shown once the group is stable, as in Kafka.
     */
    Described describe(String groupId) {
        Optional<ClassicGroup> found = registry.group(groupId, false);
        if (found.isEmpty()) {
            return new Described(false, GroupState.DEAD.kafkaName(), "", "", List.of());
        }
        return ClassicMembership.locked(found.get(), g -> {
            if (g.state == GroupState.DEAD || g.consumer.isPresent()) {
                // Consumer-protocol groups are described by ConsumerGroupDescribe, as in Kafka.
                return new Described(false, GroupState.DEAD.kafkaName(), "", "", List.of());
            }
            boolean stable = g.state == GroupState.STABLE;
            List<DescribedMember> members = new ArrayList<>();
            for (Member m : g.members.values()) {
                members.add(new DescribedMember(m.memberId, m.instanceId, m.clientId, m.clientHost,
                        stable ? m.metadata(g.protocol.orElse("")) : new byte[0],
                        stable ? m.assignment : new byte[0]));
            }
            return new Described(true, g.state.kafkaName(), g.protocolType.orElse(""),
                    stable ? g.protocol.orElse("") : "", members);
        });
    }

    /** Deletes an empty group with its offsets (DeleteGroups). */
    Errors delete(String groupId) {
        if (groupId == null || groupId.isEmpty()) {
            return Errors.INVALID_GROUP_ID;
        }
        Optional<ClassicGroup> found;
        try {
            found = registry.group(groupId, false);
        } catch (ApiException e) {
            return Errors.forException(e);
        }
        if (found.isEmpty()) {
            return Errors.GROUP_ID_NOT_FOUND;
        }
        ClassicGroup group = found.get();
        CompletableFuture<Void> written;
        group.lock.lock();
        try {
            if (group.isGone()) {
                return Errors.GROUP_ID_NOT_FOUND;
            }
            if (group.state != GroupState.EMPTY || group.hasMembers()) {
                return Errors.NON_EMPTY_GROUP;
            }
                        List<SimpleRecord> tombstones = offsets.tombstones(group, group.offsetKeys());
            tombstones.add(writer.record(GroupRecords.groupKey(groupId), null));
            group.deleting = true;
            written = writer.write(group, tombstones, new PendingWrites.Effect() {
                @Override
                public void committed() {
                    group.deleting = false;
                    group.offsets.clear();
                    group.transition(GroupState.DEAD);
                    registry.remove(group);
                }

                @Override
                public void failed(ApiException cause) {
                    group.deleting = false;
                }
            });
        } finally {
            group.lock.unlock();
        }
        try {
            written.join();
            return Errors.NONE;
        } catch (CompletionException | CancellationException e) {
            return StoreErrors.forGroup(e);
        }
    }
}
