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
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.errors.TopicExistsException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Three voters in one JVM, each on its own ephemeral port and directory. */
class ThreeVoterQuorumTest {

    private static final Logger log = LoggerFactory.getLogger(ThreeVoterQuorumTest.class);

    @TempDir
    Path dir;

    /** Starts every node in parallel, as three processes would, and waits until all have started. */
    private static void startAll(List<RatisMetadataQuorum> nodes, ExecutorService starter) throws Exception {
        long t0 = System.nanoTime();
        List<CompletableFuture<Void>> starts = nodes.stream().map(node -> CompletableFuture.runAsync(() -> {
            try {
                node.start();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, starter)).toList();
        CompletableFuture.allOf(starts.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        log.info("3 voters started in {} ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
    }

    @Test
    void nodesWithDifferentCandidatesAgreeOneClusterId() throws Exception {
        Map<Integer, InetSocketAddress> voters = voters(1, 2, 3);
        List<RatisMetadataQuorum> nodes = new ArrayList<>();
        for (int id = 1; id <= 3; id++) {
            nodes.add(new RatisMetadataQuorum(config(id, voters, dir.resolve("node-" + id), "candidate-" + id)));
        }
        ExecutorService starter = Executors.newFixedThreadPool(3);
        try {
            startAll(nodes, starter);
            // start() returns only once the local image has the agreed id: no waiting for replication here
            String agreed = nodes.getFirst().image().clusterId();
            assertThat(agreed).isIn("candidate-1", "candidate-2", "candidate-3");
            assertThat(nodes).allSatisfy(n -> assertThat(n.image().clusterId()).isEqualTo(agreed));

            // a node whose candidate lost restarts with yet another candidate: the log keeps the agreed id
            int loser = agreed.equals("candidate-1") ? 2 : 1;
            nodes.get(loser - 1).close();
            RatisMetadataQuorum restarted = new RatisMetadataQuorum(config(loser, voters,
                    dir.resolve("node-" + loser), "yet-another-candidate"));
            nodes.set(loser - 1, restarted);
            restarted.start();
            assertThat(restarted.image().clusterId()).isEqualTo(agreed);
        } finally {
            nodes.forEach(RatisMetadataQuorum::close);
            starter.shutdownNow();
        }
    }

    @Test
    void writesThroughAnyNodeReachEveryImageAndConflictsHaveOneWinner() throws Exception {
        Map<Integer, InetSocketAddress> voters = voters(1, 2, 3);
        List<RatisMetadataQuorum> nodes = new ArrayList<>();
        for (int id = 1; id <= 3; id++) {
            nodes.add(new RatisMetadataQuorum(config(id, voters, dir.resolve("node-" + id))));
        }
        ExecutorService starter = Executors.newFixedThreadPool(3);
        try {
            startAll(nodes, starter);
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> nodes.stream().filter(RatisMetadataQuorum::isLeader).count() == 1);
            RatisMetadataQuorum follower = nodes.stream().filter(n -> !n.isLeader()).findFirst().orElseThrow();
            RatisMetadataQuorum other = nodes.stream().filter(n -> n != follower).findFirst().orElseThrow();

            for (int b = 1; b <= 3; b++) {
                nodes.get(b - 1).registerBroker(broker(b)).get(20, TimeUnit.SECONDS);
            }
            // A proposer decides on its own image, which may lag registrations made through other nodes.
            await().atMost(Duration.ofSeconds(10)).until(() -> follower.image().brokers().size() == 3);
            long t1 = System.nanoTime();
            Map<String, TopicOutcome> created = follower.createTopics(List.of(topic("replicated", 6, 3)), false)
                    .get(20, TimeUnit.SECONDS);
            log.info("3-voter createTopics through a follower took {} ms",
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t1));
            assertThat(created.get("replicated").error()).isEmpty();
            assertThat(follower.image().topic("replicated")).isPresent(); // applied locally before completing
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(nodes).allSatisfy(n -> {
                assertThat(n.image().topic("replicated")).get()
                        .satisfies(t -> assertThat(t.id()).isEqualTo(created.get("replicated").topicId()));
                assertThat(n.image().brokers()).containsOnlyKeys(1, 2, 3);
            }));

            CompletableFuture<Map<String, TopicOutcome>> a = follower.createTopics(List.of(topic("race", 1, 3)),
                    false);
            CompletableFuture<Map<String, TopicOutcome>> b = other.createTopics(List.of(topic("race", 1, 3)), false);
            List<TopicOutcome> outcomes = List.of(a.get(20, TimeUnit.SECONDS).get("race"),
                    b.get(20, TimeUnit.SECONDS).get("race"));
            assertThat(outcomes.stream().filter(o -> o.error().isEmpty())).hasSize(1);
            assertThat(outcomes.stream().filter(o -> o.error().isPresent()))
                    .allSatisfy(o -> assertThat(o.error()).get().isInstanceOf(TopicExistsException.class));
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(nodes).allSatisfy(n ->
                    assertThat(n.image().topicsByName()).containsOnlyKeys("replicated", "race")));
        } finally {
            nodes.forEach(RatisMetadataQuorum::close);
            starter.shutdownNow();
        }
    }
}
