package io.strata.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.quota.ClientQuotaAlteration;
import org.apache.kafka.common.quota.ClientQuotaEntity;
import org.apache.kafka.common.quota.ClientQuotaFilter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Quotas on a cluster of two nodes (each a whole node with its own ports and quorum member, run in this JVM as in
 * {@code ReplicationIT}) are per node, as Kafka's are per broker: a quota set through node 1's Admin API reaches node 2
 * through the metadata log, and each node holds a client to it for the traffic it receives (a producer writing to a
 * partition led by each node gets the quota from each); removed through node 2, it stops throttling on both. About
 * 35 s on a quiet host (nodes start in about 10 s, one quota cycle takes about 15 s).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class QuotaClusterIT {

    private static final int QUOTA = 524_288;
    private static final ClientQuotaEntity CAPPED = new ClientQuotaEntity(Map.of(ClientQuotaEntity.CLIENT_ID,
            "capped"));

    private final List<TestNode> nodes = new ArrayList<>();
    private final List<Admin> admins = new ArrayList<>();

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        nodes.addAll(TestNode.cluster(dir, 2, Map.of()));
        TestNode.startAll(nodes);
        for (TestNode node : nodes) {
            admins.add(Clients.admin(node.bootstrap())); // each talks to its own node only
        }
        admins.getFirst().createTopics(List.of(new NewTopic("spread", Map.of(0, List.of(1), 1, List.of(2)))))
                .all().get();
    }

    @AfterAll
    void stop() {
        admins.forEach(Admin::close);
        nodes.forEach(TestNode::close);
    }

    private String bootstrap() {
        return String.join(",", nodes.stream().map(TestNode::bootstrap).toList());
    }

    /** Requests of half the quota: few enough to keep up with it on a busy host. */
    private static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
        return Clients.producer(bootstrap, Map.of(ProducerConfig.CLIENT_ID_CONFIG, "capped",
                ProducerConfig.ACKS_CONFIG, "1", ProducerConfig.LINGER_MS_CONFIG, 20,
                ProducerConfig.BATCH_SIZE_CONFIG, QUOTA / 2));
    }

    private void alter(Admin admin, Double value) throws Exception {
        admin.alterClientQuotas(List.of(new ClientQuotaAlteration(CAPPED, List.of(
                new ClientQuotaAlteration.Op("producer_byte_rate", value))))).all().get();
    }

    /** Waits until every node's own metadata says {@code capped} has the quota (or, for null, none). */
    private void awaitOnEveryNode(Double value) {
        Map<String, Double> expected = value == null ? Map.of() : Map.of("producer_byte_rate", value);
        await().atMost(Duration.ofSeconds(15)).until(() -> {
            for (Admin admin : admins) {
                Map<String, Double> described = admin.describeClientQuotas(ClientQuotaFilter.all()).entities().get()
                        .getOrDefault(CAPPED, Map.of());
                if (!described.equals(expected)) {
                    return false;
                }
            }
            return true;
        });
    }

    @Test
    void aQuotaSetThroughOneNodeHoldsClientsOnEveryNodeUntilRemovedThroughAnother() throws Exception {
        alter(admins.getFirst(), (double) QUOTA);
        awaitOnEveryNode((double) QUOTA);

        // Partition 0 is led by node 1, partition 1 by node 2: one backlogged producer for each.
        byte[] value = new byte[1024];
        List<HeldRate> rates = List.of(new HeldRate(QuotaIT.SPAN_SECONDS), new HeldRate(QuotaIT.SPAN_SECONDS));
        List<AutoCloseable> running = new ArrayList<>();
        try {
            for (int partition = 0; partition < 2; partition++) {
                running.add(QuotaIT.backlogged(producer(bootstrap()), new ProducerRecord<>("spread", partition, null,
                        value), rates.get(partition)));
            }
            await().atMost(Duration.ofSeconds(QuotaIT.SPAN_SECONDS * 4))
                    .until(() -> rates.stream().allMatch(HeldRate::measured));
        } finally {
            for (AutoCloseable producer : running) {
                producer.close();
            }
        }
        for (int node = 0; node < 2; node++) {
            System.out.printf("QuotaClusterIT: node %d held the producer at %.0f B/s (quota %d)%n", node + 1,
                    rates.get(node).bytesPerSecond(), QUOTA);
            assertThat(rates.get(node).bytesPerSecond()).as("node " + (node + 1))
                    .isBetween(QUOTA * 0.9, QUOTA * 1.1);
        }

        alter(admins.getLast(), null);
        awaitOnEveryNode(null);
        // Two spans' worth of the quota to each node at full speed: throttled by neither now.
        try (KafkaProducer<byte[], byte[]> free = producer(bootstrap())) {
            for (int i = 0; i < 4 * QuotaIT.SPAN_SECONDS * QUOTA / value.length; i++) {
                free.send(new ProducerRecord<>("spread", i % 2, null, value));
            }
            free.flush();
            assertThat(QuotaIT.metric(free.metrics(), "produce-throttle-time-max")).isZero();
        }
    }
}
