package io.strata.server.config;

import io.strata.metadata.ListenerEndpoint;
import io.strata.metadata.QuorumConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.config.ConfigException;

/**
 * How a node takes part in the metadata quorum, from {@code process.roles}, {@code node.id} and
 * {@code controller.quorum.voters} with Kafka's rules: a combined node ({@code broker,controller}) is one of the
 * voters; a broker-only node ({@code broker}) must not be, and follows the metadata log as a Ratis listener, at
 * the address {@link ListenerEndpoint} derives from its inter-broker listener (or
 * {@code strata.metadata.listener.address}). A controller-only node is refused: this release has no node without
 * a broker.
 *
 * <p>Stateless and thread-safe.
 */
public final class QuorumSetup {

    /** The directory under {@code metadata.log.dir} that holds the Ratis log and snapshots. */
    static final String METADATA_SUBDIR = "__cluster_metadata";

    private QuorumSetup() {
    }

    /**
     * The node's quorum configuration.
     *
     * @param candidateClusterId the cluster id this node proposes if the metadata log has none
     * @throws ConfigException if the roles, the node id and the voters do not fit together
     * @throws IOException     if a broker-only node cannot read or keep its listener port
     */
    public static QuorumConfig quorumConfig(ServerConfig config, String candidateClusterId) throws IOException {
        int nodeId = config.nodeId();
        Set<String> roles = Set.copyOf(config.processRoles());
        boolean voter = config.quorumVoters().containsKey(nodeId);
        Path metadataDir = config.metadataLogDir().resolve(METADATA_SUBDIR);
        Duration requestTimeout = Duration.ofMillis(config.metadataRequestTimeoutMs());
        Duration sessionTimeout = Duration.ofMillis(config.brokerSessionTimeoutMs());
        if (roles.equals(Set.of("broker", "controller"))) {
            if (!voter) {
                throw new ConfigException("controller.quorum.voters", config.quorumVoters().toString(),
                        "node.id " + nodeId + " is not among the voters; a node with process.roles=broker,controller "
                                + "must be one (or run it with process.roles=broker)");
            }
            return new QuorumConfig(nodeId, config.quorumVoters(), metadataDir, candidateClusterId, requestTimeout,
                    sessionTimeout, config.leaderRebalance());
        }
        if (roles.equals(Set.of("broker"))) {
            if (voter) {
                throw new ConfigException("controller.quorum.voters", config.quorumVoters().toString(),
                        "node.id " + nodeId + " must not be among the voters when process.roles=broker");
            }
            Endpoint interBroker = interBrokerListener(config);
            String advertisedHost = config.advertisedListeners().stream()
                    .filter(e -> e.listenerName().equals(interBroker.listenerName()))
                    .map(Endpoint::host).filter(h -> !h.isEmpty()).findFirst()
                    .orElse(interBroker.host().isEmpty() ? "localhost" : interBroker.host());
            ListenerEndpoint endpoint = ListenerEndpoint.resolve(metadataDir, interBroker.host(), advertisedHost,
                    config.metadataListenerAddress());
            return new QuorumConfig(nodeId, config.quorumVoters(), metadataDir, candidateClusterId, requestTimeout,
                    sessionTimeout, config.leaderRebalance(), Optional.of(endpoint));
        }
        throw new ConfigException("process.roles", String.join(",", config.processRoles()),
                "this release runs broker,controller (a voter) and broker (a listener of the metadata log) nodes; "
                        + "a controller without a broker is not supported yet");
    }

    private static Endpoint interBrokerListener(ServerConfig config) {
        String name = config.replicationConfig().listenerName();
        List<Endpoint> listeners = config.brokerListeners();
        return listeners.stream().filter(e -> e.listenerName().equals(name)).findFirst()
                .orElseThrow(() -> new ConfigException("inter.broker.listener.name", name,
                        "no such listener in listeners " + listeners));
    }
}
