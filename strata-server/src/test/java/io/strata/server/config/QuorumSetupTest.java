package io.strata.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.strata.metadata.QuorumConfig;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QuorumSetupTest {

    private static final String VOTERS = "1@127.0.0.1:19093,2@127.0.0.1:19094,3@127.0.0.1:19095";

    @TempDir
    Path dir;

    private ServerConfig config(String roles, int nodeId, Map<String, String> more) {
        Map<String, String> props = new HashMap<>(Map.of("process.roles", roles, "node.id", Integer.toString(nodeId),
                "controller.quorum.voters", VOTERS, "log.dirs", dir.toString(),
                "listeners", "PLAINTEXT://10.0.0.4:9092,REPLICATION://10.1.0.4:9094",
                // As in Kafka, a listener not named after a protocol needs one in the map.
                "listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,REPLICATION:PLAINTEXT,CONTROLLER:PLAINTEXT"));
        props.putAll(more);
        return ServerConfig.from(props);
    }

    @Test
    void aCombinedNodeIsAVoterAtItsControllerAddress() throws Exception {
        QuorumConfig quorum = QuorumSetup.quorumConfig(config("broker,controller", 2, Map.of()), "c");
        assertThat(quorum.isVoter()).isTrue();
        assertThat(quorum.raftAdvertisedAddress().getPort()).isEqualTo(19094);
        assertThat(quorum.metadataDir()).isEqualTo(dir.resolve("__cluster_metadata"));
    }

    @Test
    void aBrokerOnlyNodeListensOnItsInterBrokerHostAtAPortKeptAcrossRestarts() throws Exception {
        ServerConfig config = config("broker", 4, Map.of("listeners", "PLAINTEXT://127.0.0.1:0",
                "advertised.listeners", "PLAINTEXT://broker-4.example:9092"));
        QuorumConfig quorum = QuorumSetup.quorumConfig(config, "c");
        assertThat(quorum.isVoter()).isFalse();
        InetSocketAddress bind = quorum.raftBindAddress();
        assertThat(bind.getHostString()).isEqualTo("127.0.0.1");
        assertThat(bind.getPort()).isPositive();
        assertThat(quorum.raftAdvertisedAddress()).isEqualTo(
                InetSocketAddress.createUnresolved("broker-4.example", bind.getPort()));
        assertThat(QuorumSetup.quorumConfig(config, "c").raftBindAddress()).isEqualTo(bind);
    }

    @Test
    void theInterBrokerListenerAndAFixedAddressChooseTheListenerAddress() throws Exception {
        QuorumConfig interBroker = QuorumSetup.quorumConfig(config("broker", 4, Map.of(
                "listeners", "PLAINTEXT://127.0.0.1:0,REPLICATION://127.0.0.2:0",
                "inter.broker.listener.name", "REPLICATION")), "c");
        assertThat(interBroker.raftAdvertisedAddress().getHostString()).isEqualTo("127.0.0.2");
        QuorumConfig fixed = QuorumSetup.quorumConfig(config("broker", 4, Map.of(
                "strata.metadata.listener.address", "127.0.0.1:19999")), "c");
        assertThat(fixed.raftBindAddress()).isEqualTo(InetSocketAddress.createUnresolved("127.0.0.1", 19999));
        assertThat(fixed.raftAdvertisedAddress()).isEqualTo(fixed.raftBindAddress());
    }

    @Test
    void rolesAndVotersMustFitKafkasRules() {
        assertThatThrownBy(() -> QuorumSetup.quorumConfig(config("broker,controller", 4, Map.of()), "c"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("not among the voters");
        assertThatThrownBy(() -> QuorumSetup.quorumConfig(config("broker", 1, Map.of()), "c"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("must not be among the voters");
        assertThatThrownBy(() -> QuorumSetup.quorumConfig(config("controller", 1, Map.of()), "c"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("not supported yet");
        assertThatThrownBy(() -> config("broker", 4, Map.of("strata.metadata.listener.address", "no-port")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("host:port");
    }
}
