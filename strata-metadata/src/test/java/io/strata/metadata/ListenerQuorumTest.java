package io.strata.metadata;

import static io.strata.metadata.QuorumTestSupport.broker;
import static io.strata.metadata.QuorumTestSupport.topic;
import static io.strata.metadata.QuorumTestSupport.voters;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three voters and a node that is not a voter, each in this JVM on its own ports and directory: the fourth node
 * joins as a Ratis listener with only its id and the voter list, follows the log, writes through the quorum, is
 * reported as an observer, never votes, and is fenced when it goes silent.
 */
class ListenerQuorumTest {

    private static final int LISTENER_ID = 4;

    @TempDir
    Path dir;

    private final List<RatisMetadataQuorum> nodes = new ArrayList<>();

    @AfterEach
    void closeAll() {
        nodes.forEach(RatisMetadataQuorum::close);
    }

    private static <T> T get(CompletableFuture<T> future) throws Exception {
        return future.get(20, TimeUnit.SECONDS);
    }

    private QuorumConfig voterConfig(int id, Map<Integer, InetSocketAddress> voters) {
        return new QuorumConfig(id, voters, dir.resolve("node-" + id), QuorumTestSupport.CLUSTER_ID,
                Duration.ofSeconds(15), Duration.ofSeconds(3), LeaderRebalanceConfig.DEFAULTS);
    }

    /** The listener node's configuration: at a port kept in its directory, or at {@code fixed}. */
    private QuorumConfig listenerConfig(Map<Integer, InetSocketAddress> voters, Optional<InetSocketAddress> fixed)
            throws Exception {
        Path metadataDir = dir.resolve("node-" + LISTENER_ID);
        return new QuorumConfig(LISTENER_ID, voters, metadataDir, "candidate-of-the-listener", Duration.ofSeconds(15),
                Duration.ofSeconds(3), LeaderRebalanceConfig.DEFAULTS,
                Optional.of(ListenerEndpoint.resolve(metadataDir, "127.0.0.1", "127.0.0.1", fixed)));
    }

    private List<RatisMetadataQuorum> startVoters(Map<Integer, InetSocketAddress> voters) throws Exception {
        return startVoters(voters, RatisOptions.defaults());
    }

