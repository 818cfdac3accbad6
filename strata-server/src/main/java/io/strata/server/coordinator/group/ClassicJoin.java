package io.strata.server.coordinator.group;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.protocol.Errors;

/**
 * JoinGroup of the classic protocol: new members (with KIP-394's MEMBER_ID_REQUIRED round trip), known members
 * rejoining, and static members returning under a new member id (KIP-345).
 *
 * <p>Thread-safety: every change happens under the group's lock. A join that starts or waits for a rebalance parks
 * the calling (virtual) thread on the group's condition, which releases the lock, until the rebalance completes.
 */
final class ClassicJoin {

    /** Extra time a parked request waits beyond its rebalance timeout before giving up on the timer. */
    static final long WAIT_SLACK_NANOS = 5_000_000_000L;

    /** A JoinGroup request, version differences resolved. */
    record JoinRequest(String groupId, String memberId, Optional<String> instanceId, String clientId,
                       String clientHost, int sessionTimeoutMs, int rebalanceTimeoutMs, String protocolType,
                       List<Member.Protocol> protocols, boolean requireKnownMemberId) {
    }

    /** What handling a join under the lock led to: an answer now, or a wait for the rebalance. */
    private sealed interface Outcome {
    }

    private record Answered(JoinGroupResponseData response) implements Outcome {
    }

    private record Parked(Member.PendingJoin pending) implements Outcome {
    }

    private final GroupRegistry registry;
    private final ClassicRebalance rebalance;
    private final GroupConfig config;

    ClassicJoin(GroupRegistry registry, ClassicRebalance rebalance) {
        this.registry = registry;
        this.rebalance = rebalance;
        this.config = rebalance.config();
    }

    JoinGroupResponseData join(JoinRequest r) {
        if (r.groupId() == null || r.groupId().isEmpty()) {
            return ClassicResponses.joinError(Errors.INVALID_GROUP_ID, r.memberId());
        }
        if (r.sessionTimeoutMs() < config.minSessionTimeoutMs()
                || r.sessionTimeoutMs() > config.maxSessionTimeoutMs()) {
            return ClassicResponses.joinError(Errors.INVALID_SESSION_TIMEOUT, r.memberId());
        }
        if (r.protocolType() == null || r.protocolType().isEmpty() || r.protocols().isEmpty()) {
            return ClassicResponses.joinError(Errors.INCONSISTENT_GROUP_PROTOCOL, r.memberId());
        }
        boolean newMember = r.memberId().isEmpty();
        Optional<ClassicGroup> found = registry.group(r.groupId(), newMember);
        if (found.isEmpty()) {
            return ClassicResponses.joinError(Errors.UNKNOWN_MEMBER_ID, r.memberId());
        }
        ClassicGroup group = found.get();
        group.lock.lock();
        try {
            if (group.isGone()) {
                // Deleted concurrently: the client retries and finds (or creates) the new group.
                return ClassicResponses.joinError(Errors.COORDINATOR_NOT_AVAILABLE, r.memberId());
            }
            if (group.consumer.isPresent()) {
                if (!group.consumer.get().isEmpty()) {
                    return ClassicResponses.joinError(Errors.INCONSISTENT_GROUP_PROTOCOL, r.memberId());
                }
                // An empty consumer-protocol group becomes a classic group again.
                group.consumer = Optional.empty();
            }
            if (!group.supports(r.protocolType(), r.protocols())) {
                return ClassicResponses.joinError(Errors.INCONSISTENT_GROUP_PROTOCOL, r.memberId());
            }
            Outcome outcome = newMember ? joinNew(group, r) : joinKnown(group, r);
            return switch (outcome) {
                case Answered a -> a.response();
                case Parked p -> await(group, p.pending(), r);
            };
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ClassicResponses.joinError(Errors.COORDINATOR_NOT_AVAILABLE, r.memberId());
        } finally {
            group.lock.unlock();
        }
    }

