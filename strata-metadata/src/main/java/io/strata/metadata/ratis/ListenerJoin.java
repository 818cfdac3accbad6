package io.strata.metadata.ratis;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.proto.RaftProtos.RaftConfigurationProto;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.protocol.GroupInfoReply;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.SetConfigurationRequest;
import org.apache.ratis.util.FileUtils;
import org.apache.ratis.util.ProtoUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a node that is not a voter becomes a Ratis listener of the metadata quorum.
 *
 * <p>It reads the configuration from the Raft leader and, unless the configuration already has it (a restart),
 * replaces it there with a compare-and-set: the voters stay, the other listeners stay, any earlier entry of the same
 * node id (an old address) goes, and this node's peer is added. Ratis commits the new configuration once the leader
 * has brought the node's log up to date. A compare-and-set that loses to another node's change (two brokers joining
 * at once) is read and tried again.
 *
 * <p>A listener's peer id carries a digest of its address ({@link RaftSetup#listenerPeerId}): Ratis servers keep
 * the first address they learn for a peer id, so a new address needs a new id. The local log of the old id is
 * discarded first ({@link #prepareStorage}): a listener never votes, so its log is only a copy of the leader's,
 * which the leader sends again.
 *
 * <p>Stateless and thread-safe.
 */
public final class ListenerJoin {

    private static final Logger log = LoggerFactory.getLogger(ListenerJoin.class);
    private static final long RETRY_PAUSE_MS = 100;
    /** The file in the metadata directory naming the peer id the local Raft log belongs to. */
    static final String PEER_ID_FILE = "raft-listener-id";

    private ListenerJoin() {
    }

    /**
     * Discards the local Raft log and snapshots under {@code metadataDir} if they belong to another peer id of this
     * node (its address changed), and records {@code self} as their owner. Call before the Raft server starts.
     */
    public static void prepareStorage(Path metadataDir, RaftPeerId self) throws IOException {
        Path idFile = metadataDir.resolve(PEER_ID_FILE);
        Path groupDir = metadataDir.resolve(RaftSetup.GROUP_ID.getUuid().toString());
        if (Files.exists(idFile)) {
            String previous = Files.readString(idFile, StandardCharsets.UTF_8).trim();
            if (previous.equals(self.toString())) {
                return;
            }
            if (Files.exists(groupDir)) {
                log.info("The metadata listener address changed ({} -> {}): discarding the local copy of the "
                        + "metadata log; the leader sends it again", previous, self);
                FileUtils.deleteFully(groupDir);
            }
        }
        Files.createDirectories(metadataDir);
        Path tmp = metadataDir.resolve(PEER_ID_FILE + ".tmp");
        Files.writeString(tmp, self.toString(), StandardCharsets.UTF_8);
        Files.move(tmp, idFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /**
     * Makes {@code self} a listener of the quorum, retrying (no leader yet, a concurrent configuration change)
     * until {@code timeout}.
     *
     * @param asker  the client that asks the voters for the leader's configuration (best without retries: a voter
     *               that is down is skipped)
     * @param writer the client that writes the configuration change (through the leader, which it finds)
     * @param voters the voters' peer ids, asked in turn for the leader's configuration
     * @throws java.util.concurrent.TimeoutException if the quorum did not take the node within {@code timeout}
     */
    public static void join(RaftClient asker, RaftClient writer, Collection<RaftPeerId> voters, RaftPeer self,
                            Duration timeout)
            throws java.util.concurrent.TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Object last = "no leader answered";
        while (System.nanoTime() < deadline) {
            Optional<RaftConfigurationProto> conf = leaderConfiguration(asker, voters);
            if (conf.isPresent() && conf.get().getOldPeersList().isEmpty()) {
                List<RaftPeer> servers = ProtoUtils.toRaftPeers(conf.get().getPeersList());
                List<RaftPeer> listeners = ProtoUtils.toRaftPeers(conf.get().getListenersList());
                Optional<List<RaftPeer>> replaced = listenersWith(listeners, self);
                if (replaced.isEmpty()) {
                    log.info("Node {} follows the metadata log as a listener at {}", self.getId(),
                            self.getAddress());
                    return;
                }
                try {
                    RaftClientReply reply = writer.admin().setConfiguration(SetConfigurationRequest.Arguments
                            .newBuilder()
                            .setServersInCurrentConf(servers).setListenersInCurrentConf(listeners)
                            .setServersInNewConf(servers).setListenersInNewConf(replaced.get())
                            .setMode(SetConfigurationRequest.Mode.COMPARE_AND_SET)
                            .build());
                    if (reply.isSuccess()) {
                        continue; // read the configuration again: done if it has this node now
                    }
                    last = reply.getException();
                } catch (IOException e) {
                    last = e;
                }
            } else if (conf.isPresent()) {
                last = "a configuration change is in progress";
            }
            log.debug("Node {} not yet a metadata listener: {}", self.getId(), last);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(RETRY_PAUSE_MS));
        }
        java.util.concurrent.TimeoutException timedOut = new java.util.concurrent.TimeoutException("Node "
                + self.getId() + " could not join the metadata quorum as a listener within " + timeout + ": "
                + last);
        if (last instanceof Throwable cause) {
            timedOut.initCause(cause);
        }
        throw timedOut;
    }

    /**
     * The listeners with {@code self} in place of any entry of the same node id; empty if they already have
     * {@code self} exactly (same id and address) and no other entry of its node.
     */
    static Optional<List<RaftPeer>> listenersWith(List<RaftPeer> listeners, RaftPeer self) {
        OptionalInt nodeId = RaftSetup.nodeId(self.getId());
        List<RaftPeer> sameNode = listeners.stream().filter(p -> RaftSetup.nodeId(p.getId()).equals(nodeId))
                .toList();
        if (sameNode.size() == 1 && sameNode.getFirst().getId().equals(self.getId())
                && sameNode.getFirst().getAddress().equals(self.getAddress())) {
            return Optional.empty();
        }
        List<RaftPeer> replaced = new ArrayList<>(Stream.concat(
                listeners.stream().filter(p -> !sameNode.contains(p)), Stream.of(self)).toList());
        replaced.sort(Comparator.comparing(p -> p.getId().toString()));
        return Optional.of(replaced);
    }

    /** The configuration as the Raft leader has it, asking each voter until the leader answers. */
    private static Optional<RaftConfigurationProto> leaderConfiguration(RaftClient client,
                                                                       Collection<RaftPeerId> voters) {
        for (RaftPeerId voter : voters) {
            try {
                GroupInfoReply info = client.getGroupManagementApi(voter).info(RaftSetup.GROUP_ID);
                if (info.isSuccess() && info.getRoleInfoProto().getRole() == RaftPeerRole.LEADER) {
                    return info.getConf();
                }
            } catch (IOException | RuntimeException e) {
                log.debug("Voter {} did not describe the metadata group: {}", voter, e.toString());
            }
        }
        return Optional.empty();
    }
}
