package io.strata.metadata.ratis;

import io.strata.metadata.QuorumConfig;
import io.strata.metadata.RatisOptions;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.RaftConfigKeys;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.rpc.SupportedRpcType;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.util.SizeInBytes;
import org.apache.ratis.util.TimeDuration;

/**
 * How Strata maps its quorum configuration onto Ratis: the fixed group id, peer ids and the server and client
 * properties. Stateless.
 */
public final class RaftSetup {

    /** The one Raft group of a Strata cluster; fixed so that every node derives the same id. */
    public static final RaftGroupId GROUP_ID =
            RaftGroupId.valueOf(UUID.nameUUIDFromBytes("strata-cluster-metadata".getBytes(StandardCharsets.UTF_8)));

    private static final String PEER_PREFIX = "node-";
    private static final char LISTENER_SEPARATOR = '_';
    private static final Duration FIRST_ELECTION_TIMEOUT_MIN = Duration.ofMillis(50);
    private static final Duration FIRST_ELECTION_TIMEOUT_MAX = Duration.ofMillis(200);

    private RaftSetup() {
    }

    public static RaftPeerId peerId(int nodeId) {
        return RaftPeerId.valueOf(PEER_PREFIX + nodeId);
    }

    /**
     * The peer id of a listener: its node id and a digest of its address. Ratis servers keep the first address they
     * learn for a peer id for as long as they run, so a listener whose address changed must join under a new id.
     */
    public static RaftPeerId listenerPeerId(int nodeId, InetSocketAddress address) {
        return RaftPeerId.valueOf(PEER_PREFIX + nodeId + LISTENER_SEPARATOR
                + Integer.toHexString(hostPort(address).hashCode()));
    }

    /** The node id of a peer id made by {@link #peerId} or {@link #listenerPeerId}; empty for any other peer id. */
    public static OptionalInt nodeId(RaftPeerId peerId) {
        String id = peerId.toString();
        if (!id.startsWith(PEER_PREFIX)) {
            return OptionalInt.empty();
        }
        int end = id.indexOf(LISTENER_SEPARATOR, PEER_PREFIX.length());
        try {
            return OptionalInt.of(Integer.parseInt(id.substring(PEER_PREFIX.length(), end < 0 ? id.length() : end)));
        } catch (NumberFormatException e) {
            return OptionalInt.empty();
        }
    }

    /** The voters as a Raft group, ordered by node id. */
    public static RaftGroup group(Map<Integer, InetSocketAddress> voters) {
        return RaftGroup.valueOf(GROUP_ID, voterPeers(voters));
    }

    /**
     * The group a node that is not a voter starts its Raft server with: the voters and itself as a listener
     * ({@link RaftPeerRole#LISTENER}), so that it never starts an election. The quorum's committed configuration,
     * once this node is part of it, replaces this one.
     */
    public static RaftGroup listenerGroup(Map<Integer, InetSocketAddress> voters, int selfNodeId,
                                          InetSocketAddress self) {
        List<RaftPeer> peers = new ArrayList<>(voterPeers(voters));
        peers.add(listenerPeer(selfNodeId, self));
        return RaftGroup.valueOf(GROUP_ID, peers);
    }

    /** A listener peer ({@link #listenerPeerId}): follows the log, never votes, never leads. */
    public static RaftPeer listenerPeer(int nodeId, InetSocketAddress address) {
        return RaftPeer.newBuilder().setId(listenerPeerId(nodeId, address)).setAddress(hostPort(address))
                .setStartupRole(RaftPeerRole.LISTENER).build();
    }

    /** {@code host:port} as Ratis keeps peer addresses. */
    public static String hostPort(InetSocketAddress address) {
        return address.getHostString() + ":" + address.getPort();
    }

