package io.strata.metadata;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * How this node takes part in the metadata quorum.
 *
 * @param nodeId               {@code node.id}
 * @param voters               {@code controller.quorum.voters}: voter id to the address its CONTROLLER listener
 *                             binds
 * @param metadataDir          directory for the Ratis log and snapshots ({@code metadata.log.dir}, default: the
 *                             first entry of {@code log.dirs})
 * @param clusterId            the candidate cluster id this node proposes if the metadata log has none yet (the
 *                             one in {@code meta.properties}, or a new random id); the log's first committed
 *                             proposal is the cluster's id
 * @param requestTimeout       how long a controller write may take before it fails with a timeout
 * @param brokerSessionTimeout {@code broker.session.timeout.ms}: a broker the active controller has not heard from
 *                             for this long is fenced and loses its leaderships
 * @param leaderRebalance      whether and how the active controller moves leadership back to preferred replicas
 * @param listenerEndpoint     where this node's Raft server listens when {@code nodeId} is not among the voters
 *                             (it then follows the log as a Ratis listener); empty for a voter
 */
public record QuorumConfig(int nodeId, Map<Integer, InetSocketAddress> voters, Path metadataDir, String clusterId,
                           Duration requestTimeout, Duration brokerSessionTimeout,
                           LeaderRebalanceConfig leaderRebalance, Optional<ListenerEndpoint> listenerEndpoint) {

    /** Kafka's default {@code broker.session.timeout.ms}. */
    public static final Duration DEFAULT_BROKER_SESSION_TIMEOUT = Duration.ofMillis(9000);

    public QuorumConfig {
        if (clusterId == null || clusterId.isBlank()) {
            throw new IllegalArgumentException("The candidate cluster id must not be blank");
        }
        if (brokerSessionTimeout.isNegative() || brokerSessionTimeout.isZero()) {
            throw new IllegalArgumentException("broker.session.timeout.ms must be positive: " + brokerSessionTimeout);
        }
        Objects.requireNonNull(leaderRebalance, "leaderRebalance");
        voters = Map.copyOf(voters);
        if (voters.containsKey(nodeId) && listenerEndpoint.isPresent()) {
            throw new IllegalArgumentException("Node " + nodeId + " is a voter: it has no listener endpoint");
        }
        if (!voters.containsKey(nodeId) && listenerEndpoint.isEmpty()) {
            throw new IllegalArgumentException("Node " + nodeId + " is not one of the voters " + voters.keySet()
                    + ": as a listener it needs a listener endpoint");
        }
    }

    /** A voter's configuration. */
    public QuorumConfig(int nodeId, Map<Integer, InetSocketAddress> voters, Path metadataDir, String clusterId,
                        Duration requestTimeout, Duration brokerSessionTimeout,
                        LeaderRebalanceConfig leaderRebalance) {
        this(nodeId, voters, metadataDir, clusterId, requestTimeout, brokerSessionTimeout, leaderRebalance,
                Optional.empty());
    }

    /** A configuration with Kafka's default leader rebalance. */
    public QuorumConfig(int nodeId, Map<Integer, InetSocketAddress> voters, Path metadataDir, String clusterId,
                        Duration requestTimeout, Duration brokerSessionTimeout) {
        this(nodeId, voters, metadataDir, clusterId, requestTimeout, brokerSessionTimeout,
                LeaderRebalanceConfig.DEFAULTS);
    }

    /** A configuration with the default {@code broker.session.timeout.ms}. */
    public QuorumConfig(int nodeId, Map<Integer, InetSocketAddress> voters, Path metadataDir, String clusterId,
                        Duration requestTimeout) {
        this(nodeId, voters, metadataDir, clusterId, requestTimeout, DEFAULT_BROKER_SESSION_TIMEOUT);
    }

    /** Whether this node votes in the metadata quorum (else it follows the log as a Ratis listener). */
    public boolean isVoter() {
        return listenerEndpoint.isEmpty();
    }

    /** The address this node's Raft server binds. */
    public InetSocketAddress raftBindAddress() {
        return listenerEndpoint.map(ListenerEndpoint::bind).orElseGet(() -> voters.get(nodeId));
    }

    /** The address other nodes reach this node's Raft server at. */
    public InetSocketAddress raftAdvertisedAddress() {
        return listenerEndpoint.map(ListenerEndpoint::advertised).orElseGet(() -> voters.get(nodeId));
    }

    /**
     * How often the active controller looks at its voters' last contact: a twentieth of the session timeout,
     * between 25 and 100 ms (100 ms for the default 9 s). A look costs no metadata write, and a decision is taken
     * only when something changed; the interval bounds how late a crashed broker is noticed (see
     * {@code LivenessMonitor}), so it is kept short.
     */
    public Duration livenessCheckInterval() {
        long millis = Math.clamp(brokerSessionTimeout.toMillis() / 20, 25, 100);
        return Duration.ofMillis(millis);
    }
}
