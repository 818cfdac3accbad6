package io.strata.server.coordinator.group;

import io.strata.metadata.MetadataImage;
import io.strata.metadata.MetadataQuorum;
import io.strata.metadata.TopicImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The KIP-848 consumer group protocol: ConsumerGroupHeartbeat joins, updates and leaves members; the coordinator
 * computes a target assignment with a server-side assignor whenever the group epoch moves, and hands each member
 * its partitions incrementally: partitions to give up first (the member keeps its epoch until it has revoked
 * them), then, at the new epoch, the partitions that others have released. No stop-the-world rebalance.
 *
 * <p>Thread-safety: every change happens under the group's lock; nothing blocks. {@link #tick} expires sessions
 * and revocation deadlines.
 */
final class ConsumerGroupHeartbeats {

    private static final Logger log = LoggerFactory.getLogger(ConsumerGroupHeartbeats.class);
    private static final int LEAVE = -1;
    private static final int LEAVE_STATIC = -2;

    private final GroupConfig config;
    private final GroupRegistry registry;
    private final MetadataQuorum quorum;
    private final Time time;
    private final ConsumerTargets targets = new ConsumerTargets();

    ConsumerGroupHeartbeats(GroupConfig config, GroupRegistry registry, MetadataQuorum quorum, Time time) {
        this.config = config;
        this.registry = registry;
        this.quorum = quorum;
        this.time = time;
    }

    /** A request Kafka rejects before looking at the group, with the error and message it answers. */
    private record Invalid(Errors error, String message) {

        static Optional<Invalid> request(String message) {
            return Optional.of(new Invalid(Errors.INVALID_REQUEST, message));
        }
    }

    ConsumerGroupHeartbeatResponseData heartbeat(ConsumerGroupHeartbeatRequestData r, short version,
                                                 String clientId, String clientHost) {
        Optional<Invalid> invalid = validate(r, version);
        if (invalid.isPresent()) {
            return error(invalid.get().error(), invalid.get().message());
        }
        String memberId = version == 0 && r.memberId().isEmpty() ? Uuid.randomUuid().toString() : r.memberId();
        Optional<ClassicGroup> found = registry.group(r.groupId(), r.memberEpoch() == 0);
        if (found.isEmpty()) {
            return error(Errors.UNKNOWN_MEMBER_ID, "Member " + memberId + " is not in group " + r.groupId());
        }
        ClassicGroup group = found.get();
        group.lock.lock();
        try {
            if (group.isGone()) {
                return error(Errors.COORDINATOR_NOT_AVAILABLE, null);
            }
            if (group.state != GroupState.EMPTY || !group.members.isEmpty()) {
                return error(Errors.GROUP_ID_NOT_FOUND, "Group " + r.groupId() + " is not a consumer group.");
            }
            if (group.consumer.isEmpty()) {
                if (r.memberEpoch() != 0) {
                    return error(Errors.UNKNOWN_MEMBER_ID, "Member " + memberId + " is not in group "
                            + r.groupId());
                }
                // An empty classic group (say, only committed offsets) becomes a consumer group.
                group.consumer = Optional.of(new ConsumerProtocolGroup());
            }
            ConsumerProtocolGroup cg = group.consumer.get();
            if (r.memberEpoch() == LEAVE || r.memberEpoch() == LEAVE_STATIC) {
                return leave(group, cg, memberId, r);
            }
            return join(group, cg, memberId, r, clientId, clientHost);
        } finally {
            group.lock.unlock();
        }
    }

    private Optional<Invalid> validate(ConsumerGroupHeartbeatRequestData r, short version) {
        if (r.groupId() == null || r.groupId().isEmpty()) {
            return Invalid.request("GroupId can't be empty.");
        }
        if (version >= 1 && (r.memberId() == null || r.memberId().isEmpty())) {
            return Invalid.request("MemberId can't be empty.");
        }
        if (r.memberEpoch() < LEAVE_STATIC) {
            return Invalid.request("MemberEpoch is invalid.");
        }
        if (r.memberEpoch() == 0) {
            if (r.rebalanceTimeoutMs() == -1) {
                return Invalid.request("RebalanceTimeoutMs must be provided in first request.");
            }
            if (r.topicPartitions() == null || !r.topicPartitions().isEmpty()) {
                return Invalid.request("TopicPartitions must be empty when (re-)joining.");
            }
            if (r.subscribedTopicNames() == null && r.subscribedTopicRegex() == null) {
                return Invalid.request("SubscribedTopicNames or SubscribedTopicRegex must be set in first request.");
            }
        }
        if (r.serverAssignor() != null && !targets.supports(r.serverAssignor())) {
            return Optional.of(new Invalid(Errors.UNSUPPORTED_ASSIGNOR, "ServerAssignor " + r.serverAssignor()
                    + " is not supported. Supported assignors: uniform, range."));
        }
        if (r.subscribedTopicRegex() != null && !r.subscribedTopicRegex().isEmpty()) {
            try {
                Pattern.compile(r.subscribedTopicRegex());
            } catch (PatternSyntaxException e) {
                return Optional.of(new Invalid(Errors.INVALID_REGULAR_EXPRESSION,
                        "SubscribedTopicRegex is not a valid regular expression: " + e.getDescription()));
            }
        }
        return Optional.empty();
    }

