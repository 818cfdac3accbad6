package io.strata.metadata;

import static io.strata.metadata.QuorumTestSupport.CLUSTER_ID;
import static io.strata.metadata.QuorumTestSupport.config;
import static io.strata.metadata.QuorumTestSupport.voters;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.strata.metadata.ratis.MetadataStateMachine;
import io.strata.metadata.ratis.RaftSetup;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QuorumClientTest {

    @TempDir
    Path dir;

    @Test
    void readsTheQuorumThroughASingleVoter() throws Exception {
        Map<Integer, InetSocketAddress> voters = voters(1);
        QuorumConfig config = config(1, voters, dir);
        MetadataStateMachine stateMachine = new MetadataStateMachine();
        try (QuorumServer server = new QuorumServer(config, RatisOptions.defaults(), RaftSetup.peerId(1),
                RaftSetup.group(voters), stateMachine)) {
            server.start();
            try (QuorumClient client = new QuorumClient(config, RatisOptions.defaults(), RaftSetup.group(voters),
                    RaftSetup.peerId(1))) {
                client.awaitCurrent(server::leaderKnown, () -> false);
                assertThat(server.isLeader()).isTrue();
                QuorumStatus status = client.describeQuorum().get(20, TimeUnit.SECONDS);
                assertThat(status.leaderId()).isEqualTo(1);
                assertThat(status.voters()).singleElement().satisfies(v -> assertThat(v.nodeId()).isEqualTo(1));
                assertThat(client.takeSnapshot()).isEqualTo(stateMachine.getLastAppliedTermIndex().getIndex());
            }
        }
    }

    @Test
    void givesUpWhenNoLeaderIsKnownWithinTheStartTimeoutOrTheNodeCloses() throws Exception {
        Map<Integer, InetSocketAddress> voters = voters(1, 2, 3);
        QuorumConfig config = new QuorumConfig(1, voters, dir, CLUSTER_ID, Duration.ofMillis(300));
        RatisOptions options = RatisOptions.defaults().withStartTimeout(Duration.ofMillis(300));
        try (QuorumClient client = new QuorumClient(config, options, RaftSetup.group(voters), RaftSetup.peerId(1))) {
            long begin = System.nanoTime();
            assertThatThrownBy(() -> client.awaitCurrent(() -> false, () -> false))
                    .isInstanceOf(TimeoutException.class)
                    .hasMessage("Metadata quorum did not become available within PT0.3S");
            assertThat(System.nanoTime() - begin).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(300));
            assertThatThrownBy(() -> client.awaitCurrent(() -> true, () -> true))
                    .isInstanceOf(TimeoutException.class);
            // Nothing listens at the voters' addresses: no leader answers within the request timeout.
            assertThatThrownBy(() -> client.describeQuorum().get(20, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(NotLeaderOrFollowerException.class);
        }
    }
}
