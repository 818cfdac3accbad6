package io.strata.metadata;

import static io.strata.metadata.QuorumTestSupport.config;
import static io.strata.metadata.QuorumTestSupport.voters;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.strata.metadata.ratis.MetadataStateMachine;
import io.strata.metadata.ratis.RaftSetup;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QuorumServerTest {

    @TempDir
    Path dir;

    @Test
    void aSingleVoterLeadsAndKnowsItsPeers() throws Exception {
        Map<Integer, InetSocketAddress> voters = voters(1);
        QuorumConfig config = config(1, voters, dir);
        try (QuorumServer server = new QuorumServer(config, RatisOptions.defaults(), RaftSetup.peerId(1),
                RaftSetup.group(voters), new MetadataStateMachine())) {
            server.start();
            await().atMost(Duration.ofSeconds(20)).until(server::isLeader);
            assertThat(server.leaderKnown()).isTrue();
            // The leader hears itself by definition; a single voter has no one else.
            assertThat(server.sinceHeardMs(1)).contains(Map.of(1, 0L));
            InetSocketAddress address = server.peerAddress(1).orElseThrow();
            assertThat(address.getHostString()).isEqualTo("127.0.0.1");
            assertThat(address.getPort()).isEqualTo(voters.get(1).getPort());
            assertThat(server.peerAddress(2)).isEmpty();
        }
    }

    @Test
    void aVoterWithoutItsQuorumKnowsNoLeaderAndNoPeerTimes() throws Exception {
        Map<Integer, InetSocketAddress> voters = voters(1, 2, 3);
        try (QuorumServer server = new QuorumServer(config(1, voters, dir), RatisOptions.defaults(),
                RaftSetup.peerId(1), RaftSetup.group(voters), new MetadataStateMachine())) {
            server.start();
            // Two of three voters are not running: no election can succeed.
            assertThat(server.leaderKnown()).isFalse();
            assertThat(server.isLeader()).isFalse();
            assertThat(server.sinceHeardMs(1)).isEmpty();
            assertThat(server.peerAddress(3).orElseThrow().getPort()).isEqualTo(voters.get(3).getPort());
        }
    }
}