    /** Waits (releasing the lock) until the rebalance answers the parked join. Under the group lock. */
    private JoinGroupResponseData await(ClassicGroup group, Member.PendingJoin pending, JoinRequest r)
            throws InterruptedException {
        rebalance.maybeCompleteJoin(group);
        long deadline = rebalance.time().nanoseconds() + r.rebalanceTimeoutMs() * 1_000_000L + WAIT_SLACK_NANOS
                + config.initialRebalanceDelayMs() * 1_000_000L;
        while (pending.response == null && !rebalance.isClosed() && rebalance.time().nanoseconds() < deadline) {
            group.awaitChange(deadline);
        }
        if (pending.response == null) {
            return ClassicResponses.joinError(rebalance.isClosed() ? Errors.NOT_COORDINATOR
                    : Errors.REBALANCE_IN_PROGRESS, r.memberId());
        }
        return pending.response;
    }

    /** A join without member id: a new member, a MEMBER_ID_REQUIRED round trip, or a static member's return. */
    private Outcome joinNew(ClassicGroup group, JoinRequest r) {
        String memberId = (r.clientId() == null ? "" : r.clientId()) + "-" + UUID.randomUUID();
        if (r.instanceId().isPresent()) {
            String existing = group.staticMembers.get(r.instanceId().get());
            if (existing != null && group.members.containsKey(existing)) {
                return replaceStaticMember(group, group.members.get(existing), memberId, r);
            }
        }
        if (group.members.size() + group.pendingMembers.size() >= config.maxSize()) {
            return error(Errors.GROUP_MAX_SIZE_REACHED, "");
        }
        if (r.requireKnownMemberId() && r.instanceId().isEmpty()) {
            // KIP-394: the client must come back with this id, so that a lost response cannot leak members.
            group.pendingMembers.put(memberId, rebalance.time().nanoseconds() + r.sessionTimeoutMs() * 1_000_000L);
            return error(Errors.MEMBER_ID_REQUIRED, memberId);
        }
        return addAndRebalance(group, memberId, r);
    }

    private Outcome joinKnown(ClassicGroup group, JoinRequest r) {
        if (group.pendingMembers.remove(r.memberId()) != null) {
            if (group.members.size() >= config.maxSize()) {
                return error(Errors.GROUP_MAX_SIZE_REACHED, r.memberId());
            }
            return addAndRebalance(group, r.memberId(), r);
        }
        Member member = group.members.get(r.memberId());
        if (r.instanceId().isPresent()) {
            String holder = group.staticMembers.get(r.instanceId().get());
            if (holder != null && !holder.equals(r.memberId())) {
                return error(Errors.FENCED_INSTANCE_ID, r.memberId());
            }
        }
        if (member == null) {
            return error(Errors.UNKNOWN_MEMBER_ID, r.memberId());
        }
        return switch (group.state) {
            case PREPARING_REBALANCE -> {
                update(member, r);
                yield park(member);
            }
            case COMPLETING_REBALANCE -> {
                if (member.sameProtocols(r.protocols())) {
                    // The member lost the join response: give it the current generation again.
                    yield new Answered(ClassicResponses.join(group, member));
                }
                update(member, r);
                rebalance.prepare(group, "member " + member.memberId + " changed its protocols");
                yield park(member);
            }
            case STABLE -> {
                if (group.leader.map(member.memberId::equals).orElse(false) || !member.sameProtocols(r.protocols())) {
                    update(member, r);
                    rebalance.prepare(group, "leader or member " + member.memberId + " rejoined");
                    yield park(member);
                }
                yield new Answered(ClassicResponses.join(group, member));
            }
            case EMPTY, DEAD -> error(Errors.UNKNOWN_MEMBER_ID, r.memberId());
        };
    }

    private Outcome addAndRebalance(ClassicGroup group, String memberId, JoinRequest r) {
        Member member = newMember(memberId, r);
        group.members.put(memberId, member);
        r.instanceId().ifPresent(id -> group.staticMembers.put(id, memberId));
        if (group.protocolType.isEmpty()) {
            group.protocolType = Optional.of(r.protocolType());
        }
        Parked parked = park(member);
        if (group.state == GroupState.PREPARING_REBALANCE) {
            long now = rebalance.time().nanoseconds();
            if (group.initialDelayEndNanos > now) {
                // Kafka's initial delayed join: a join during a step of the delay adds one more whole step.
                group.joinedDuringInitialDelay = true;
            }
            group.joinDeadlineNanos = Math.max(group.joinDeadlineNanos, now + r.rebalanceTimeoutMs() * 1_000_000L);
        } else {
            rebalance.prepare(group, "member " + memberId + " joined");
        }
        return parked;
    }

