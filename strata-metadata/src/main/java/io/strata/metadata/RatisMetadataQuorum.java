package io.strata.metadata;

import io.strata.metadata.controller.AclControl;
import io.strata.metadata.controller.ClientQuotaControl;
import io.strata.metadata.controller.ClusterIdControl;
import io.strata.metadata.controller.Controller;
import io.strata.metadata.controller.Decision;
import io.strata.metadata.controller.ElectionControl;
import io.strata.metadata.controller.FeatureControl;
import io.strata.metadata.controller.ReassignmentControl;
import io.strata.metadata.controller.ReplicaPlacer;
import io.strata.metadata.controller.ReplicationControl;
import io.strata.metadata.controller.ScramControl;
import io.strata.metadata.ratis.ListenerJoin;
import io.strata.metadata.ratis.MetadataStateMachine;
import io.strata.metadata.ratis.RaftSetup;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.random.RandomGenerator;
import org.apache.kafka.common.ElectionType;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.NotControllerException;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftPeerId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link MetadataQuorum} on Apache Ratis (gRPC): this node runs a Raft server (a voter, bound to its CONTROLLER
 * address from {@link QuorumConfig#voters()}) with a {@link MetadataStateMachine} ({@link QuorumServer}), and
 * writes through a Raft client that finds the leader itself ({@link QuorumClient}).
 *
 * <p>Writes: the {@link Controller} decides on the local image and a {@link Proposer} submits the records as one
 * entry, deciding again when another node's change won; the call completes once the entry is applied locally.
 *
 * <p>Failover: a {@link LivenessMonitor} checks, while this node is the Ratis leader (the active controller), when
 * each voter was last heard from ({@link QuorumServer#sinceHeardMs}), probes the silent ones, and writes the
 * fencing, unfencing and leader elections {@link ReplicationControl#reconcileLiveness} decides, if any. With
 * {@code auto.leader.rebalance.enable}, a {@link LeaderRebalancer} moves leadership back to preferred replicas.
 *
 * <p>Lifecycle: construct, optionally {@link #addListener}, {@link #start()}, use, {@link #close()}. Listeners
 * added before {@code start} also see the images recovered from disk.
 *
 * <p>Thread-safe.
 */
public final class RatisMetadataQuorum implements MetadataQuorum {

    private static final Logger log = LoggerFactory.getLogger(RatisMetadataQuorum.class);
    /** How long a liveness probe waits for a connection: loopback and LAN peers refuse within a millisecond. */
    private static final Duration PROBE_CONNECT_TIMEOUT = Duration.ofMillis(200);
    private static final RandomGenerator THREAD_LOCAL_RANDOM = () -> ThreadLocalRandom.current().nextLong();

    private final QuorumConfig config;
    private final RatisOptions options;
    private final MetadataStateMachine stateMachine;
    private final Controller controller;
    private final RaftPeerId selfId;
    private final RaftGroup group;
    private final ReentrantLock lifecycleLock = new ReentrantLock();
    /** Fences silent brokers and moves their leaderships; acts only while this node is the Ratis leader. */
    private final LivenessMonitor liveness;
    /** Moves leadership back to preferred replicas; acts only while this node is the Ratis leader. */
    private final LeaderRebalancer rebalancer;
    private final Proposer proposer;
    private volatile QuorumServer server;
    private volatile QuorumClient client;
    private volatile boolean closed;

    public RatisMetadataQuorum(QuorumConfig config) {
        this(config, RatisOptions.defaults());
    }

    public RatisMetadataQuorum(QuorumConfig config, RatisOptions options) {
        this.config = Objects.requireNonNull(config, "config");
        this.options = Objects.requireNonNull(options, "options");
        this.stateMachine = new MetadataStateMachine();
        this.controller = new Controller(new ReplicaPlacer(THREAD_LOCAL_RANDOM), Uuid::randomUuid);
        this.selfId = config.isVoter() ? RaftSetup.peerId(config.nodeId())
                : RaftSetup.listenerPeerId(config.nodeId(), config.raftAdvertisedAddress());
        this.group = config.isVoter() ? RaftSetup.group(config.voters())
                : RaftSetup.listenerGroup(config.voters(), config.nodeId(), config.raftAdvertisedAddress());
        this.proposer = new Proposer(stateMachine, () -> requireStarted().raft(), config.requestTimeout(),
                options.maxEntryBytes());
        this.liveness = new LivenessMonitor(this::sinceHeardMs, this::image,
                decider -> submit("brokerLiveness", decider),
                LivenessMonitor.tcpProbe(this::peerAddress, PROBE_CONNECT_TIMEOUT), config.brokerSessionTimeout(),
                config.livenessCheckInterval(), config.livenessCheckInterval());
        this.rebalancer = new LeaderRebalancer(config.leaderRebalance(), this::isLeader, this::image,
                decider -> submit("leaderRebalance", decider));
    }

    /**
     * Starts the Raft server on the existing (or a new) log under {@link QuorumConfig#metadataDir()} and blocks
     * until this node has applied everything committed before the call (a linearizable read through this node)
     * and the image has a cluster id: if the log has none yet, this node proposes {@link QuorumConfig#clusterId()}
     * and keeps whichever node's proposal committed first.
     *
     * @throws IOException if the Raft server cannot start (the process should exit)
     * @throws java.util.concurrent.TimeoutException if the image is not current, or has no cluster id, within the
     *         start timeout
     */
    @Override
    public void start() throws Exception {
        long begin = System.nanoTime();
        lifecycleLock.lock();
        try {
            if (closed || server != null) {
                throw new IllegalStateException(closed ? "closed" : "already started");
            }
            RaftSetup.checkBindable(config.raftBindAddress());
            if (!config.isVoter()) {
                ListenerJoin.prepareStorage(config.metadataDir(), selfId);
            }
            QuorumServer raftServer = new QuorumServer(config, options, selfId, group, stateMachine);
            server = raftServer;
            try {
                raftServer.start();
            } catch (IOException | RuntimeException e) {
                closeQuietly();
                throw e;
            }
            client = new QuorumClient(config, options, group, selfId);
            log.debug("Raft server of node {} started after {} ms", config.nodeId(),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin));
        } finally {
            lifecycleLock.unlock();
        }
        try {
            if (!config.isVoter()) {
                client.joinAsListener();
            }
            client.awaitCurrent(server::leaderKnown, () -> closed);
            awaitClusterId();
        } catch (Exception e) {
            close();
            throw e;
        }
        liveness.start();
        if (config.leaderRebalance().enabled()) {
            rebalancer.start();
        }
        log.info("Metadata quorum node {} started in {} ms at version {} (applied index {})", config.nodeId(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin), image().version(),
                stateMachine.getLastAppliedTermIndex());
    }

    /**
     * Makes sure the image has a cluster id, proposing this node's candidate if the log has none. The proposal is
     * decided again on the newer image if another node's committed first, and then proposes nothing.
     */
    private void awaitClusterId() throws Exception {
        if (image().hasClusterId()) {
            return;
        }
        log.info("The metadata log has no cluster id yet: node {} proposes {}", config.nodeId(), config.clusterId());
        long timeoutMs = options.startTimeout().toMillis();
        try {
            String agreed = submit("clusterId", image -> ClusterIdControl.claim(image, config.clusterId()))
                    .get(timeoutMs, TimeUnit.MILLISECONDS);
            log.info("Node {} is part of cluster {}", config.nodeId(), agreed);
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            java.util.concurrent.TimeoutException timeout = new java.util.concurrent.TimeoutException("Node "
                    + config.nodeId() + " could not agree a cluster id through the metadata quorum within "
                    + timeoutMs + " ms");
            timeout.initCause(e instanceof ExecutionException ? e.getCause() : e);
            throw timeout;
        }
    }

    @Override
    public MetadataImage image() {
        return stateMachine.image();
    }

    @Override
    public void addListener(BiConsumer<MetadataImage, MetadataImage> listener) {
        stateMachine.addListener(listener);
    }

    @Override
    public CompletableFuture<Void> registerBroker(BrokerRegistration registration) {
        return submit("registerBroker", image -> ReplicationControl.registerBroker(image, registration));
    }

    @Override
    public CompletableFuture<Map<String, TopicOutcome>> createTopics(List<NewTopic> topics, boolean validateOnly) {
        List<NewTopic> copy = List.copyOf(topics);
        return submit("createTopics", image -> controller.createTopics(image, copy, validateOnly));
    }

    @Override
    public CompletableFuture<Map<Uuid, TopicOutcome>> deleteTopics(List<Uuid> topicIds) {
        List<Uuid> copy = List.copyOf(topicIds);
        return submit("deleteTopics", image -> controller.deleteTopics(image, copy));
    }

    @Override
    public CompletableFuture<Map<String, TopicOutcome>> createPartitions(Map<String, Integer> newTotalCounts,
                                                                         boolean validateOnly) {
        Map<String, Integer> copy = Map.copyOf(newTotalCounts);
        return submit("createPartitions", image -> controller.createPartitions(image, copy, validateOnly));
    }

    @Override
    public CompletableFuture<Void> alterConfigs(ConfigResourceKey resource, Map<String, String> changes) {
        Map<String, String> copy = new java.util.HashMap<>(changes); // values may be null
        return submit("alterConfigs", image -> controller.alterConfigs(image, resource, copy));
    }

    @Override
    public CompletableFuture<List<Optional<ApiException>>> alterScramCredentials(
            List<ScramCredentialChange> changes) {
        List<ScramCredentialChange> copy = List.copyOf(changes);
        return submit("alterScramCredentials", image -> ScramControl.alter(image, copy));
    }

    @Override
    public CompletableFuture<List<Optional<ApiException>>> createAcls(List<AclBinding> bindings) {
        List<AclBinding> copy = List.copyOf(bindings);
        return submit("createAcls", image -> AclControl.create(image, copy, Uuid::randomUuid));
    }

    @Override
    public CompletableFuture<List<List<AclBinding>>> deleteAcls(List<AclBindingFilter> filters) {
        List<AclBindingFilter> copy = List.copyOf(filters);
        return submit("deleteAcls", image -> AclControl.delete(image, copy));
    }

    @Override
    public CompletableFuture<Void> alterClientQuotas(List<ClientQuotaChange> changes) {
        List<ClientQuotaChange> copy = List.copyOf(changes);
        return submit("alterClientQuotas", image -> ClientQuotaControl.alter(image, copy));
    }

    @Override
    public CompletableFuture<Map<String, Short>> finalizeFeatures(Map<String, Short> initialLevels) {
        Map<String, Short> copy = Map.copyOf(initialLevels);
        return submit("finalizeFeatures", image -> FeatureControl.finalizeMissing(image, copy));
    }

    @Override
    public CompletableFuture<Optional<ApiException>> updateFeatures(List<FeatureChange> changes,
                                                                    SupportedFeatures supported,
                                                                    boolean validateOnly) {
        List<FeatureChange> copy = List.copyOf(changes);
        return submit("updateFeatures", image -> FeatureControl.update(image, copy, supported, validateOnly));
    }

    @Override
    public CompletableFuture<ProducerIdBlock> allocateProducerIds(int brokerId) {
        return submit("allocateProducerIds", image -> controller.allocateProducerIds(image, brokerId));
    }

    @Override
    public CompletableFuture<PartitionImage> alterPartition(Uuid topicId, int partition, int leaderId,
                                                            int leaderEpoch, int partitionEpoch,
                                                            List<Integer> newIsr) {
        List<Integer> isr = List.copyOf(newIsr);
        return submit("alterPartition", image -> ReplicationControl.alterPartition(image, topicId, partition,
                leaderId, leaderEpoch, partitionEpoch, isr));
    }

    @Override
    public CompletableFuture<List<Optional<ApiException>>> alterPartitionReassignments(
            List<PartitionReassignment> reassignments, boolean allowReplicationFactorChange) {
        List<PartitionReassignment> copy = List.copyOf(reassignments);
        return submit("alterPartitionReassignments", image -> ReassignmentControl.alter(image, copy,
                allowReplicationFactorChange));
    }

    @Override
    public CompletableFuture<Void> controlledShutdown(int brokerId) {
        return submit("controlledShutdown", image -> ReplicationControl.controlledShutdown(image, brokerId));
    }

    @Override
    public CompletableFuture<Map<TopicPartition, Optional<ApiException>>> electLeaders(
            ElectionType type, Optional<List<TopicPartition>> partitions) {
        Optional<List<TopicPartition>> copy = partitions.map(List::copyOf);
        return submit("electLeaders", image -> ElectionControl.electLeaders(image, type, copy));
    }

    /** When this node last heard from each voter, if it is the Ratis leader (the only node that knows). */
    private Optional<Map<Integer, Long>> sinceHeardMs() {
        QuorumServer s = server;
        return s == null || closed ? Optional.empty() : s.sinceHeardMs(config.nodeId());
    }

    /**
     * The Raft address of a node, voter or listener, as the current Raft configuration has it (a listener's address
     * is known only from there); the static voter list until the server runs.
     */
    private Optional<InetSocketAddress> peerAddress(int nodeId) {
        QuorumServer s = server;
        Optional<InetSocketAddress> current = s == null || closed ? Optional.empty() : s.peerAddress(nodeId);
        return current.or(() -> Optional.ofNullable(config.voters().get(nodeId)));
    }

    /**
     * Takes a snapshot of this node's state machine now (the log is then purged up to it).
     *
     * @return the log index the snapshot covers
     */
    public long takeSnapshot() throws IOException {
        return requireStarted().takeSnapshot();
    }

    /** Whether this node is currently the Raft leader (the active controller). */
    public boolean isLeader() {
        QuorumServer s = server;
        return s != null && !closed && s.isLeader();
    }

    /**
     * Asks the Ratis leader (through this node's Raft client, which finds it) for the quorum's progress with a
     * non-linearizable read: the answer is the leader's view at that moment, with no log round trip.
     */
    @Override
    public CompletableFuture<QuorumStatus> describeQuorum() {
        QuorumClient c;
        try {
            c = requireStarted();
        } catch (NotControllerException e) {
            return CompletableFuture.failedFuture(new NotLeaderOrFollowerException(e.getMessage()));
        }
        return c.describeQuorum();
    }

    private <T> CompletableFuture<T> submit(String operation, Function<MetadataImage, Decision<T>> decider) {
        if (closed) {
            return CompletableFuture.failedFuture(new NotControllerException("The metadata quorum is closed"));
        }
        return proposer.submit(operation, decider);
    }

    private QuorumClient requireStarted() {
        QuorumClient c = client;
        if (closed) {
            throw new NotControllerException("The metadata quorum is closed");
        }
        if (c == null) {
            throw new NotControllerException("The metadata quorum is not started");
        }
        return c;
    }

    /** Shuts down the client and the Raft server; pending writes fail. Idempotent. */
    @Override
    public void close() {
        lifecycleLock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            liveness.close();
            rebalancer.close();
            closeQuietly();
        } finally {
            lifecycleLock.unlock();
        }
    }

    private void closeQuietly() {
        QuorumClient c = client;
        client = null;
        if (c != null) {
            try {
                c.close();
            } catch (IOException | RuntimeException e) {
                log.warn("Closing the metadata Raft client failed", e);
            }
        }
        QuorumServer s = server;
        if (s != null) {
            try {
                s.close();
            } catch (IOException | RuntimeException e) {
                log.warn("Closing the metadata Raft server failed", e);
            }
        }
        stateMachine.failWaiters(new NotControllerException("The metadata quorum is closed"));
    }
}