    private List<RatisMetadataQuorum> startVoters(Map<Integer, InetSocketAddress> voters, RatisOptions options)
            throws Exception {
        List<RatisMetadataQuorum> voterNodes = new ArrayList<>();
        for (int id : voters.keySet()) {
            voterNodes.add(new RatisMetadataQuorum(voterConfig(id, voters), options));
        }
        nodes.addAll(voterNodes);
        CompletableFuture.allOf(voterNodes.stream().map(n -> CompletableFuture.runAsync(() -> {
            try {
                n.start();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        })).toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        return voterNodes;
    }

    private RatisMetadataQuorum startListener(Map<Integer, InetSocketAddress> voters) throws Exception {
        return startListener(voters, Optional.empty());
    }

    private RatisMetadataQuorum startListener(Map<Integer, InetSocketAddress> voters,
                                              Optional<InetSocketAddress> fixed) throws Exception {
        RatisMetadataQuorum listener = new RatisMetadataQuorum(listenerConfig(voters, fixed));
        nodes.add(listener);
        listener.start();
        return listener;
    }

    @Test
    void aNodeOutsideTheVotersFollowsTheLogAsAListenerAndIsReportedAsAnObserver() throws Exception {
        Map<Integer, InetSocketAddress> voters = voters(1, 2, 3);
        List<RatisMetadataQuorum> voterNodes = startVoters(voters);
        get(voterNodes.getFirst().registerBroker(broker(1)));
        assertThat(get(voterNodes.getFirst().createTopics(List.of(topic("before", 1, 1)), false)).get("before")
                .error()).isEmpty();

        RatisMetadataQuorum listener = startListener(voters);
        // started: the image is current (the topic created before it joined) and has the voters' cluster id
        assertThat(listener.image().topicsByName()).containsKey("before");
        assertThat(listener.image().clusterId()).isEqualTo(QuorumTestSupport.CLUSTER_ID);
        assertThat(listener.isLeader()).isFalse();

        // writes go through the leader, and every voter's change reaches the listener
        get(listener.registerBroker(broker(LISTENER_ID)));
        assertThat(listener.image().brokers()).containsKey(LISTENER_ID);
        get(voterNodes.get(1).createTopics(List.of(topic("after", 2, 1)), false));
        await().atMost(Duration.ofSeconds(10)).until(() -> listener.image().topicsByName().containsKey("after"));

        QuorumStatus status = get(listener.describeQuorum());
        assertThat(status.voters()).extracting(QuorumStatus.ReplicaProgress::nodeId).containsExactly(1, 2, 3);
        assertThat(status.observers()).singleElement().satisfies(observer -> {
            assertThat(observer.nodeId()).isEqualTo(LISTENER_ID);
            long leaderEnd = status.voters().stream().filter(v -> v.nodeId() == status.leaderId())
                    .mapToLong(QuorumStatus.ReplicaProgress::logEndOffset).findFirst().orElseThrow();
            assertThat(observer.logEndOffset()).isPositive().isLessThanOrEqualTo(leaderEnd);
            assertThat(observer.lastFetchTimestamp()).isPresent();
        });
    }

    @Test
    void aListenerJoiningAfterTheLogWasPurgedGetsTheImageFromASnapshot() throws Exception {
        Map<Integer, InetSocketAddress> voters = voters(1, 2, 3);
        List<RatisMetadataQuorum> voterNodes = startVoters(voters, RatisOptions.defaults().withSnapshotThreshold(4));
        get(voterNodes.getFirst().registerBroker(broker(1)));
        for (int i = 0; i < 12; i++) {
            get(voterNodes.getFirst().createTopics(List.of(topic("t" + i, 1, 1)), false));
        }
        for (RatisMetadataQuorum voter : voterNodes) {
            voter.takeSnapshot(); // and purge the log up to it: the listener cannot be sent the first entries
        }

        RatisMetadataQuorum listener = startListener(voters);
        assertThat(listener.image().topicsByName()).hasSize(12);
        assertThat(listener.image().clusterId()).isEqualTo(QuorumTestSupport.CLUSTER_ID);
        get(listener.createTopics(List.of(topic("through-the-listener", 1, 1)), false));
        await().atMost(Duration.ofSeconds(10)).until(() -> voterNodes.getFirst().image().topicsByName()
                .containsKey("through-the-listener"));
    }

    @Test
    void theListenerNeverCountsForTheMajorityAndRecoversItsLogOnRestart() throws Exception {
        Map<Integer, InetSocketAddress> voters = voters(1, 2, 3);
        List<RatisMetadataQuorum> voterNodes = startVoters(voters);
        RatisMetadataQuorum listener = startListener(voters);
        get(listener.registerBroker(broker(LISTENER_ID)));

        // two of three voters down: the listener does not make a majority, so no leader, no write
        int leaderIndex = voterNodes.indexOf(voterNodes.stream().filter(RatisMetadataQuorum::isLeader).findFirst()
                .orElseThrow());
        int down = (leaderIndex + 1) % 3;
        voterNodes.get(down).close();
        voterNodes.get((leaderIndex + 2) % 3).close();
        CompletableFuture<?> stalled = listener.createTopics(List.of(topic("no-majority", 1, 1)), false);
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(4)).until(() -> !stalled.isDone());
        assertThat(listener.isLeader()).isFalse();

        // restarted with the same directory: recovers its log, is already in the configuration, and catches up
        listener.close();
        RatisMetadataQuorum back = new RatisMetadataQuorum(voterConfig(down + 1, voters));
        nodes.add(back);
        back.start();
        get(back.createTopics(List.of(topic("while-away", 1, 1)), false));
        RatisMetadataQuorum restarted = startListener(voters);
        assertThat(restarted.image().topicsByName()).containsKey("while-away");
        assertThat(restarted.image().brokers()).containsKey(LISTENER_ID);
        assertThat(get(restarted.describeQuorum()).observers()).extracting(QuorumStatus.ReplicaProgress::nodeId)
                .containsExactly(LISTENER_ID);
    }

    @Test
    void aListenerRestartedAtANewAddressReplacesItsOldEntryAndKeepsFollowing() throws Exception {
        Map<Integer, InetSocketAddress> voters = voters(1, 2, 3);
        List<RatisMetadataQuorum> voterNodes = startVoters(voters);
        RatisMetadataQuorum listener = startListener(voters);
        get(listener.registerBroker(broker(LISTENER_ID)));
        listener.close();

        InetSocketAddress moved = new InetSocketAddress("127.0.0.1", QuorumTestSupport.freePort());
        RatisMetadataQuorum restarted = startListener(voters, Optional.of(moved));
        assertThat(restarted.image().brokers()).containsKey(LISTENER_ID);
        QuorumStatus status = get(restarted.describeQuorum());
        assertThat(status.observers()).extracting(QuorumStatus.ReplicaProgress::nodeId).containsExactly(LISTENER_ID);
        get(voterNodes.getFirst().registerBroker(broker(1)));
        get(voterNodes.getFirst().createTopics(List.of(topic("after-the-move", 1, 1)), false));
        await().atMost(Duration.ofSeconds(10)).until(() -> restarted.image().topicsByName()
                .containsKey("after-the-move"));
    }

    @Test
    void theActiveControllerFencesASilentListenerBroker() throws Exception {
        Map<Integer, InetSocketAddress> voters = voters(1, 2, 3);
        startVoters(voters);
        RatisMetadataQuorum listener = startListener(voters);
        get(listener.registerBroker(broker(LISTENER_ID)));
        RatisMetadataQuorum voter = nodes.getFirst();
        await().atMost(Duration.ofSeconds(10)).until(() -> voter.image().brokers().containsKey(LISTENER_ID)
                && !voter.image().brokers().get(LISTENER_ID).fenced());

        listener.close(); // its Raft port refuses connections: fenced well before the 3 s session timeout
        await().atMost(Duration.ofSeconds(10)).until(() -> voter.image().brokers().get(LISTENER_ID).fenced());
    }
}
