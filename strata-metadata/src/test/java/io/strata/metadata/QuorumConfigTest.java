package io.strata.metadata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class QuorumConfigTest {

    private static QuorumConfig withSessionTimeout(Duration timeout) {
        return new QuorumConfig(1, Map.of(1, new InetSocketAddress("127.0.0.1", 9093)), Path.of("m"), "c",
                Duration.ofSeconds(30), timeout);
    }

    @Test
    void defaultsToKafkasBrokerSessionTimeout() {
        QuorumConfig config = new QuorumConfig(1, Map.of(1, new InetSocketAddress("127.0.0.1", 9093)),
                Path.of("m"), "c", Duration.ofSeconds(30));
        assertThat(config.brokerSessionTimeout()).isEqualTo(Duration.ofMillis(9000));
        assertThat(config.livenessCheckInterval()).isEqualTo(Duration.ofMillis(100));
        assertThat(config.leaderRebalance()).isEqualTo(LeaderRebalanceConfig.DEFAULTS);
    }

    @Test
    void checksLivenessAtATwentiethOfTheSessionTimeoutWithinBounds() {
        assertThat(withSessionTimeout(Duration.ofSeconds(1)).livenessCheckInterval()).isEqualTo(Duration.ofMillis(50));
        assertThat(withSessionTimeout(Duration.ofMillis(200)).livenessCheckInterval())
                .isEqualTo(Duration.ofMillis(25));
        assertThat(withSessionTimeout(Duration.ofMinutes(5)).livenessCheckInterval())
                .isEqualTo(Duration.ofMillis(100));
        assertThatThrownBy(() -> withSessionTimeout(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aVoterRunsAtItsVoterAddressAndANodeOutsideTheVotersAtItsListenerEndpoint() {
        Map<Integer, InetSocketAddress> voters = Map.of(1, new InetSocketAddress("127.0.0.1", 9093));
        QuorumConfig voter = new QuorumConfig(1, voters, Path.of("m"), "c", Duration.ofSeconds(30));
        assertThat(voter.isVoter()).isTrue();
        assertThat(voter.raftBindAddress()).isEqualTo(voters.get(1));
        assertThat(voter.raftAdvertisedAddress()).isEqualTo(voters.get(1));

        ListenerEndpoint endpoint = new ListenerEndpoint(new InetSocketAddress(7004),
                InetSocketAddress.createUnresolved("broker-4", 7004));
        QuorumConfig listener = new QuorumConfig(4, voters, Path.of("m"), "c", Duration.ofSeconds(30),
                Duration.ofSeconds(9), LeaderRebalanceConfig.DEFAULTS, Optional.of(endpoint));
        assertThat(listener.isVoter()).isFalse();
        assertThat(listener.raftBindAddress()).isEqualTo(endpoint.bind());
        assertThat(listener.raftAdvertisedAddress()).isEqualTo(endpoint.advertised());

        assertThatThrownBy(() -> new QuorumConfig(4, voters, Path.of("m"), "c", Duration.ofSeconds(30)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("listener endpoint");
        assertThatThrownBy(() -> new QuorumConfig(1, voters, Path.of("m"), "c", Duration.ofSeconds(30),
                Duration.ofSeconds(9), LeaderRebalanceConfig.DEFAULTS, Optional.of(endpoint)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is a voter");
    }
}
