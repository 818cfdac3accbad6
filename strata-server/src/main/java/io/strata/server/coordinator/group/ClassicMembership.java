package io.strata.server.coordinator.group;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The classic group membership protocol: JoinGroup, SyncGroup, Heartbeat and LeaveGroup, the rebalance state
 * machine (Empty, PreparingRebalance, CompletingRebalance, Stable), static membership and session expiry.
 *
 * <p>Thread-safety: every change to a group happens under its lock. JoinGroup and SyncGroup park the calling
 * (virtual) thread on the group's condition, which releases the lock; the rebalance is completed either by the last
 * member to join or by {@link #tick}, which the coordinator's timer calls periodically to expire sessions, pending
 * members and rebalance timeouts.
 */
final class ClassicMembership {

    private static final Logger log = LoggerFactory.getLogger(ClassicMembership.class);
    /** Extra time a parked request waits beyond its rebalance timeout before giving up on the timer. */
    private static final long WAIT_SLACK_NANOS = 5_000_000_000L;

    private final GroupConfig config;
    private final GroupRegistry registry;
    private final GroupLog groupLog;
    private volatile boolean closed;

    ClassicMembership(GroupConfig config, GroupRegistry registry, GroupLog groupLog) {
        this.config = config;
        this.registry = registry;
        this.groupLog = groupLog;
    }

    /** The outcome of a JoinGroup: the data needed to build the response at the request's version. */
    record JoinRequest(String groupId, String memberId, Optional<String> instanceId, String clientId,
                       String clientHost, int sessionTimeoutMs, int rebalanceTimeoutMs, String protocolType,
                       List<Member.Protocol> protocols, boolean requireKnownMemberId) {
    }

    // ---------------------------------------------------------------- JoinGroup

    JoinGroupResponseData join(JoinRequest r) {
        if (r.groupId() == null || r.groupId().isEmpty()) {
            return joinError(Errors.INVALID_GROUP_ID, r.memberId());
        }
        if (r.sessionTimeoutMs() < config.minSessionTimeoutMs() || r.sessionTimeoutMs() > config.maxSessionTimeoutMs()) {
            return joinError(Errors.INVALID_SESSION_TIMEOUT, r.memberId());
        }
        if (r.protocolType() == null || r.protocolType().isEmpty() || r.protocols().isEmpty()) {
            return joinError(Errors.INCONSISTENT_GROUP_PROTOCOL, r.memberId());
        }
        boolean newMember = r.memberId().isEmpty();
        Optional<ClassicGroup> found = registry.group(r.groupId(), newMember);
        if (found.isEmpty()) {
            return joinError(Errors.UNKNOWN_MEMBER_ID, r.memberId());
        }
        ClassicGroup group = found.get();
        Member.PendingJoin pending;
        long deadline;
        group.lock.lock();
        try {
            if (group.state == GroupState.DEAD) {
                // Deleted concurrently: the client retries and finds (or creates) the new group.
                return joinError(Errors.COORDINATOR_NOT_AVAILABLE, r.memberId());
            }
            if (group.consumer.isPresent()) {
                if (!group.consumer.get().isEmpty()) {
                    return joinError(Errors.INCONSISTENT_GROUP_PROTOCOL, r.memberId());
                }
                // An empty consumer-protocol group becomes a classic group again.
                group.consumer = Optional.empty();
            }
            if (!group.supports(r.protocolType(), r.protocols())) {
                return joinError(Errors.INCONSISTENT_GROUP_PROTOCOL, r.memberId());
            }
            Object outcome = newMember ? joinNew(group, r) : joinKnown(group, r);
            if (outcome instanceof JoinGroupResponseData immediate) {
                return immediate;
            }
            pending = (Member.PendingJoin) outcome;
            maybeCompleteJoin(group, System.nanoTime());
            deadline = System.nanoTime() + r.rebalanceTimeoutMs() * 1_000_000L + WAIT_SLACK_NANOS
                    + config.initialRebalanceDelayMs() * 1_000_000L;
            while (pending.response == null && !closed && System.nanoTime() < deadline) {
                group.awaitChange(deadline);
            }
            if (pending.response == null) {
                return joinError(closed ? Errors.NOT_COORDINATOR : Errors.REBALANCE_IN_PROGRESS, r.memberId());
            }
            return pending.response;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return joinError(Errors.COORDINATOR_NOT_AVAILABLE, r.memberId());
        } finally {
            group.lock.unlock();
        }
    }

    /** A join without member id: a new member, a MEMBER_ID_REQUIRED round trip, or a static member's return. */
    private Object joinNew(ClassicGroup group, JoinRequest r) {
        String memberId = (r.clientId() == null ? "" : r.clientId()) + "-" + UUID.randomUUID();
        if (r.instanceId().isPresent()) {
            String existing = group.staticMembers.get(r.instanceId().get());
            if (existing != null && group.members.containsKey(existing)) {
                return replaceStaticMember(group, group.members.get(existing), memberId, r);
            }
        }
        if (isFull(group)) {
            return joinError(Errors.GROUP_MAX_SIZE_REACHED, "");
        }
        if (r.requireKnownMemberId() && r.instanceId().isEmpty()) {
            // KIP-394: the client must come back with this id, so that a lost response cannot leak members.
            group.pendingMembers.put(memberId, System.nanoTime() + r.sessionTimeoutMs() * 1_000_000L);
            return joinError(Errors.MEMBER_ID_REQUIRED, memberId);
        }
        return addAndRebalance(group, memberId, r);
    }

    private Object joinKnown(ClassicGroup group, JoinRequest r) {
        if (group.pendingMembers.remove(r.memberId()) != null) {
            if (group.members.size() >= config.maxSize()) {
                return joinError(Errors.GROUP_MAX_SIZE_REACHED, r.memberId());
            }
            return addAndRebalance(group, r.memberId(), r);
        }
        Member member = group.members.get(r.memberId());
        if (r.instanceId().isPresent()) {
            String holder = group.staticMembers.get(r.instanceId().get());
            if (holder != null && !holder.equals(r.memberId())) {
                return joinError(Errors.FENCED_INSTANCE_ID, r.memberId());
            }
        }
        if (member == null) {
            return joinError(Errors.UNKNOWN_MEMBER_ID, r.memberId());
        }
        switch (group.state) {
            case PREPARING_REBALANCE -> {
                update(member, r);
                return park(member);
            }
            case COMPLETING_REBALANCE -> {
                if (member.sameProtocols(r.protocols())) {
                    // The member lost the join response: give it the current generation again.
                    return joinResponse(group, member, Errors.NONE);
                }
                update(member, r);
                prepareRebalance(group, "member " + member.memberId + " changed its protocols");
                return park(member);
            }
            case STABLE -> {
                if (group.leader.map(member.memberId::equals).orElse(false) || !member.sameProtocols(r.protocols())) {
                    update(member, r);
                    prepareRebalance(group, "leader or member " + member.memberId + " rejoined");
                    return park(member);
                }
                return joinResponse(group, member, Errors.NONE);
            }
            default -> {
                return joinError(Errors.UNKNOWN_MEMBER_ID, r.memberId());
            }
        }
    }

    private boolean isFull(ClassicGroup group) {
        return group.members.size() + group.pendingMembers.size() >= config.maxSize();
    }

    private Object addAndRebalance(ClassicGroup group, String memberId, JoinRequest r) {
        Member member = new Member(memberId, r.instanceId(), r.clientId(), r.clientHost(), r.rebalanceTimeoutMs(),
                r.sessionTimeoutMs(), r.protocolType(), r.protocols());
        group.members.put(memberId, member);
        r.instanceId().ifPresent(id -> group.staticMembers.put(id, memberId));
        if (group.protocolType.isEmpty()) {
            group.protocolType = Optional.of(r.protocolType());
        }
        member.touch(System.nanoTime());
        Member.PendingJoin pending = park(member);
        if (group.state == GroupState.PREPARING_REBALANCE) {
            long now = System.nanoTime();
            if (group.initialDelayEndNanos > now) {
                // Kafka's initial delayed join: a join during a step of the delay adds one more whole step.
                group.joinedDuringInitialDelay = true;
            }
            group.joinDeadlineNanos = Math.max(group.joinDeadlineNanos, now + r.rebalanceTimeoutMs() * 1_000_000L);
        } else {
            prepareRebalance(group, "member " + memberId + " joined");
        }
        return pending;
    }

    /** A static member rejoining with a new member id replaces its old incarnation, fencing it. */
    private Object replaceStaticMember(ClassicGroup group, Member old, String newMemberId, JoinRequest r) {
        Member member = new Member(newMemberId, r.instanceId(), r.clientId(), r.clientHost(), r.rebalanceTimeoutMs(),
                r.sessionTimeoutMs(), r.protocolType(), r.protocols());
        member.assignment = old.assignment;
        completeWithError(old, Errors.FENCED_INSTANCE_ID);
        Map<String, Member> reordered = new java.util.LinkedHashMap<>();
        group.members.forEach((id, m) -> reordered.put(id.equals(old.memberId) ? newMemberId : id,
                id.equals(old.memberId) ? member : m));
        group.members.clear();
        group.members.putAll(reordered);
        group.staticMembers.put(r.instanceId().get(), newMemberId);
        boolean wasLeader = group.leader.map(old.memberId::equals).orElse(false);
        if (wasLeader) {
            group.leader = Optional.of(newMemberId);
        }
        member.touch(System.nanoTime());
        boolean protocolKept = group.protocol.map(member::supports).orElse(false);
        if (group.state == GroupState.STABLE && protocolKept) {
            // No rebalance: the member keeps its assignment and fetches it with SyncGroup.
            persistQuietly(group);
            JoinGroupResponseData response = joinResponse(group, member, Errors.NONE);
            response.setMembers(new ArrayList<>());
            return response;
        }
        Member.PendingJoin pending = park(member);
        if (group.state != GroupState.PREPARING_REBALANCE) {
            prepareRebalance(group, "static member " + r.instanceId().get() + " rejoined with other protocols");
        }
        return pending;
    }

    private static void update(Member member, JoinRequest r) {
        member.protocols = r.protocols();
        member.protocolType = r.protocolType();
        member.sessionTimeoutMs = r.sessionTimeoutMs();
        member.rebalanceTimeoutMs = r.rebalanceTimeoutMs();
        member.clientId = r.clientId();
        member.clientHost = r.clientHost();
    }

    private static Member.PendingJoin park(Member member) {
        if (member.pendingJoin != null) {
            // A retried JoinGroup supersedes the earlier one still parked.
            member.pendingJoin.response = joinError(Errors.REBALANCE_IN_PROGRESS, member.memberId);
        }
        member.pendingJoin = new Member.PendingJoin();
        return member.pendingJoin;
    }

    /** Starts a rebalance: fails pending syncs, and gives the join phase its deadline. Under the group lock. */
    private void prepareRebalance(ClassicGroup group, String reason) {
        long now = System.nanoTime();
        if (group.state == GroupState.COMPLETING_REBALANCE) {
            for (Member m : group.members.values()) {
                m.assignment = new byte[0];
                if (m.pendingSync != null) {
                    m.pendingSync.response = syncError(Errors.REBALANCE_IN_PROGRESS);
                    m.pendingSync = null;
                }
            }
        }
        long timeout = group.maxRebalanceTimeoutMs() * 1_000_000L;
        if (group.state == GroupState.EMPTY) {
            group.initialDelayEndNanos = now + config.initialRebalanceDelayMs() * 1_000_000L;
            group.joinedDuringInitialDelay = false;
            group.initialDelayCapNanos = now + Math.max(timeout, config.initialRebalanceDelayMs() * 1_000_000L);
            group.joinDeadlineNanos = Math.max(group.initialDelayCapNanos, now + timeout);
        } else {
            group.initialDelayEndNanos = 0;
            group.joinDeadlineNanos = now + timeout;
        }
        log.debug("Preparing to rebalance group {} in state {} with generation {}: {}", group.groupId,
                group.state.kafkaName(), group.generation, reason);
        group.transition(GroupState.PREPARING_REBALANCE);
    }

    /** Completes the join phase if every member has joined (after the initial delay) or the deadline passed. */
    private void maybeCompleteJoin(ClassicGroup group, long now) {
        if (group.state != GroupState.PREPARING_REBALANCE) {
            return;
        }
        if (group.joinedDuringInitialDelay && now >= group.initialDelayEndNanos
                && group.initialDelayEndNanos < group.initialDelayCapNanos) {
            group.joinedDuringInitialDelay = false;
            group.initialDelayEndNanos = Math.min(group.initialDelayEndNanos
                    + config.initialRebalanceDelayMs() * 1_000_000L, group.initialDelayCapNanos);
        }
        boolean ready = group.allMembersJoined() && now >= group.initialDelayEndNanos;
        if (ready || now >= group.joinDeadlineNanos) {
            completeJoin(group, now);
        }
    }

    private void completeJoin(ClassicGroup group, long now) {
        for (Member m : new ArrayList<>(group.members.values())) {
            if (!m.awaitingJoin()) {
                log.info("Member {} of group {} did not rejoin within the rebalance timeout", m.memberId,
                        group.groupId);
                removeMember(group, m, Errors.UNKNOWN_MEMBER_ID);
            }
        }
        group.generation++;
        if (group.members.isEmpty()) {
            group.protocol = Optional.empty();
            group.protocolType = Optional.empty();
            group.leader = Optional.empty();
            group.transition(GroupState.EMPTY);
            persistQuietly(group);
            log.info("Group {} is empty at generation {}", group.groupId, group.generation);
            return;
        }
        group.protocol = Optional.of(group.selectProtocol());
        if (group.leader.isEmpty() || !group.members.containsKey(group.leader.get())) {
            group.leader = Optional.of(group.members.keySet().iterator().next());
        }
        group.transition(GroupState.COMPLETING_REBALANCE);
        for (Member m : group.members.values()) {
            m.pendingJoin.response = joinResponse(group, m, Errors.NONE);
            m.pendingJoin = null;
            m.touch(now);
        }
        log.info("Group {} stabilising at generation {} with {} members, protocol {}", group.groupId,
                group.generation, group.members.size(), group.protocol.get());
    }

    private static JoinGroupResponseData joinResponse(ClassicGroup group, Member member, Errors error) {
        List<JoinGroupResponseData.JoinGroupResponseMember> members = new ArrayList<>();
        if (group.leader.map(member.memberId::equals).orElse(false)) {
            for (Member m : group.members.values()) {
                members.add(new JoinGroupResponseData.JoinGroupResponseMember().setMemberId(m.memberId)
                        .setGroupInstanceId(m.instanceId.orElse(null))
                        .setMetadata(m.metadata(group.protocol.orElse(""))));
            }
        }
        return new JoinGroupResponseData().setErrorCode(error.code()).setGenerationId(group.generation)
                .setProtocolType(group.protocolType.orElse(null)).setProtocolName(group.protocol.orElse(null))
                .setLeader(group.leader.orElse("")).setMemberId(member.memberId).setMembers(members);
    }

    static JoinGroupResponseData joinError(Errors error, String memberId) {
        return new JoinGroupResponseData().setErrorCode(error.code()).setGenerationId(-1)
                .setProtocolName(null).setLeader("").setMemberId(memberId == null ? "" : memberId)
                .setMembers(new ArrayList<>());
    }

    // ---------------------------------------------------------------- SyncGroup

    SyncGroupResponseData sync(SyncGroupRequestData r) {
        if (r.groupId() == null || r.groupId().isEmpty()) {
            return syncError(Errors.INVALID_GROUP_ID);
        }
        Optional<ClassicGroup> found = registry.group(r.groupId(), false);
        if (found.isEmpty()) {
            return syncError(Errors.UNKNOWN_MEMBER_ID);
        }
        ClassicGroup group = found.get();
        Member.PendingSync pending;
        long endOffset;
        group.lock.lock();
        try {
            Errors error = validateMember(group, r.memberId(), Optional.ofNullable(r.groupInstanceId()),
                    r.generationId());
            if (error != Errors.NONE) {
                return syncError(error);
            }
            if ((r.protocolType() != null && !group.protocolType.map(r.protocolType()::equals).orElse(false))
                    || (r.protocolName() != null && !group.protocol.map(r.protocolName()::equals).orElse(false))) {
                return syncError(Errors.INCONSISTENT_GROUP_PROTOCOL);
            }
            Member member = group.members.get(r.memberId());
            member.touch(System.nanoTime());
            switch (group.state) {
                case PREPARING_REBALANCE -> {
                    return syncError(Errors.REBALANCE_IN_PROGRESS);
                }
                case STABLE -> {
                    return syncResponse(group, member.assignment);
                }
                case COMPLETING_REBALANCE -> {
                    if (!group.leader.map(r.memberId()::equals).orElse(false)) {
                        pending = parkSync(member);
                        endOffset = -1;
                        break;
                    }
                    for (Member m : group.members.values()) {
                        m.assignment = new byte[0];
                    }
                    for (SyncGroupRequestData.SyncGroupRequestAssignment a : r.assignments()) {
                        Member m = group.members.get(a.memberId());
                        if (m != null) {
                            m.assignment = a.assignment();
                        }
                    }
                    try {
                        endOffset = persist(group);
                    } catch (ApiException e) {
                        Errors failure = Errors.forException(e);
                        prepareRebalance(group, "storing the assignment failed: " + e.getMessage());
                        return syncError(failure);
                    }
                    group.transition(GroupState.STABLE);
                    for (Member m : group.members.values()) {
                        if (m.pendingSync != null) {
                            m.pendingSync.response = syncResponse(group, m.assignment);
                            m.pendingSync = null;
                        }
                    }
                    pending = null;
                }
                default -> {
                    return syncError(Errors.UNKNOWN_MEMBER_ID);
                }
            }
            if (pending != null) {
                long deadline = System.nanoTime() + member.rebalanceTimeoutMs * 1_000_000L + WAIT_SLACK_NANOS;
                while (pending.response == null && !closed && System.nanoTime() < deadline) {
                    group.awaitChange(deadline);
                }
                return pending.response != null ? pending.response
                        : syncError(closed ? Errors.NOT_COORDINATOR : Errors.REBALANCE_IN_PROGRESS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return syncError(Errors.COORDINATOR_NOT_AVAILABLE);
        } finally {
            group.lock.unlock();
        }
        groupLog.awaitCommitted(group.partition, endOffset);
        group.lock.lock();
        try {
            return syncResponse(group, Optional.ofNullable(group.members.get(r.memberId())).map(m -> m.assignment)
                    .orElse(new byte[0]));
        } finally {
            group.lock.unlock();
        }
    }

    private static Member.PendingSync parkSync(Member member) {
        if (member.pendingSync != null) {
            member.pendingSync.response = syncError(Errors.REBALANCE_IN_PROGRESS);
        }
        member.pendingSync = new Member.PendingSync();
        return member.pendingSync;
    }

    private static SyncGroupResponseData syncResponse(ClassicGroup group, byte[] assignment) {
        return new SyncGroupResponseData().setErrorCode(Errors.NONE.code())
                .setProtocolType(group.protocolType.orElse(null)).setProtocolName(group.protocol.orElse(null))
                .setAssignment(assignment);
    }

    static SyncGroupResponseData syncError(Errors error) {
        return new SyncGroupResponseData().setErrorCode(error.code()).setAssignment(new byte[0]);
    }

    // ---------------------------------------------------------------- Heartbeat

    Errors heartbeat(String groupId, String memberId, Optional<String> instanceId, int generation) {
        if (groupId == null || groupId.isEmpty()) {
            return Errors.INVALID_GROUP_ID;
        }
        Optional<ClassicGroup> found = registry.group(groupId, false);
        if (found.isEmpty()) {
            return Errors.UNKNOWN_MEMBER_ID;
        }
        ClassicGroup group = found.get();
        group.lock.lock();
        try {
            Errors error = validateMember(group, memberId, instanceId, generation);
            if (error != Errors.NONE) {
                return error;
            }
            group.members.get(memberId).touch(System.nanoTime());
            return group.state == GroupState.PREPARING_REBALANCE ? Errors.REBALANCE_IN_PROGRESS : Errors.NONE;
        } finally {
            group.lock.unlock();
        }
    }

    /** Kafka's checks of a member's identity and generation, in Kafka's order. Under the group lock. */
    static Errors validateMember(ClassicGroup group, String memberId, Optional<String> instanceId, int generation) {
        if (group.state == GroupState.DEAD) {
            return Errors.COORDINATOR_NOT_AVAILABLE;
        }
        if (instanceId.isPresent()) {
            String holder = group.staticMembers.get(instanceId.get());
            if (holder != null && !holder.equals(memberId)) {
                return Errors.FENCED_INSTANCE_ID;
            }
        }
        if (!group.members.containsKey(memberId)) {
            return Errors.UNKNOWN_MEMBER_ID;
        }
        if (generation != group.generation) {
            return Errors.ILLEGAL_GENERATION;
        }
        return Errors.NONE;
    }

    // ---------------------------------------------------------------- LeaveGroup

    /** A member leaving: by member id, or by group instance id (with member id "" when an admin removes it). */
    record Leaving(String memberId, Optional<String> instanceId) {
    }

    /**
     * Removes members; returns the error per member in request order.
     *
     * @return empty if the group is unknown
     */
    Optional<List<Errors>> leave(String groupId, List<Leaving> leaving) {
        Optional<ClassicGroup> found = registry.group(groupId, false);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        ClassicGroup group = found.get();
        List<Errors> errors = new ArrayList<>();
        group.lock.lock();
        try {
            if (group.state == GroupState.DEAD) {
                return Optional.empty();
            }
            boolean removed = false;
            for (Leaving l : leaving) {
                Errors error = Errors.NONE;
                if (l.instanceId().isPresent()) {
                    String holder = group.staticMembers.get(l.instanceId().get());
                    if (holder == null) {
                        error = Errors.UNKNOWN_MEMBER_ID;
                    } else if (!l.memberId().isEmpty() && !holder.equals(l.memberId())) {
                        error = Errors.FENCED_INSTANCE_ID;
                    } else {
                        removeMember(group, group.members.get(holder), Errors.UNKNOWN_MEMBER_ID);
                        removed = true;
                    }
                } else if (group.pendingMembers.remove(l.memberId()) != null) {
                    removed = true;
                } else if (group.members.containsKey(l.memberId())) {
                    removeMember(group, group.members.get(l.memberId()), Errors.UNKNOWN_MEMBER_ID);
                    removed = true;
                } else {
                    error = Errors.UNKNOWN_MEMBER_ID;
                }
                errors.add(error);
            }
            if (removed) {
                afterRemoval(group, "members left the group");
            }
            return Optional.of(errors);
        } finally {
            group.lock.unlock();
        }
    }

    private void afterRemoval(ClassicGroup group, String reason) {
        switch (group.state) {
            case STABLE, COMPLETING_REBALANCE -> {
                prepareRebalance(group, reason);
                maybeCompleteJoin(group, System.nanoTime());
            }
            case PREPARING_REBALANCE -> maybeCompleteJoin(group, System.nanoTime());
            default -> { }
        }
    }

    private static void removeMember(ClassicGroup group, Member member, Errors error) {
        if (member == null) {
            return;
        }
        completeWithError(member, error);
        group.members.remove(member.memberId);
        member.instanceId.ifPresent(id -> group.staticMembers.remove(id, member.memberId));
        if (group.leader.map(member.memberId::equals).orElse(false)) {
            group.leader = group.members.keySet().stream().findFirst();
        }
        group.changed.signalAll();
    }

    private static void completeWithError(Member member, Errors error) {
        if (member.pendingJoin != null) {
            member.pendingJoin.response = joinError(error, member.memberId);
            member.pendingJoin = null;
        }
        if (member.pendingSync != null) {
            member.pendingSync.response = syncError(error);
            member.pendingSync = null;
        }
    }

    // ---------------------------------------------------------------- timers and persistence

    /** Expires sessions, pending member ids and rebalance deadlines; called periodically by the timer. */
    void tick() {
        long now = System.nanoTime();
        for (ClassicGroup group : registry.all()) {
            group.lock.lock();
            try {
                boolean removed = false;
                for (Map.Entry<String, Long> e : new ArrayList<>(group.pendingMembers.entrySet())) {
                    if (e.getValue() <= now) {
                        group.pendingMembers.remove(e.getKey());
                        removed = true;
                    }
                }
                for (Member m : new ArrayList<>(group.members.values())) {
                    if (!m.awaitingJoin() && m.sessionDeadlineNanos <= now) {
                        log.info("Member {} of group {} expired: no heartbeat within {} ms", m.memberId,
                                group.groupId, m.sessionTimeoutMs);
                        removeMember(group, m, Errors.UNKNOWN_MEMBER_ID);
                        removed = true;
                    }
                }
                if (removed) {
                    afterRemoval(group, "sessions expired");
                }
                maybeCompleteJoin(group, now);
            } catch (RuntimeException e) {
                log.error("Timer failed on group {}", group.groupId, e);
            } finally {
                group.lock.unlock();
            }
        }
    }

    /** Writes the group's membership to its partition; returns the end offset. Under the group lock. */
    private long persist(ClassicGroup group) {
        return groupLog.append(group.partition, List.of(GroupLog.record(GroupRecords.groupKey(group.groupId),
                GroupRecords.groupValue(GroupSnapshots.snapshot(group)))));
    }

    /**
     * Writes the group where a failure needs no answer to a client: the next completed rebalance writes it again.
     */
    private void persistQuietly(ClassicGroup group) {
        try {
            persist(group);
        } catch (ApiException e) {
            log.warn("Could not store the state of group {}: {}", group.groupId, e.toString());
        }
    }

    /** Fails every parked request of a group this node stops coordinating. Under the group lock. */
    void abandon(ClassicGroup group) {
        for (Member m : group.members.values()) {
            completeWithError(m, Errors.NOT_COORDINATOR);
        }
        group.transition(GroupState.DEAD);
    }

    void close() {
        closed = true;
    }

    /** Applies {@code f} to the group under its lock. */
    static <T> T locked(ClassicGroup group, Function<ClassicGroup, T> f) {
        group.lock.lock();
        try {
            return f.apply(group);
        } finally {
            group.lock.unlock();
        }
    }
}
