package io.strata.server.coordinator.group;

import io.strata.metadata.MetadataImage;
import io.strata.metadata.MetadataQuorum;
import io.strata.metadata.TopicImage;
import io.strata.server.cluster.TopicNames;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Collectors;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatResponseData;
import org.apache.kafka.common.protocol.Errors;
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
    private final Map<String, ServerAssignor> assignors = Map.of("uniform", new UniformServerAssignor(),
            "range", new RangeServerAssignor());

    ConsumerGroupHeartbeats(GroupConfig config, GroupRegistry registry, MetadataQuorum quorum) {
        this.config = config;
        this.registry = registry;
        this.quorum = quorum;
    }

    ConsumerGroupHeartbeatResponseData heartbeat(ConsumerGroupHeartbeatRequestData r, short version,
                                                 String clientId, String clientHost) {
        Optional<String> invalid = validate(r, version);
        if (invalid.isPresent()) {
            return error(invalid.get().startsWith("UNSUPPORTED_ASSIGNOR") ? Errors.UNSUPPORTED_ASSIGNOR
                    : invalid.get().startsWith("INVALID_REGULAR_EXPRESSION") ? Errors.INVALID_REGULAR_EXPRESSION
                    : Errors.INVALID_REQUEST, invalid.get());
        }
        String memberId = version == 0 && r.memberId().isEmpty() ? Uuid.randomUuid().toString() : r.memberId();
        Optional<ClassicGroup> found = registry.group(r.groupId(), r.memberEpoch() == 0);
        if (found.isEmpty()) {
            return error(Errors.UNKNOWN_MEMBER_ID, "Member " + memberId + " is not in group " + r.groupId());
        }
        ClassicGroup group = found.get();
        group.lock.lock();
        try {
            if (group.state == GroupState.DEAD) {
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

    private Optional<String> validate(ConsumerGroupHeartbeatRequestData r, short version) {
        if (r.groupId() == null || r.groupId().isEmpty()) {
            return Optional.of("GroupId can't be empty.");
        }
        if (version >= 1 && (r.memberId() == null || r.memberId().isEmpty())) {
            return Optional.of("MemberId can't be empty.");
        }
        if (r.memberEpoch() < LEAVE_STATIC) {
            return Optional.of("MemberEpoch is invalid.");
        }
        if (r.memberEpoch() == 0) {
            if (r.rebalanceTimeoutMs() == -1) {
                return Optional.of("RebalanceTimeoutMs must be provided in first request.");
            }
            if (r.topicPartitions() == null || !r.topicPartitions().isEmpty()) {
                return Optional.of("TopicPartitions must be empty when (re-)joining.");
            }
            if (r.subscribedTopicNames() == null && r.subscribedTopicRegex() == null) {
                return Optional.of("SubscribedTopicNames or SubscribedTopicRegex must be set in first request.");
            }
        }
        if (r.serverAssignor() != null && !assignors.containsKey(r.serverAssignor())) {
            return Optional.of("UNSUPPORTED_ASSIGNOR: " + r.serverAssignor() + " is not supported. Supported "
                    + "assignors: uniform, range.");
        }
        if (r.subscribedTopicRegex() != null && !r.subscribedTopicRegex().isEmpty()) {
            try {
                Pattern.compile(r.subscribedTopicRegex());
            } catch (PatternSyntaxException e) {
                return Optional.of("INVALID_REGULAR_EXPRESSION: " + e.getDescription());
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
        long now = System.nanoTime();
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
        Map<String, Map.Entry<Uuid, Integer>> topics = subscribedTopics(cg, image);
        if (changed || !topics.equals(cg.subscribedTopics)) {
            cg.groupEpoch++;
            computeTarget(cg, image, topics);
        }
        reconcile(cg, member, Optional.ofNullable(r.topicPartitions()).map(ConsumerGroupHeartbeats::owned), now);
        group.stateTimestamp = System.currentTimeMillis();
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
                    && isSubset(owned(r.topicPartitions()), member.assigned);
            if (!lostResponse) {
                return Optional.of("The consumer group member has a smaller member epoch (" + r.memberEpoch()
                        + ") than the one known by the group coordinator (" + member.memberEpoch + ").");
            }
        }
        return Optional.empty();
    }

    private static Map<Uuid, Set<Integer>> owned(
            List<ConsumerGroupHeartbeatRequestData.TopicPartitions> topicPartitions) {
        Map<Uuid, Set<Integer>> owned = new HashMap<>();
        topicPartitions.forEach(t -> owned.computeIfAbsent(t.topicId(), k -> new TreeSet<>()).addAll(t.partitions()));
        return owned;
    }

    private static boolean isSubset(Map<Uuid, Set<Integer>> small, Map<Uuid, Set<Integer>> big) {
        return small.entrySet().stream().allMatch(e -> e.getValue().isEmpty()
                || big.getOrDefault(e.getKey(), Set.of()).containsAll(e.getValue()));
    }

    private static boolean intersects(Map<Uuid, Set<Integer>> a, Map<Uuid, Set<Integer>> b) {
        return a.entrySet().stream().anyMatch(e -> e.getValue().stream()
                .anyMatch(p -> b.getOrDefault(e.getKey(), Set.of()).contains(p)));
    }

    /**
     * Moves the member towards its target: first it must revoke what the target no longer gives it (keeping its
     * epoch); then it advances to the assignment epoch and receives the target partitions no other member still
     * holds.
     */
    private static void reconcile(ConsumerProtocolGroup cg, ConsumerMember member,
                                  Optional<Map<Uuid, Set<Integer>>> reportedOwned, long now) {
        if (member.state == ConsumerMember.State.UNREVOKED_PARTITIONS) {
            if (reportedOwned.isEmpty() || intersects(reportedOwned.get(), member.pendingRevocation)) {
                return;
            }
            member.pendingRevocation = new HashMap<>();
            member.state = ConsumerMember.State.STABLE;
        }
        if (member.memberEpoch == cg.assignmentEpoch && member.state == ConsumerMember.State.STABLE) {
            return;
        }
        Map<Uuid, Set<Integer>> target = cg.targetOf(member.memberId);
        Map<Uuid, Set<Integer>> keep = new HashMap<>();
        Map<Uuid, Set<Integer>> revoke = new HashMap<>();
        member.assigned.forEach((topic, ps) -> ps.forEach(p -> {
            boolean kept = target.getOrDefault(topic, Set.of()).contains(p);
            (kept ? keep : revoke).computeIfAbsent(topic, t -> new TreeSet<>()).add(p);
        }));
        if (!revoke.isEmpty()) {
            member.assigned = keep;
            member.pendingRevocation = revoke;
            member.state = ConsumerMember.State.UNREVOKED_PARTITIONS;
            member.revocationDeadlineNanos = now + member.rebalanceTimeoutMs * 1_000_000L;
            return;
        }
        boolean unreleased = false;
        for (Map.Entry<Uuid, Set<Integer>> e : target.entrySet()) {
            for (int p : e.getValue()) {
                if (keep.getOrDefault(e.getKey(), Set.of()).contains(p)) {
                    continue;
                }
                if (heldByOther(cg, member, e.getKey(), p)) {
                    unreleased = true;
                } else {
                    keep.computeIfAbsent(e.getKey(), t -> new TreeSet<>()).add(p);
                }
            }
        }
        member.assigned = keep;
        if (member.memberEpoch != cg.assignmentEpoch) {
            member.previousMemberEpoch = member.memberEpoch;
            member.memberEpoch = cg.assignmentEpoch;
        }
        member.state = unreleased ? ConsumerMember.State.UNRELEASED_PARTITIONS : ConsumerMember.State.STABLE;
    }

    private static boolean heldByOther(ConsumerProtocolGroup cg, ConsumerMember self, Uuid topic, int partition) {
        for (ConsumerMember m : cg.members.values()) {
            if (m != self && (m.assigned.getOrDefault(topic, Set.of()).contains(partition)
                    || m.pendingRevocation.getOrDefault(topic, Set.of()).contains(partition))) {
                return true;
            }
        }
        return false;
    }

    /** The subscribed topics that exist, with their ids and partition counts. */
    private static Map<String, Map.Entry<Uuid, Integer>> subscribedTopics(ConsumerProtocolGroup cg,
                                                                          MetadataImage image) {
        Map<String, Map.Entry<Uuid, Integer>> topics = new HashMap<>();
        for (ConsumerMember m : cg.members.values()) {
            for (String name : resolve(m, image)) {
                image.topic(name).ifPresent(t -> topics.put(name,
                        new AbstractMap.SimpleImmutableEntry<>(t.id(), t.partitions().size())));
            }
        }
        return topics;
    }

    /** The names of the existing topics a member subscribes to, by name or by regular expression. */
    private static Set<String> resolve(ConsumerMember m, MetadataImage image) {
        Set<String> names = new HashSet<>(m.subscribedTopicNames);
        m.subscribedTopicRegex.ifPresent(regex -> {
            Pattern pattern = Pattern.compile(regex);
            image.topicsByName().keySet().stream().filter(n -> !TopicNames.isInternal(n))
                    .filter(n -> pattern.matcher(n).matches()).forEach(names::add);
        });
        return names;
    }

    private void computeTarget(ConsumerProtocolGroup cg, MetadataImage image,
                               Map<String, Map.Entry<Uuid, Integer>> topics) {
        Map<String, Set<Uuid>> subscriptions = new HashMap<>();
        for (ConsumerMember m : cg.members.values()) {
            subscriptions.put(m.memberId, resolve(m, image).stream().map(topics::get).filter(Objects::nonNull)
                    .map(Map.Entry::getKey).collect(Collectors.toSet()));
        }
        Map<Uuid, Integer> counts = new HashMap<>();
        topics.values().forEach(e -> counts.put(e.getKey(), e.getValue()));
        ServerAssignor assignor = assignors.get(chooseAssignor(cg.members.values()));
        cg.target = new HashMap<>(assignor.assign(new ServerAssignor.Input(subscriptions, cg.target, counts)));
        cg.assignorName = assignor.name();
        cg.assignmentEpoch = cg.groupEpoch;
        cg.subscribedTopics = topics;
        log.debug("Consumer group target assignment at epoch {} with {}: {}", cg.groupEpoch, assignor.name(),
                cg.target);
    }

    /** The assignor most members ask for; {@code uniform} (Kafka's default) when none asks. */
    private static String chooseAssignor(Collection<ConsumerMember> members) {
        Map<String, Long> votes = members.stream().flatMap(m -> m.serverAssignor.stream())
                .collect(Collectors.groupingBy(a -> a, Collectors.counting()));
        return votes.entrySet().stream().max(Map.Entry.<String, Long>comparingByValue()
                        .thenComparing(Map.Entry.comparingByKey()))
                .map(Map.Entry::getKey).orElse("uniform");
    }

    private void remove(ClassicGroup group, ConsumerProtocolGroup cg, ConsumerMember member, String reason) {
        cg.members.remove(member.memberId);
        member.instanceId.ifPresent(id -> cg.staticMembers.remove(id, member.memberId));
        cg.target.remove(member.memberId);
        cg.groupEpoch++;
        MetadataImage image = quorum.image();
        computeTarget(cg, image, subscribedTopics(cg, image));
        group.stateTimestamp = System.currentTimeMillis();
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
        long now = System.nanoTime();
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

    /** Topic names of the group's subscriptions; for OffsetDelete. Under the group lock. */
    Set<String> subscribedTopicNames(ConsumerProtocolGroup cg) {
        return subscribedTopics(cg, quorum.image()).keySet();
    }

    /** The topic name of an id, for ConsumerGroupDescribe. */
    Optional<String> topicName(Uuid id) {
        return quorum.image().topic(id).map(TopicImage::name);
    }
}
