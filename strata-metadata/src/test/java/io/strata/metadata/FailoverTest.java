package io.strata.metadata;

import static io.strata.metadata.QuorumTestSupport.broker;
import static io.strata.metadata.QuorumTestSupport.config;
import static io.strata.metadata.QuorumTestSupport.topic;
import static io.strata.metadata.QuorumTestSupport.voters;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Failover in a cluster of three voters in one JVM: the active controller (the Ratis leader) fences a node it stops
 * hearing from and moves its leaderships, unfences it when it is back, and moves leadership at once on a controlled
 * shutdown.
 */
class FailoverTest {

    private static final Logger log = LoggerFactory.getLogger(FailoverTest.class);
    private static final Duration SESSION_TIMEOUT = Duration.ofSeconds(3);
    /** Detection may lag by a check interval and a Ratis heartbeat; the change is then one write. */
    private static final Duration DETECTION_BOUND = Duration.ofSeconds(3);

    @TempDir
    Path dir;

    private final Map<Integer, InetSocketAddress> voters = voters(1, 2, 3);
    private final Map<Integer, RatisMetadataQuorum> nodes = new java.util.TreeMap<>();

    @AfterEach
    void closeAll() {
        nodes.values().forEach(RatisMetadataQuorum::close);
    }

    private RatisMetadataQuorum newNode(int id) {
        RatisMetadataQuorum node = new RatisMetadataQuorum(config(id, voters, dir.resolve("node-" + id),
                SESSION_TIMEOUT));
        nodes.put(id, node);
        return node;
    }

    /** Starts three voters, registers each as a broker and creates a topic of 6 partitions over all three. */
    private void startClusterWithTopic() throws Exception {
        List<CompletableFuture<Void>> starts = new ArrayList<>();
        for (int id = 1; id <= 3; id++) {
            RatisMetadataQuorum node = newNode(id);
            starts.add(CompletableFuture.runAsync(() -> {
                try {
                    node.start();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        CompletableFuture.allOf(starts.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        for (int id = 1; id <= 3; id++) {
            nodes.get(id).registerBroker(broker(id)).get(20, TimeUnit.SECONDS);
        }
        RatisMetadataQuorum any = nodes.get(1);
        await().atMost(Duration.ofSeconds(10)).until(() -> any.image().brokers().size() == 3);
        assertThat(any.createTopics(List.of(topic("failover", 6, 3)), false).get(20, TimeUnit.SECONDS)
                .get("failover").error()).isEmpty();
    }

    private static Collection<PartitionImage> partitions(MetadataImage image) {
        return image.topic("failover").orElseThrow().partitions().values();
    }

    private int ratisFollower() {
        await().atMost(Duration.ofSeconds(20)).until(() -> nodes.values().stream()
                .filter(RatisMetadataQuorum::isLeader).count() == 1);
        return nodes.entrySet().stream().filter(e -> !e.getValue().isLeader()).findFirst().orElseThrow().getKey();
    }

    @Test
    void aStoppedNodeIsFencedBeforeTheSessionTimeoutItsLeadershipsMoveAndItIsUnfencedWhenBack() throws Exception {
        startClusterWithTopic();
        int victim = ratisFollower();
        RatisMetadataQuorum observer = nodes.get(victim == 1 ? 2 : 1);
        assertThat(partitions(observer.image())).anyMatch(p -> p.leader() == victim);
        // liveness costs no metadata writes while everyone is alive
        long version = observer.image().version();
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(2))
                .until(() -> observer.image().version() == version);

        long crashed = System.nanoTime();
        nodes.remove(victim).close();
        await().atMost(SESSION_TIMEOUT.plus(DETECTION_BOUND)).untilAsserted(() -> {
            MetadataImage image = observer.image();
            assertThat(image.brokers().get(victim).fenced()).isTrue();
            assertThat(partitions(image)).allSatisfy(p -> {
                assertThat(p.leader()).isNotIn(victim, -1);
                assertThat(p.isr()).doesNotContain(victim).contains(p.leader());
            });
        });
        long fencedAfterMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - crashed);
        log.info("Node {} fenced and its leaderships moved {} ms after it stopped", victim, fencedAfterMs);
        // its controller port refuses connections, which the active controller takes as proof it is gone
        assertThat(fencedAfterMs).isLessThan(SESSION_TIMEOUT.toMillis());

        RatisMetadataQuorum restarted = newNode(victim);
        restarted.start();
        await().atMost(SESSION_TIMEOUT).untilAsserted(() -> assertThat(nodes.values()).allSatisfy(node ->
                assertThat(node.image().brokers().get(victim).fenced()).isFalse()));
    }

    @Test
    void whenTheActiveControllerDiesTheNextOneFencesIt() throws Exception {
        startClusterWithTopic();
        ratisFollower();
        int victim = nodes.entrySet().stream().filter(e -> e.getValue().isLeader()).findFirst().orElseThrow()
                .getKey();
        RatisMetadataQuorum observer = nodes.get(victim == 1 ? 2 : 1);

        long crashed = System.nanoTime();
        nodes.remove(victim).close();
        // a new Ratis leader is elected first (election timeout up to 2 s), then its session clock runs
        await().atMost(SESSION_TIMEOUT.plus(DETECTION_BOUND).plusSeconds(2)).untilAsserted(() -> {
            MetadataImage image = observer.image();
            assertThat(image.brokers().get(victim).fenced()).isTrue();
            assertThat(partitions(image)).allSatisfy(p -> assertThat(p.leader()).isNotIn(victim, -1));
        });
        log.info("Active controller {} fenced {} ms after it stopped", victim,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - crashed));
    }

    @Test
    void controlledShutdownMovesLeadershipAtOnceAndKeepsTheNodeFencedWhileItIsStillHeard() throws Exception {
        startClusterWithTopic();
        int leaving = ratisFollower();
        RatisMetadataQuorum node = nodes.get(leaving);
        assertThat(partitions(node.image())).anyMatch(p -> p.leader() == leaving);

        node.controlledShutdown(leaving).get(20, TimeUnit.SECONDS);
        MetadataImage image = node.image(); // applied locally before the call completes
        assertThat(image.brokers().get(leaving).fenced()).isTrue();
        assertThat(image.brokers().get(leaving).inControlledShutdown()).isTrue();
        assertThat(partitions(image)).allSatisfy(p -> {
            assertThat(p.leader()).isNotIn(leaving, -1);
            assertThat(p.isr()).doesNotContain(leaving);
        });
        // the node is still a live voter, yet the active controller does not unfence it
        await().during(SESSION_TIMEOUT.dividedBy(2)).atMost(SESSION_TIMEOUT)
                .until(() -> node.image().brokers().get(leaving).fenced());
    }
}
