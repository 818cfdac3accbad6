package io.strata.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.strata.cli.StrataCli;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.QuorumInfo;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.message.DescribeTopicPartitionsRequestData;
import org.apache.kafka.common.message.DescribeTopicPartitionsResponseData.DescribeTopicPartitionsResponsePartition;
import org.apache.kafka.common.requests.DescribeTopicPartitionsRequest;
import org.apache.kafka.common.requests.DescribeTopicPartitionsResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Three node processes in two racks (1 and 2 in {@code east}, 3 in {@code west}) described through the real Admin
 * client: rack-aware placement and the racks reported by Metadata and DescribeCluster, DescribeTopicPartitions
 * (which kafka-clients 4.x's {@code describeTopics} uses) paged and after a {@code kill -9}, and DescribeQuorum
 * ({@code describeMetadataQuorum}) and its view in {@code strata cluster describe}. The tests share the cluster and
 * run in order: the last one kills node 3.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterDescribeIT {

    private static final Map<Integer, String> RACKS = Map.of(1, "east", 2, "east", 3, "west");

    private final List<NodeProcess> nodes = new ArrayList<>();
    private String bootstrap;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        nodes.addAll(NodeProcess.cluster(dir, 3, Map.of("broker.session.timeout.ms", "3000",
                "replica.lag.time.max.ms", "5000", "replica.fetch.wait.max.ms", "100",
                "replica.socket.timeout.ms", "3000", "replica.fetch.backoff.ms", "200")));
        RACKS.forEach((id, rack) -> nodes.get(id - 1).override("broker.rack", rack));
        NodeProcess.startAll(nodes);
        bootstrap = String.join(",", nodes.stream().map(NodeProcess::bootstrap).toList());
        try (Admin admin = Clients.admin(bootstrap)) {
            admin.createTopics(List.of(new NewTopic("spread", 6, (short) 2), new NewTopic("single", 3, (short) 1)))
                    .all().get();
        }
    }

    @AfterAll
    void stop() throws InterruptedException {
        for (NodeProcess node : nodes) {
            node.close();
        }
    }

    @Test
    @Order(1)
    void placesReplicasAcrossRacksAndReportsEachBrokersRack() throws Exception {
        try (Admin admin = Clients.admin(bootstrap)) {
            assertThat(admin.describeCluster().nodes().get()).extracting(Node::id, Node::rack)
                    .containsExactlyInAnyOrder(RACKS.entrySet().stream()
                            .map(e -> org.assertj.core.groups.Tuple.tuple(e.getKey(), e.getValue())).toArray(
                                    org.assertj.core.groups.Tuple[]::new));
            TopicDescription spread = admin.describeTopics(List.of("spread")).allTopicNames().get().get("spread");
            // two replicas over two racks: every partition has one in each, so also one on node 3, alone in west
            assertThat(spread.partitions()).hasSize(6).allSatisfy(p -> assertThat(p.replicas().stream()
                    .map(n -> RACKS.get(n.id())).distinct()).hasSize(2));
            Map<Integer, Long> leaders = spread.partitions().stream().collect(Collectors.groupingBy(
                    p -> p.leader().id(), Collectors.counting()));
            assertThat(leaders).containsOnlyKeys(1, 2, 3).allSatisfy((id, count) -> assertThat(count).isEqualTo(2));
        }
        try (KafkaConsumer<byte[], byte[]> consumer = Clients.consumer(bootstrap, Map.of())) {
            List<PartitionInfo> partitions = consumer.partitionsFor("spread"); // the Metadata API
            assertThat(partitions).allSatisfy(p -> assertThat(p.leader().rack()).isEqualTo(RACKS.get(p.leader().id())));
        }
    }

    @Test
    @Order(2)
    void describeTopicsPagesThroughTopicsAndPartitionsAsTheMetadataHasThem() throws Exception {
        try (Admin admin = Clients.admin(bootstrap);
             KafkaConsumer<byte[], byte[]> consumer = Clients.consumer(bootstrap, Map.of())) {
            // at most 4 partitions per response: 9 partitions of two topics take three pages, one cut mid-topic
            Map<String, TopicDescription> described = admin.describeTopics(List.of("spread", "single"),
                    new DescribeTopicsOptions().partitionSizeLimitPerResponse(4)).allTopicNames().get();
            for (String topic : List.of("spread", "single")) {
                Map<Integer, PartitionInfo> metadata = consumer.partitionsFor(topic).stream()
                        .collect(Collectors.toMap(PartitionInfo::partition, Function.identity()));
                TopicDescription description = described.get(topic);
                assertThat(description.topicId()).isNotNull();
                assertThat(description.partitions()).hasSize(metadata.size()).allSatisfy(p -> {
                    PartitionInfo m = metadata.get(p.partition());
                    assertThat(p.leader().id()).isEqualTo(m.leader().id());
                    assertThat(ids(p.replicas())).containsExactlyElementsOf(ids(List.of(m.replicas())));
                    assertThat(ids(p.isr())).containsExactlyInAnyOrderElementsOf(ids(List.of(m.inSyncReplicas())));
                    assertThat(p.elr()).isEmpty();
                    assertThat(p.lastKnownElr()).isEmpty();
                });
            }
        }
    }

    @Test
    @Order(3)
    void describesTheMetadataQuorumFromAnyNode() throws Exception {
        for (NodeProcess node : nodes) {
            try (Admin admin = Clients.admin(node.bootstrap())) {
                QuorumInfo quorum = admin.describeMetadataQuorum().quorumInfo().get();
                assertThat(quorum.leaderId()).isIn(1, 2, 3);
                assertThat(quorum.leaderEpoch()).isPositive();
                assertThat(quorum.observers()).isEmpty();
                assertThat(quorum.voters()).extracting(QuorumInfo.ReplicaState::replicaId)
                        .containsExactlyInAnyOrder(1, 2, 3);
                QuorumInfo.ReplicaState leader = voter(quorum, quorum.leaderId());
                assertThat(leader.logEndOffset()).isGreaterThanOrEqualTo(quorum.highWatermark());
                assertThat(quorum.highWatermark()).isPositive();
                assertThat(quorum.voters()).allSatisfy(v -> {
                    assertThat(v.logEndOffset()).isPositive().isLessThanOrEqualTo(leader.logEndOffset());
                    assertThat(v.lastFetchTimestamp()).isPresent();
                });
                assertThat(quorum.nodes()).containsOnlyKeys(1, 2, 3);
                assertThat(quorum.nodes().get(1).endpoints()).singleElement().satisfies(e -> {
                    assertThat(e.listener()).isEqualTo("CONTROLLER");
                    assertThat(e.port()).isEqualTo(nodes.get(0).controllerPort());
                });
            }
        }
    }

    @Test
    @Order(4)
    void aKilledNodeLeavesTheIsrIsOfflineAndFallsBehindInTheQuorum() throws Exception {
        NodeProcess killed = nodes.get(2);
        killed.kill9();
        String survivors = nodes.get(0).bootstrap() + "," + nodes.get(1).bootstrap();
        try (Admin admin = Clients.admin(survivors)) {
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                TopicDescription spread = admin.describeTopics(List.of("spread")).allTopicNames().get()
                        .get("spread");
                assertThat(spread.partitions()).allSatisfy(p -> {
                    assertThat(ids(p.replicas())).contains(3);
                    assertThat(ids(p.isr())).doesNotContain(3).isNotEmpty();
                    assertThat(p.leader().id()).isNotEqualTo(3);
                });
            });
            // offline replicas are not in Admin's TopicPartitionInfo: ask DescribeTopicPartitions itself, of node 1,
            // which may apply the fencing a moment after the node that answered above
            try (RawClient raw = new RawClient(port(nodes.get(0)))) {
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                    DescribeTopicPartitionsResponse response = raw.request(
                            new DescribeTopicPartitionsRequest.Builder(new DescribeTopicPartitionsRequestData()
                                    .setTopics(List.of(
                                            new DescribeTopicPartitionsRequestData.TopicRequest().setName("spread"),
                                            new DescribeTopicPartitionsRequestData.TopicRequest().setName("single"))))
                                    .build((short) 0));
                    List<DescribeTopicPartitionsResponsePartition> spread =
                            response.data().topics().find("spread").partitions();
                    assertThat(spread).hasSize(6)
                            .allSatisfy(p -> assertThat(p.offlineReplicas()).containsExactly(3));
                    // a single-replica partition on node 3 has no leader left
                    assertThat(response.data().topics().find("single").partitions()).allSatisfy(p -> {
                        if (p.replicaNodes().equals(List.of(3))) {
                            assertThat(p.leaderId()).isEqualTo(-1);
                            assertThat(p.offlineReplicas()).containsExactly(3);
                        } else {
                            assertThat(p.offlineReplicas()).isEmpty();
                        }
                    });
                });
            }
            // the quorum goes on without node 3, which falls behind as the metadata log grows
            admin.createTopics(List.of(new NewTopic("after-the-kill", 1, (short) 2))).all().get();
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                QuorumInfo quorum = admin.describeMetadataQuorum().quorumInfo().get();
                assertThat(quorum.leaderId()).isIn(1, 2);
                QuorumInfo.ReplicaState leader = voter(quorum, quorum.leaderId());
                QuorumInfo.ReplicaState lost = voter(quorum, 3);
                assertThat(lost.logEndOffset()).isLessThan(leader.logEndOffset());
                assertThat(lost.lastCaughtUpTimestamp()).isEmpty();
            });
        }
        // `strata cluster describe` shows the same quorum: node 3 a follower that lags, node 3 a fenced broker
        String table = strata("cluster", "describe", "--bootstrap-server", survivors);
        assertThat(table.lines()).anyMatch(l -> l.matches("3 +127\\.0\\.0\\.1 +\\d+ +west +fenced"))
                .anyMatch(l -> l.matches("Metadata quorum: leader [12], epoch \\d+, high watermark \\d+"))
                .anyMatch(l -> l.matches("NODE +ROLE +LOG END +LAG +LAST FETCH"))
                .anyMatch(l -> l.matches("[12] +leader +\\d+ +0 +\\d+ ms ago"))
                .anyMatch(l -> l.matches("3 +follower +(\\d+ +[1-9]\\d*|- +-) +\\d+ ms ago"));
        JsonNode quorum = new ObjectMapper().readTree(strata("cluster", "describe", "--bootstrap-server", survivors,
                "--output", "json")).get("quorum");
        assertThat(quorum.get("voters")).hasSize(3);
        JsonNode lost = quorum.get("voters").get(2);
        assertThat(lost.get("id").asInt()).isEqualTo(3);
        assertThat(lost.get("role").asText()).isEqualTo("follower");
        assertThat(lost.get("lastCaughtUpTimestamp").isNull()).isTrue();
        assertThat(lost.get("lag").isNull() || lost.get("lag").asLong() > 0).isTrue();
    }

    /** Runs {@code strata} in this JVM; returns its stdout, failing unless it exits 0. */
    private static String strata(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = StrataCli.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        assertThat(cli.execute(args)).as(err.toString()).isZero();
        return out.toString();
    }

    private static QuorumInfo.ReplicaState voter(QuorumInfo quorum, int id) {
        return quorum.voters().stream().filter(v -> v.replicaId() == id).findFirst().orElseThrow();
    }

    private static List<Integer> ids(List<Node> nodes) {
        return nodes.stream().map(Node::id).toList();
    }

    private static int port(NodeProcess node) {
        String bootstrap = node.bootstrap();
        return Integer.parseInt(bootstrap.substring(bootstrap.lastIndexOf(':') + 1));
    }
}