    private ConsumerGroupHeartbeatResponseData leave(ClassicGroup group, ConsumerProtocolGroup cg, String memberId,
                                                     ConsumerGroupHeartbeatRequestData r) {
        ConsumerMember member = cg.members.get(memberId);
        if (member == null) {
            return error(Errors.UNKNOWN_MEMBER_ID, "Member " + memberId + " is not in group " + r.groupId());
        }
        if (r.memberEpoch() == LEAVE_STATIC && member.instanceId.isPresent()) {
            // A static member that will come back keeps its partitions until its session times out.
            member.leftTemporarily = true;
        } else {
            remove(group, cg, member, "left the group");
        }
        return new ConsumerGroupHeartbeatResponseData().setErrorCode(Errors.NONE.code()).setMemberId(memberId)
                .setMemberEpoch(r.memberEpoch()).setHeartbeatIntervalMs(config.consumerHeartbeatIntervalMs());
    }

    private ConsumerGroupHeartbeatResponseData join(ClassicGroup group, ConsumerProtocolGroup cg, String memberId,
                                                    ConsumerGroupHeartbeatRequestData r, String clientId,
                                                    String clientHost) {
        long now = time.nanoseconds();
        ConsumerMember member = cg.members.get(memberId);
        boolean changed = false;
        if (r.memberEpoch() == 0) {
            Optional<String> instanceId = Optional.ofNullable(r.instanceId());
            ConsumerMember replaced = null;
            if (instanceId.isPresent()) {
                String holder = cg.staticMembers.get(instanceId.get());
                if (holder != null && !holder.equals(memberId)) {
                    ConsumerMember previous = cg.members.get(holder);
                    if (previous != null && !previous.leftTemporarily) {
                        return error(Errors.UNRELEASED_INSTANCE_ID, "Static member " + instanceId.get()
                                + " is still in use by member " + holder);
                    }
                    replaced = previous;
                }
            }
            if (member != null) {
                // A known member rejoining from scratch (it was fenced or lost its state): start over.
                remove(group, cg, member, "rejoined with epoch 0");
            } else if (replaced == null && cg.members.size() >= config.consumerMaxSize()) {
                return error(Errors.GROUP_MAX_SIZE_REACHED, "The group reached its maximum size of "
                        + config.consumerMaxSize() + " members.");
            }
            member = new ConsumerMember(memberId);
            if (replaced != null) {
                // The static member returns under a new member id: it takes over its predecessor's partitions.
                member.assigned = replaced.assigned;
                member.memberEpoch = replaced.memberEpoch;
                member.subscribedTopicNames = replaced.subscribedTopicNames;
                member.subscribedTopicRegex = replaced.subscribedTopicRegex;
                member.serverAssignor = replaced.serverAssignor;
                cg.target.put(memberId, cg.target.getOrDefault(replaced.memberId, Map.of()));
                cg.target.remove(replaced.memberId);
                cg.members.remove(replaced.memberId);
            } else {
                changed = true;
            }
            cg.members.put(memberId, member);
            instanceId.ifPresent(id -> cg.staticMembers.put(id, memberId));
            member.instanceId = instanceId;
        } else {
            if (member == null) {
                return error(Errors.UNKNOWN_MEMBER_ID, "Member " + memberId + " is not in group " + r.groupId());
            }
            Optional<String> fenced = checkEpoch(member, r);
            if (fenced.isPresent()) {
                return error(Errors.FENCED_MEMBER_EPOCH, fenced.get());
            }
        }
        member.leftTemporarily = false;
        member.clientId = clientId == null ? "" : clientId;
        member.clientHost = clientHost;
        if (r.rackId() != null) {
            member.rackId = Optional.of(r.rackId());
        }
        if (r.rebalanceTimeoutMs() != -1) {
            member.rebalanceTimeoutMs = r.rebalanceTimeoutMs();
        }
        if (r.subscribedTopicNames() != null && !r.subscribedTopicNames().equals(member.subscribedTopicNames)) {
            member.subscribedTopicNames = List.copyOf(r.subscribedTopicNames());
            changed = true;
        }
        if (r.subscribedTopicRegex() != null) {
            Optional<String> regex = Optional.of(r.subscribedTopicRegex()).filter(s -> !s.isEmpty());
            if (!regex.equals(member.subscribedTopicRegex)) {
                member.subscribedTopicRegex = regex;
                changed = true;
            }
        }
        if (r.serverAssignor() != null && !Optional.of(r.serverAssignor()).equals(member.serverAssignor)) {
            member.serverAssignor = Optional.of(r.serverAssignor());
            changed = true;
        }
        member.sessionDeadlineNanos = now + config.consumerSessionTimeoutMs() * 1_000_000L;
        MetadataImage image = quorum.image();
        Map<String, Map.Entry<Uuid, Integer>> topics = ConsumerTargets.subscribedTopics(cg, image);
        if (changed || !topics.equals(cg.subscribedTopics)) {
            cg.groupEpoch++;
            targets.computeTarget(cg, image, topics);
        }
        ConsumerReconciler.reconcile(cg, member,
                Optional.ofNullable(r.topicPartitions()).map(ConsumerReconciler::owned), now);
        group.stateTimestamp = time.milliseconds();
        return new ConsumerGroupHeartbeatResponseData().setErrorCode(Errors.NONE.code()).setMemberId(memberId)
                .setMemberEpoch(member.memberEpoch).setHeartbeatIntervalMs(config.consumerHeartbeatIntervalMs())
                .setAssignment(assignment(member.assigned));
    }

