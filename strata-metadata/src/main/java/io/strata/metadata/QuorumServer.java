package io.strata.metadata;

import io.strata.metadata.ratis.MetadataStateMachine;
import io.strata.metadata.ratis.PeerLiveness;
import io.strata.metadata.ratis.RaftSetup;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Stream;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftConfiguration;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.storage.RaftStorage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's Raft server of the metadata quorum (a voter, or a listener for a broker-only node) applying the log
 * to the {@link MetadataStateMachine}, and what it knows of the quorum: whether a leader is known, whether it is the
 * leader, when it last heard from each peer, and where each peer is.
 *
 * <p>Lifecycle: construct, {@link #start}, {@link #close}. Thread-safe.
 */
final class QuorumServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(QuorumServer.class);

    private final RaftServer server;

    /**
     * Builds the server on the existing (or a new) log under {@link QuorumConfig#metadataDir()}, recovering it.
     *
     * @throws IOException if the log cannot be opened
     */
    QuorumServer(QuorumConfig config, RatisOptions options, RaftPeerId selfId, RaftGroup group,
                 MetadataStateMachine stateMachine) throws IOException {
        this.server = RaftServer.newBuilder()
                .setServerId(selfId)
                .setGroup(group)
                .setProperties(RaftSetup.serverProperties(config, options))
                .setStateMachine(stateMachine)
                .setOption(RaftStorage.StartupOption.RECOVER)
                .build();
    }

    /** Binds the server's port and joins the group; close it after a failure. */
    void start() throws IOException {
        server.start();
    }

    /** Whether this node knows the current Raft leader (itself or another voter). */
    boolean leaderKnown() {
        try {
            return server.getDivision(RaftSetup.GROUP_ID).getInfo().getLeaderId() != null;
        } catch (IOException e) {
            return false;
        }
    }

    /** Whether this node is currently the Raft leader (the active controller). */
    boolean isLeader() {
        try {
            return server.getDivision(RaftSetup.GROUP_ID).getInfo().isLeader();
        } catch (IOException e) {
            return false;
        }
    }

    /** When this node last heard from each voter and listener, if it is the Ratis leader ({@link PeerLiveness}). */
    Optional<Map<Integer, Long>> sinceHeardMs(int selfNodeId) {
        return PeerLiveness.sinceHeardMs(server, selfNodeId);
    }

    /**
     * The Raft address of a node, voter or listener, as the current Raft configuration has it (a listener's address
     * is known only from there); empty when the configuration does not name it.
     */
    Optional<InetSocketAddress> peerAddress(int nodeId) {
        try {
            RaftConfiguration conf = server.getDivision(RaftSetup.GROUP_ID).getRaftConf();
            return Stream.concat(conf.getCurrentPeers(RaftPeerRole.FOLLOWER).stream(),
                            conf.getCurrentPeers(RaftPeerRole.LISTENER).stream())
                    .filter(p -> RaftSetup.nodeId(p.getId()).equals(OptionalInt.of(nodeId))).findFirst()
                    .map(RaftPeer::getAddress).map(RaftSetup::parseHostPort);
        } catch (IOException | IllegalArgumentException e) {
            log.debug("No Raft address for node {}: {}", nodeId, e.toString());
            return Optional.empty();
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