    /** The address of a {@link #hostPort} string (unresolved, so that a host whose address changes is followed). */
    public static InetSocketAddress parseHostPort(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("Not host:port: " + hostPort);
        }
        return InetSocketAddress.createUnresolved(hostPort.substring(0, colon),
                Integer.parseInt(hostPort.substring(colon + 1)));
    }

    private static List<RaftPeer> voterPeers(Map<Integer, InetSocketAddress> voters) {
        return new TreeMap<>(voters).entrySet().stream()
                .map(e -> RaftPeer.newBuilder().setId(peerId(e.getKey())).setAddress(hostPort(e.getValue())).build())
                .toList();
    }

    /** Properties of this node's Raft server. */
    public static RaftProperties serverProperties(QuorumConfig config, RatisOptions options) {
        InetSocketAddress self = config.raftBindAddress();
        RaftProperties p = common(config, options);
        RaftServerConfigKeys.setStorageDir(p, List.of(config.metadataDir().toFile()));
        if (self.isUnresolved() || !self.getAddress().isAnyLocalAddress()) {
            GrpcConfigKeys.Server.setHost(p, self.getHostString()); // left unset, Ratis binds every interface
        }
        GrpcConfigKeys.Server.setPort(p, self.getPort());

        RaftServerConfigKeys.Rpc.setTimeoutMin(p, millis(options.electionTimeoutMin()));
        RaftServerConfigKeys.Rpc.setTimeoutMax(p, millis(options.electionTimeoutMax()));
        // a starting node (in particular a single voter) elects quickly; pre-vote keeps a restarting voter from
        // disturbing a healthy leader
        RaftServerConfigKeys.Rpc.setFirstElectionTimeoutMin(p, millis(FIRST_ELECTION_TIMEOUT_MIN));
        RaftServerConfigKeys.Rpc.setFirstElectionTimeoutMax(p, millis(FIRST_ELECTION_TIMEOUT_MAX));
        RaftServerConfigKeys.LeaderElection.setPreVote(p, true);
        RaftServerConfigKeys.Read.setOption(p, RaftServerConfigKeys.Read.Option.LINEARIZABLE);

        RaftServerConfigKeys.Snapshot.setAutoTriggerEnabled(p, true);
        RaftServerConfigKeys.Snapshot.setAutoTriggerThreshold(p, options.snapshotThreshold());
        RaftServerConfigKeys.Snapshot.setCreationGap(p, Math.min(1024, Math.max(1, options.snapshotThreshold())));
        RaftServerConfigKeys.Snapshot.setRetentionFileNum(p, 2);
        RaftServerConfigKeys.Log.setPurgeUptoSnapshotIndex(p, true);
        RaftServerConfigKeys.Log.setPurgeGap(p, (int) Math.min(1024, Math.max(1, options.snapshotThreshold())));

        SizeInBytes entryMax = SizeInBytes.valueOf(options.maxEntryBytes());
        RaftServerConfigKeys.Log.setSegmentSizeMax(p, SizeInBytes.valueOf(2L * options.maxEntryBytes()));
        RaftServerConfigKeys.Log.Appender.setBufferByteLimit(p, entryMax);
        RaftServerConfigKeys.Log.setWriteBufferSize(p, SizeInBytes.valueOf(options.maxEntryBytes() + (64 << 10)));
        return p;
    }

    /** Properties of this node's Raft client (its write path into the log). */
    public static RaftProperties clientProperties(QuorumConfig config, RatisOptions options) {
        RaftProperties p = common(config, options);
        // One attempt may wait only about as long as an election takes: a leader that stops answering but keeps its
        // connections (SIGSTOP, a long pause) must not hold a write for the whole request timeout before the client
        // tries the other peers and finds the new leader. Retries keep the call id, so a slow commit is not doubled.
        RaftClientConfigKeys.Rpc.setRequestTimeout(p, millis(attemptTimeout(config, options)));
        return p;
    }

    /** The timeout of one client attempt: twice the longest election timeout, within the request timeout. */
    static Duration attemptTimeout(QuorumConfig config, RatisOptions options) {
        Duration twoElections = options.electionTimeoutMax().multipliedBy(2);
        return twoElections.compareTo(config.requestTimeout()) < 0 ? twoElections : config.requestTimeout();
    }

    private static RaftProperties common(QuorumConfig config, RatisOptions options) {
        RaftProperties p = new RaftProperties();
        RaftConfigKeys.Rpc.setType(p, SupportedRpcType.GRPC);
        // leave room for the gRPC framing around the largest entry
        GrpcConfigKeys.setMessageSizeMax(p, SizeInBytes.valueOf(options.maxEntryBytes() + (4 << 20)));
        return p;
    }

    static TimeDuration millis(Duration d) {
        return TimeDuration.valueOf(d.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Fails early with a {@link BindException} if the controller address cannot be bound: Ratis' gRPC
     * server would otherwise terminate the JVM itself.
     */
    public static void checkBindable(InetSocketAddress address) throws IOException {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(address.isUnresolved() ? new InetSocketAddress(address.getHostString(), address.getPort())
                    : address);
        } catch (IOException e) {
            throw new BindException("Cannot bind the metadata quorum (CONTROLLER) address " + address + ": "
                    + e.getMessage());
        }
    }
}
