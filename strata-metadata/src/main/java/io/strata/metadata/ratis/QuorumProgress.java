package io.strata.metadata.ratis;

import io.strata.metadata.QuorumStatus;
import io.strata.metadata.QuorumStatus.ReplicaProgress;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.proto.RaftProtos.RoleInfoProto;
import org.apache.ratis.proto.RaftProtos.ServerRpcProto;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.DivisionInfo;
import org.apache.ratis.server.RaftConfiguration;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;

/**
 * Reads the metadata quorum's replication progress from the Ratis leader ({@link QuorumStatus}), and carries it from
 * the leader to the node that asked as a state machine query reply. Voters are the configuration's followers (and
 * the leader); observers are its Ratis listeners, which the leader replicates to like followers but never counts.
 *
 * <p>Ratis gives the followers' match indexes only as an array in the order of the leader's follower list
 * ({@link DivisionInfo#getFollowerMatchIndices()}), the same order as the follower entries of its role info; the two
 * are read one after the other, so if their sizes differ (a configuration change in between) the followers' end
 * offsets are reported unknown rather than attributed to the wrong node.
 *
 * <p>Stateless and thread-safe.
 */
public final class QuorumProgress {

    private QuorumProgress() {
    }

    /** The quorum's progress as this node sees it; empty unless this node is the Ratis leader. */
    public static Optional<QuorumStatus> read(RaftServer.Division division, long nowMs) {
        DivisionInfo info = division.getInfo();
        RoleInfoProto role = info.getRoleInfoProto();
        long[] matchIndices = info.getFollowerMatchIndices();
        OptionalInt self = RaftSetup.nodeId(division.getId());
        if (!info.isLeader() || !role.hasLeaderInfo() || matchIndices == null || self.isEmpty()) {
            return Optional.empty();
        }
        TermIndex last = division.getRaftLog().getLastEntryTermIndex();
        long leaderEnd = last == null ? 0 : last.getIndex() + 1;
        List<ServerRpcProto> followers = role.getLeaderInfo().getFollowerInfoList();
        boolean aligned = followers.size() == matchIndices.length;
        Map<Integer, ReplicaProgress> progress = new HashMap<>();
        progress.put(self.getAsInt(), new ReplicaProgress(self.getAsInt(), leaderEnd, OptionalLong.of(nowMs),
                OptionalLong.of(nowMs)));
        for (int i = 0; i < followers.size(); i++) {
            OptionalInt id = RaftSetup.nodeId(RaftPeerId.valueOf(followers.get(i).getId().getId()));
            if (id.isEmpty()) {
                continue;
            }
            long lastFetch = nowMs - followers.get(i).getLastRpcElapsedTimeMs();
            long end = aligned && matchIndices[i] >= 0 ? matchIndices[i] + 1 : -1;
            OptionalLong caughtUp = end >= leaderEnd ? OptionalLong.of(lastFetch) : OptionalLong.empty();
            progress.put(id.getAsInt(), new ReplicaProgress(id.getAsInt(), end, OptionalLong.of(lastFetch),
                    caughtUp));
        }
        RaftConfiguration conf = division.getRaftConf();
        return Optional.of(new QuorumStatus(self.getAsInt(), (int) info.getCurrentTerm(),
                division.getRaftLog().getLastCommittedIndex() + 1,
                replicas(conf.getCurrentPeers(RaftPeerRole.FOLLOWER), progress),
                replicas(conf.getCurrentPeers(RaftPeerRole.LISTENER), progress)));
    }

    /** The progress of {@code peers}, by node id; unknown (-1, no timestamps) where the leader has none yet. */
    private static List<ReplicaProgress> replicas(Collection<RaftPeer> peers, Map<Integer, ReplicaProgress> progress) {
        List<ReplicaProgress> replicas = new ArrayList<>();
        for (RaftPeer peer : peers) {
            RaftSetup.nodeId(peer.getId()).ifPresent(id -> replicas.add(progress.getOrDefault(id,
                    new ReplicaProgress(id, -1, OptionalLong.empty(), OptionalLong.empty()))));
        }
        replicas.sort((a, b) -> Integer.compare(a.nodeId(), b.nodeId()));
        return replicas;
    }

    /** The status as query reply bytes. */
    public static byte[] encode(QuorumStatus status) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(status.leaderId());
            out.writeInt(status.leaderEpoch());
            out.writeLong(status.highWatermark());
            writeReplicas(out, status.voters());
            writeReplicas(out, status.observers());
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array stream does not fail
        }
        return bytes.toByteArray();
    }

    /** The status from {@link #encode} bytes. */
    public static QuorumStatus decode(ByteBuffer in) {
        int leaderId = in.getInt();
        int leaderEpoch = in.getInt();
        long highWatermark = in.getLong();
        List<ReplicaProgress> voters = readReplicas(in);
        List<ReplicaProgress> observers = readReplicas(in);
        return new QuorumStatus(leaderId, leaderEpoch, highWatermark, voters, observers);
    }

    private static void writeReplicas(DataOutputStream out, List<ReplicaProgress> replicas) throws IOException {
        out.writeInt(replicas.size());
        for (ReplicaProgress r : replicas) {
            out.writeInt(r.nodeId());
            out.writeLong(r.logEndOffset());
            out.writeLong(r.lastFetchTimestamp().orElse(-1));
            out.writeLong(r.lastCaughtUpTimestamp().orElse(-1));
        }
    }

    private static List<ReplicaProgress> readReplicas(ByteBuffer in) {
        int count = in.getInt();
        List<ReplicaProgress> replicas = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            replicas.add(new ReplicaProgress(in.getInt(), in.getLong(), optional(in.getLong()),
                    optional(in.getLong())));
        }
        return replicas;
    }

    private static OptionalLong optional(long timestamp) {
        return timestamp < 0 ? OptionalLong.empty() : OptionalLong.of(timestamp);
    }
}
