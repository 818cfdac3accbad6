package io.strata.server.coordinator.group;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.Uuid;

/**
 * A member of a KIP-848 consumer group: its subscription, epochs and current assignment as the coordinator
 * reconciles it towards the group's target assignment. Mutable; guarded by its group's lock.
 */
final class ConsumerMember {

    /** Where the member stands in reconciling its assignment with the target. */
    enum State {
        /** At the assignment epoch, owning everything the target gives it. */
        STABLE,
        /** Must first revoke partitions it owns but the target gives to others. */
        UNREVOKED_PARTITIONS,
        /** At the assignment epoch, waiting for partitions other members still have to release. */
        UNRELEASED_PARTITIONS
    }

    final String memberId;
    Optional<String> instanceId = Optional.empty();
    Optional<String> rackId = Optional.empty();
    String clientId = "";
    String clientHost = "";
    List<String> subscribedTopicNames = List.of();
    Optional<String> subscribedTopicRegex = Optional.empty();
    Optional<String> serverAssignor = Optional.empty();
    int rebalanceTimeoutMs;
    int memberEpoch;
    int previousMemberEpoch = -1;
    State state = State.STABLE;
    /** Partitions the member owns (may use), by topic id. */
    Map<Uuid, Set<Integer>> assigned = new HashMap<>();
    /** Partitions the member must give up before it may advance its epoch. */
    Map<Uuid, Set<Integer>> pendingRevocation = new HashMap<>();
    /** Time.nanoseconds() after which the member is fenced unless it heartbeats. */
    long sessionDeadlineNanos;
    /** While UNREVOKED_PARTITIONS: Time.nanoseconds() by which it must have revoked. */
    long revocationDeadlineNanos;
    /** A static member that left with epoch -2: kept (with its partitions) until it returns or its session ends. */
    boolean leftTemporarily;

    ConsumerMember(String memberId) {
        this.memberId = memberId;
    }
}
