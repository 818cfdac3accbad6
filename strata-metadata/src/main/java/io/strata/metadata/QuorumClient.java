package io.strata.metadata;

import io.strata.metadata.ratis.ListenerJoin;
import io.strata.metadata.ratis.MetadataStateMachine;
import io.strata.metadata.ratis.QuorumProgress;
import io.strata.metadata.ratis.RaftSetup;
import java.io.IOException;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.retry.RetryPolicy;
import org.apache.ratis.util.TimeDuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's Raft client of the metadata quorum, which finds the leader itself and retries for the request
 * timeout, and what the node asks the quorum through it besides writes: to join as a listener, whether the local
 * state machine is current, the quorum's progress, a snapshot. A listener's client asks a voter first, since a
 * listener never leads.
 *
 * <p>Thread-safe.
 */
final class QuorumClient implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(QuorumClient.class);

    private final QuorumConfig config;
    private final RatisOptions options;
    private final RaftGroup group;
    private final RaftPeerId selfId;
    private final RaftClient client;

    QuorumClient(QuorumConfig config, RatisOptions options, RaftGroup group, RaftPeerId selfId) {
        this.config = config;
        this.options = options;
        this.group = group;
        this.selfId = selfId;
        long timeoutMs = Math.max(1000, config.requestTimeout().toMillis());
        int retries = (int) Math.max(10, timeoutMs / 50);
        this.client = newClient(RetryPolicies.retryUpToMaximumCountWithFixedSleep(retries,
                TimeDuration.valueOf(50, TimeUnit.MILLISECONDS)));
    }

    private RaftClient newClient(RetryPolicy retryPolicy) {
        RaftClient.Builder builder = RaftClient.newBuilder();
        if (!config.isVoter()) {
            // a listener never leads: ask a voter first, which knows or redirects to the leader
            builder.setLeaderId(RaftSetup.peerId(Collections.min(config.voters().keySet())));
        }
        return builder
                .setClientId(ClientId.randomId())
                .setRaftGroup(group)
                .setProperties(RaftSetup.clientProperties(config, options))
                .setRetryPolicy(retryPolicy)
                .build();
    }

    /** The Raft client itself, for the {@link Proposer}'s writes. */
    RaftClient raft() {
        return client;
    }

    /**
     * Makes this node a listener in the quorum's configuration (see {@link ListenerJoin}). The voters are asked for
     * the leader's configuration through a client that does not retry, so that a voter that is down costs one
     * refused connection, not the write client's retries. That client is closed in the background: gRPC waits
     * seconds for its channels to drain, which the start need not.
     */
    void joinAsListener() throws Exception {
        List<RaftPeerId> voterIds = config.voters().keySet().stream().sorted().map(RaftSetup::peerId).toList();
        RaftClient asker = newClient(RetryPolicies.noRetry());
        try {
            ListenerJoin.join(asker, client, voterIds, group.getPeer(selfId), options.startTimeout());
        } finally {
            Thread.ofVirtual().name("strata-listener-join-close").start(() -> {
                try {
                    asker.close();
                } catch (IOException e) {
                    log.debug("Closing the listener join client failed: {}", e.toString());
                }
            });
        }
    }

    /**
     * Linearizable read through this node: returns once the local state machine has caught up. The read is sent
     * only once this node knows a leader: before that it fails at once, and the Raft client then resets its
     * connection to this node, which costs seconds of gRPC channel shutdown.
     *
     * @param leaderKnown whether this node's Raft server knows a leader
     * @param closed      whether to give up because the node is closing
     * @throws TimeoutException if the state machine is not current within the start timeout
     */
    void awaitCurrent(BooleanSupplier leaderKnown, BooleanSupplier closed) throws Exception {
        long deadline = System.nanoTime() + options.startTimeout().toNanos();
        long nextLog = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        Exception last = null;
        while (System.nanoTime() < deadline && !closed.getAsBoolean()) {
            if (leaderKnown.getAsBoolean()) {
                try {
                    RaftClientReply reply = client.async()
                            .sendReadOnlyUnordered(MetadataStateMachine.APPLIED_INDEX_QUERY, selfId)
                            .get(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())),
                                    TimeUnit.MILLISECONDS);
                    if (reply.isSuccess()) {
                        return;
                    }
                    last = reply.getException();
                } catch (ExecutionException e) {
                    last = e;
                    log.debug("Metadata quorum not yet available: {}", e.getCause().toString());
                } catch (TimeoutException e) {
                    last = e;
                    break;
                }
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10)); // the node may still be electing a leader
            if (System.nanoTime() > nextLog) {
                log.info("Metadata quorum node {} waiting for the quorum: {}", config.nodeId(),
                        last == null ? "no leader known yet" : last.toString());
                nextLog = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            }
        }
        TimeoutException timeout = new TimeoutException("Metadata quorum did not become available within "
                + options.startTimeout());
        if (last != null) {
            timeout.initCause(last);
        }
        throw timeout;
    }

    /**
     * Asks the Ratis leader for the quorum's progress with a non-linearizable read: the answer is the leader's view
     * at that moment, with no log round trip.
     *
     * @return fails with {@link NotLeaderOrFollowerException} when no leader answers within the request timeout
     */
    CompletableFuture<QuorumStatus> describeQuorum() {
        return client.async().sendReadOnlyNonLinearizable(MetadataStateMachine.QUORUM_STATUS_QUERY)
                .orTimeout(config.requestTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .handle((reply, error) -> {
                    if (error == null && reply.isSuccess()) {
                        return QuorumProgress.decode(reply.getMessage().getContent().asReadOnlyByteBuffer());
                    }
                    Throwable cause = error != null ? error : reply.getException();
                    throw new CompletionException(new NotLeaderOrFollowerException(
                            "No metadata quorum leader answered: " + cause));
                });
    }

    /**
     * Has this node's state machine take a snapshot now (the log is then purged up to it).
     *
     * @return the log index the snapshot covers
     */
    long takeSnapshot() throws IOException {
        RaftClientReply reply = client.getSnapshotManagementApi(selfId).create(true,
                Math.max(1000, config.requestTimeout().toMillis()));
        if (!reply.isSuccess()) {
            throw reply.getException() != null ? reply.getException() : new IOException("snapshot failed");
        }
        return reply.getLogIndex();
    }

    @Override
    public void close() throws IOException {
        client.close();
    }
}
