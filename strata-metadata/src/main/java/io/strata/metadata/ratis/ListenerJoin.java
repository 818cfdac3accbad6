package io.strata.metadata.ratis;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.SetConfigurationRequest;
import org.apache.ratis.server.RaftConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a node that is not a voter becomes a Ratis listener of the metadata quorum: it asks the leader (through its
 * Raft client, which finds it) to add it to the configuration as a listener with its address, in
 * {@link SetConfigurationRequest.Mode#ADD} mode so that concurrent joins of other nodes are kept. Ratis answers at
 * once, writing nothing, when the configuration already has the node as a listener (a restart), and otherwise once
 * the new configuration is committed, after the leader has brought the node's log up to date.
 *
 * <p>Stateless and thread-safe.
 */
public final class ListenerJoin {

    private static final Logger log = LoggerFactory.getLogger(ListenerJoin.class);
    private static final long RETRY_PAUSE_MS = 100;

    private ListenerJoin() {
    }

    /**
     * Adds this node to the quorum's configuration as a listener, retrying (another reconfiguration in progress,
     * no leader yet) until {@code timeout}.
     *
     * @throws java.util.concurrent.TimeoutException if the quorum did not take the node within {@code timeout}
     */
    public static void join(RaftClient client, int nodeId, InetSocketAddress address, Duration timeout)
            throws java.util.concurrent.TimeoutException {
        SetConfigurationRequest.Arguments add = SetConfigurationRequest.Arguments.newBuilder()
                .setServersInNewConf(List.of()) // ADD keeps the current voters
                .setListenersInNewConf(List.of(RaftSetup.listenerPeer(nodeId, address)))
                .setMode(SetConfigurationRequest.Mode.ADD)
                .build();
        long deadline = System.nanoTime() + timeout.toNanos();
        Exception last = null;
        while (System.nanoTime() < deadline) {
            try {
                RaftClientReply reply = client.admin().setConfiguration(add);
                if (reply.isSuccess()) {
                    log.info("Node {} follows the metadata log as a listener at {}", nodeId,
                            RaftSetup.hostPort(address));
                    return;
                }
                last = reply.getException();
            } catch (IOException e) {
                last = e;
            }
            log.debug("Node {} not yet added as a metadata listener: {}", nodeId, String.valueOf(last));
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(RETRY_PAUSE_MS));
        }
        java.util.concurrent.TimeoutException timedOut = new java.util.concurrent.TimeoutException("Node " + nodeId
                + " could not join the metadata quorum as a listener within " + timeout);
        if (last != null) {
            timedOut.initCause(last);
        }
        throw timedOut;
    }

    /**
     * The address {@code configuration} records for listener {@code nodeId}, if it has the node as a listener.
     */
    public static Optional<String> recordedAddress(RaftConfiguration configuration, int nodeId) {
        RaftPeer peer = configuration.getPeer(RaftSetup.peerId(nodeId), RaftPeerRole.LISTENER);
        return Optional.ofNullable(peer).map(RaftPeer::getAddress);
    }
}
