package io.strata.server.coordinator.group;

import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.SyncGroupResponseData;

/**
 * A member of a classic group. Mutable; guarded by its group's lock.
 */
final class Member {

    /** One protocol (assignor) the member supports, with its subscription metadata. */
    record Protocol(String name, byte[] metadata) {
    }

    /** Where a parked JoinGroup request finds its response; completed under the group lock. */
    static final class PendingJoin {
        JoinGroupResponseData response;
    }

    /** Where a parked SyncGroup request finds its response; completed under the group lock. */
    static final class PendingSync {
        SyncGroupResponseData response;
    }

    final String memberId;
    Optional<String> instanceId;
    String clientId;
    String clientHost;
    int rebalanceTimeoutMs;
    int sessionTimeoutMs;
    String protocolType;
    List<Protocol> protocols;
    byte[] assignment = new byte[0];
    /** Set while the member's JoinGroup waits for the rebalance to complete. */
    PendingJoin pendingJoin;
    /** Set while the member's SyncGroup waits for the leader's assignment. */
    PendingSync pendingSync;
    /** Time.nanoseconds() after which the member's session has expired unless it heartbeats. */
    long sessionDeadlineNanos;

    Member(String memberId, Optional<String> instanceId, String clientId, String clientHost, int rebalanceTimeoutMs,
           int sessionTimeoutMs, String protocolType, List<Protocol> protocols) {
        this.memberId = memberId;
        this.instanceId = instanceId;
        this.clientId = clientId;
        this.clientHost = clientHost;
        this.rebalanceTimeoutMs = rebalanceTimeoutMs;
        this.sessionTimeoutMs = sessionTimeoutMs;
        this.protocolType = protocolType;
        this.protocols = protocols;
    }

    boolean awaitingJoin() {
        return pendingJoin != null;
    }

    /** The member's metadata for {@code protocol}, empty bytes if it does not support it. */
    byte[] metadata(String protocol) {
        return protocols.stream().filter(p -> p.name().equals(protocol)).map(Protocol::metadata).findFirst()
                .orElse(new byte[0]);
    }

    boolean supports(String protocol) {
        return protocols.stream().anyMatch(p -> p.name().equals(protocol));
    }

    /** Whether the protocols equal the given ones, name by name and metadata byte by byte. */
    boolean sameProtocols(List<Protocol> other) {
        if (other.size() != protocols.size()) {
            return false;
        }
        for (int i = 0; i < other.size(); i++) {
            if (!other.get(i).name().equals(protocols.get(i).name())
                    || !java.util.Arrays.equals(other.get(i).metadata(), protocols.get(i).metadata())) {
                return false;
            }
        }
        return true;
    }

    void touch(long nowNanos) {
        sessionDeadlineNanos = nowNanos + sessionTimeoutMs * 1_000_000L;
    }
}
