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
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.QuorumInfo;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/**
 * Three combined voters and one broker-only node ({@code process.roles=broker}), each a real process. The fourth
 * node is given only its id, the voter list and its client listener: it joins the metadata log as a Ratis listener,
 * is a broker like the others (replicas are placed on it), and is reported as an observer of the quorum. An
 * idempotent acks=all producer writes all along while the broker-only node is {@code kill -9}ed and restarted, and
 * then while the active controller (a voter) is; afterwards every acknowledged value is read back exactly once and
 * in order. Last, the broker-only node stops on SIGTERM with a controlled shutdown.
 */
class BrokerOnlyNodeIT {

    private static final Logger log = LoggerFactory.getLogger(BrokerOnlyNodeIT.class);
    private static final String TOPIC = "listener";
    private static final int PARTITIONS = 4;
    private static final int BROKER_ONLY = 4;
    private static final Map<String, String> FAST_FAILOVER = Map.of("broker.session.timeout.ms", "3000",
            "replica.lag.time.max.ms", "5000", "replica.fetch.wait.max.ms", "100",
            "replica.socket.timeout.ms", "3000", "replica.fetch.backoff.ms", "200");

    @TempDir
    Path dir;

    private final List<NodeProcess> nodes = new ArrayList<>();
    private AckedWrites writes;

    @AfterEach
    void tearDown() throws Exception {
        if (writes != null) {
            writes.close();
        }
        for (NodeProcess node : nodes) {
            node.close();
        }
    }

    @Test
    void aBrokerOnlyNodeFollowsTheMetadataLogHoldsReplicasAndSurvivesKillsOfItselfAndOfTheController()
            throws Exception {
        List<NodeProcess> voters = NodeProcess.cluster(dir, 3, FAST_FAILOVER);
        nodes.addAll(voters);
        NodeProcess brokerOnly = NodeProcess.brokerOnly(dir, BROKER_ONLY, voters, FAST_FAILOVER);
        nodes.add(brokerOnly);
        // all at once: the broker-only node keeps asking to join until the voters have elected a leader
        NodeProcess.startAll(nodes);
        log.info("Started 3 voters and broker-only node {} in {}", BROKER_ONLY, brokerOnly.lastStartTime());

        try (Admin admin = Clients.admin(bootstrap())) {
            assertThat(admin.describeCluster().nodes().get()).extracting(Node::id)
                    .containsExactlyInAnyOrder(1, 2, 3, BROKER_ONLY);
            admin.createTopics(List.of(new NewTopic(TOPIC, PARTITIONS, (short) 3)
                    .configs(Map.of("min.insync.replicas", "2")))).all().get();
            assertThat(describe(admin).partitions()).anySatisfy(p ->
                    assertThat(p.replicas()).extracting(Node::id).contains(BROKER_ONLY));
            awaitFullIsr(admin);
            log.info("Topic {} has its full ISRs", TOPIC);
            assertQuorumHasTheBrokerOnlyNodeAsObserver(admin);

            writes = AckedWrites.start(this::bootstrap, TOPIC, PARTITIONS);
            writes.awaitProgress(200);
            // the broker-only node dies and comes back: it recovers its metadata log and rejoins the ISRs
            brokerOnly.kill9();
            writes.awaitProgress(writes.count() + 200);
            brokerOnly.start();
            log.info("Broker-only node restarted in {}", brokerOnly.lastStartTime());
            awaitFullIsr(admin);
            writes.verify();
            log.info("Every acknowledged value read back after the broker-only node's restart");

            // the active controller dies: the listener follows the new Raft leader, writes go on
            int controller = admin.describeMetadataQuorum().quorumInfo().get().leaderId();
            NodeProcess victim = nodes.get(controller - 1);
            victim.kill9();
            writes.awaitProgress(writes.count() + 200);
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() ->
                    admin.describeMetadataQuorum().quorumInfo().get().leaderId() != controller);
            victim.start();
            log.info("Active controller {} restarted in {}", controller, victim.lastStartTime());
            awaitFullIsr(admin);
            writes.awaitProgress(writes.count() + 100);
            writes.verify();
            assertQuorumHasTheBrokerOnlyNodeAsObserver(admin);

            // SIGTERM: a controlled shutdown moves its leaderships away before it stops; writes go on
            assertThat(brokerOnly.stop()).as("exit status after SIGTERM").isIn(0, 143);
            await().atMost(Duration.ofSeconds(10)).ignoreExceptions().untilAsserted(() ->
                    assertThat(describe(admin).partitions()).allSatisfy(p ->
                            assertThat(p.leader().id()).isNotEqualTo(BROKER_ONLY)));
            writes.awaitProgress(writes.count() + 100);
        }
        assertThat(brokerOnly.output()).contains("follows the metadata log as a listener");
    }

    private void assertQuorumHasTheBrokerOnlyNodeAsObserver(Admin admin) throws Exception {
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> {
            QuorumInfo quorum = admin.describeMetadataQuorum().quorumInfo().get();
            assertThat(quorum.voters()).extracting(QuorumInfo.ReplicaState::replicaId)
                    .containsExactlyInAnyOrder(1, 2, 3);
            long leaderEnd = quorum.voters().stream().filter(v -> v.replicaId() == quorum.leaderId())
                    .mapToLong(QuorumInfo.ReplicaState::logEndOffset).findFirst().orElseThrow();
            assertThat(quorum.observers()).singleElement().satisfies(observer -> {
                assertThat(observer.replicaId()).isEqualTo(BROKER_ONLY);
                assertThat(observer.logEndOffset()).isPositive().isLessThanOrEqualTo(leaderEnd);
                assertThat(observer.lastFetchTimestamp()).isPresent();
            });
        });
        JsonNode quorum = new ObjectMapper().readTree(strata("cluster", "describe", "--bootstrap-server",
                bootstrap(), "--output", "json")).get("quorum");
        assertThat(quorum.get("voters")).hasSize(3);
        assertThat(quorum.get("observers")).singleElement().satisfies(observer -> {
            assertThat(observer.get("id").asInt()).isEqualTo(BROKER_ONLY);
            assertThat(observer.get("role").asText()).isEqualTo("observer");
        });
    }

    private String bootstrap() {
        return String.join(",", nodes.stream().map(NodeProcess::bootstrap).toList());
    }

    private static TopicDescription describe(Admin admin) throws Exception {
        return admin.describeTopics(List.of(TOPIC)).allTopicNames().get().get(TOPIC);
    }

    private static void awaitFullIsr(Admin admin) {
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> describe(admin).partitions().stream()
                .allMatch(p -> p.leader() != null && p.isr().size() == 3));
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
}