    /**
     * A static member rejoining with a new member id replaces its old incarnation, fencing it. In a stable group
     * whose protocol it still supports it keeps its assignment without a rebalance: the replacement is written,
     * answered once committed, and undone if the write fails (the old incarnation is restored, as in Kafka).
     */
    private Outcome replaceStaticMember(ClassicGroup group, Member old, String newMemberId, JoinRequest r) {
        Member member = newMember(newMemberId, r);
        member.assignment = old.assignment;
        ClassicResponses.failParked(old, Errors.FENCED_INSTANCE_ID);
        swap(group, old, member);
        boolean protocolKept = group.protocol.map(member::supports).orElse(false);
        if (group.state == GroupState.STABLE && protocolKept) {
            return storeReplacement(group, old, member);
        }
        Parked parked = park(member);
        if (group.state != GroupState.PREPARING_REBALANCE) {
            rebalance.prepare(group, "static member " + r.instanceId().get() + " rejoined with other protocols");
        }
        return parked;
    }

    private Parked storeReplacement(ClassicGroup group, Member old, Member member) {
        Member.PendingJoin pending = new Member.PendingJoin();
        JoinGroupResponseData response = ClassicResponses.join(group, member);
        // No rebalance: the member fetches its assignment with SyncGroup.
        response.setMembers(new ArrayList<>());
        rebalance.writer().write(group, List.of(rebalance.groupRecord(group, GroupSnapshots.assignments(group))),
                new PendingWrites.Effect() {
                    @Override
                    public void committed() {
                        pending.response = response;
                    }

                    @Override
                    public void failed(ApiException cause) {
                        if (group.members.get(member.memberId) == member) {
                            swap(group, member, old);
                            old.touch(rebalance.time().nanoseconds());
                        }
                        pending.response = ClassicResponses.joinError(StoreErrors.forGroup(cause), "");
                    }
                });
        return new Parked(pending);
    }

    /** Puts {@code in} where {@code out} was: same place in the join order, static id and leadership. */
    private static void swap(ClassicGroup group, Member out, Member in) {
        Map<String, Member> reordered = new LinkedHashMap<>();
        group.members.forEach((id, m) -> reordered.put(m == out ? in.memberId : id, m == out ? in : m));
        group.members.clear();
        group.members.putAll(reordered);
        in.instanceId.ifPresent(id -> group.staticMembers.put(id, in.memberId));
        if (group.leader.map(out.memberId::equals).orElse(false)) {
            group.leader = Optional.of(in.memberId);
        }
    }

    private Member newMember(String memberId, JoinRequest r) {
        Member member = new Member(memberId, r.instanceId(), r.clientId(), r.clientHost(), r.rebalanceTimeoutMs(),
                r.sessionTimeoutMs(), r.protocolType(), r.protocols());
        member.touch(rebalance.time().nanoseconds());
        return member;
    }

    private static void update(Member member, JoinRequest r) {
        member.protocols = r.protocols();
        member.protocolType = r.protocolType();
        member.sessionTimeoutMs = r.sessionTimeoutMs();
        member.rebalanceTimeoutMs = r.rebalanceTimeoutMs();
        member.clientId = r.clientId();
        member.clientHost = r.clientHost();
    }

    private static Parked park(Member member) {
        if (member.pendingJoin != null) {
            // A retried JoinGroup supersedes the earlier one still parked.
            member.pendingJoin.response = ClassicResponses.joinError(Errors.REBALANCE_IN_PROGRESS, member.memberId);
        }
        member.pendingJoin = new Member.PendingJoin();
        return new Parked(member.pendingJoin);
    }

    private static Answered error(Errors error, String memberId) {
        return new Answered(ClassicResponses.joinError(error, memberId));
    }
}
