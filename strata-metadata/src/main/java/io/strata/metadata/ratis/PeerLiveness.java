package io.strata.metadata.ratis;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.proto.RaftProtos.RoleInfoProto;
import org.apache.ratis.proto.RaftProtos.ServerRpcProto;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;

/**
 * Broker liveness without extra writes: every node is a Ratis voter or listener, so the Ratis leader already knows
 * when it last had a reply from each of them (appends and heartbeats, every half election timeout): its follower
 * table lists listeners too, as it replicates to them like to followers. Ratis starts that clock when the leader
 * takes office, so a new leader does not see its followers as silent since long before.
 *
 * <p>Stateless and thread-safe.
 */
public final class PeerLiveness {

    private PeerLiveness() {
    }

    /**
     * Milliseconds since this node last heard from each voter and listener, by node id; this node itself is alive
     * by definition (0). Present only while this node is the Ratis leader: no other node knows.
     */
    public static Optional<Map<Integer, Long>> sinceHeardMs(RaftServer server, int selfNodeId) {
        RoleInfoProto role;
        try {
            role = server.getDivision(RaftSetup.GROUP_ID).getInfo().getRoleInfoProto();
        } catch (IOException e) {
            return Optional.empty(); // the group is not (or no longer) served here
        }
        if (role.getRole() != RaftPeerRole.LEADER || !role.hasLeaderInfo()) {
            return Optional.empty();
        }
        Map<Integer, Long> since = new HashMap<>();
        for (ServerRpcProto follower : role.getLeaderInfo().getFollowerInfoList()) {
            OptionalInt nodeId = RaftSetup.nodeId(RaftPeerId.valueOf(follower.getId().getId()));
            if (nodeId.isPresent()) {
                since.put(nodeId.getAsInt(), follower.getLastRpcElapsedTimeMs());
            }
        }
        since.put(selfNodeId, 0L);
        return Optional.of(since);
    }
}