    /** Kafka's epoch check: the current epoch, or the previous one from a member that missed a response. */
    private static Optional<String> checkEpoch(ConsumerMember member, ConsumerGroupHeartbeatRequestData r) {
        if (r.memberEpoch() > member.memberEpoch) {
            return Optional.of("The consumer group member has a greater member epoch (" + r.memberEpoch()
                    + ") than the one known by the group coordinator (" + member.memberEpoch + ").");
        }
        if (r.memberEpoch() < member.memberEpoch) {
            boolean lostResponse = r.memberEpoch() == member.previousMemberEpoch && r.topicPartitions() != null
                    && ConsumerReconciler.isSubset(ConsumerReconciler.owned(r.topicPartitions()), member.assigned);
            if (!lostResponse) {
                return Optional.of("The consumer group member has a smaller member epoch (" + r.memberEpoch()
                        + ") than the one known by the group coordinator (" + member.memberEpoch + ").");
            }
        }
        return Optional.empty();
    }

    private void remove(ClassicGroup group, ConsumerProtocolGroup cg, ConsumerMember member, String reason) {
        cg.members.remove(member.memberId);
        member.instanceId.ifPresent(id -> cg.staticMembers.remove(id, member.memberId));
        cg.target.remove(member.memberId);
        cg.groupEpoch++;
        MetadataImage image = quorum.image();
        targets.computeTarget(cg, image, ConsumerTargets.subscribedTopics(cg, image));
        group.stateTimestamp = time.milliseconds();
        log.info("Member {} of consumer group {} {}; group epoch {}", member.memberId, group.groupId, reason,
                cg.groupEpoch);
    }

    private static ConsumerGroupHeartbeatResponseData.Assignment assignment(Map<Uuid, Set<Integer>> partitions) {
        List<ConsumerGroupHeartbeatResponseData.TopicPartitions> topics = new ArrayList<>();
        partitions.forEach((topic, ps) -> {
            if (!ps.isEmpty()) {
                topics.add(new ConsumerGroupHeartbeatResponseData.TopicPartitions().setTopicId(topic)
                        .setPartitions(new ArrayList<>(ps)));
            }
        });
        return new ConsumerGroupHeartbeatResponseData.Assignment().setTopicPartitions(topics);
    }

    private static ConsumerGroupHeartbeatResponseData error(Errors error, String message) {
        return new ConsumerGroupHeartbeatResponseData().setErrorCode(error.code())
                .setErrorMessage(message != null ? message : error.message()).setMemberEpoch(-1);
    }

    /** Fences members whose session ended or who did not revoke partitions within their rebalance timeout. */
    void tick() {
        long now = time.nanoseconds();
        for (ClassicGroup group : registry.all()) {
            group.lock.lock();
            try {
                if (group.consumer.isEmpty()) {
                    continue;
                }
                ConsumerProtocolGroup cg = group.consumer.get();
                for (ConsumerMember m : new ArrayList<>(cg.members.values())) {
                    if (m.sessionDeadlineNanos <= now) {
                        remove(group, cg, m, "expired: no heartbeat within "
                                + config.consumerSessionTimeoutMs() + " ms");
                    } else if (m.state == ConsumerMember.State.UNREVOKED_PARTITIONS
                            && m.revocationDeadlineNanos <= now) {
                        remove(group, cg, m, "was fenced: it did not revoke its partitions within "
                                + m.rebalanceTimeoutMs + " ms");
                    }
                }
            } catch (RuntimeException e) {
                log.error("Timer failed on consumer group {}", group.groupId, e);
            } finally {
                group.lock.unlock();
            }
        }
    }

    /** The topic name of an id, for ConsumerGroupDescribe. */
    Optional<String> topicName(Uuid id) {
        return quorum.image().topic(id).map(TopicImage::name);
    }
}
