package io.strata.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import io.strata.server.cluster.Partition;
import io.strata.server.http.HttpService;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /metrics} of a real node scraped with a plain HTTP client and parsed as Prometheus text while real Kafka
 * clients run: bytes in match what the producer sent, and the broker's consumer lag equals log end offset minus the
 * committed offset, per partition, for a group that lags. Also content negotiation, 404s and a taken port.
 */
class MetricsIT {

    private static final String TOPIC = "metered";
    private static final String GROUP = "lagging";
    private static final int PARTITIONS = 3;

    @TempDir
    static Path dir;
    static TestNode node;
    static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @BeforeAll
    static void startNode() throws Exception {
        node = TestNode.start(dir.resolve("node"), Map.of("group.initial.rebalance.delay.ms", "0"));
    }

    @AfterAll
    static void stopNode() {
        node.close();
    }

    private static URI uri(TestNode target, String path) {
        HttpService.BoundListener listener = target.server().httpListeners().get(0);
        return URI.create("http://127.0.0.1:" + listener.address().getPort() + path);
    }

    private static URI uri(String path) {
        return uri(node, path);
    }

    private static HttpResponse<String> get(TestNode target, String path, String accept) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(target, path)).timeout(Duration.ofSeconds(30));
        if (accept != null) {
            request.header("Accept", accept);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> get(String path, String accept) throws Exception {
        return get(node, path, accept);
    }

    private static List<PrometheusText.Sample> scrape() throws Exception {
        return scrape(node);
    }

    private static List<PrometheusText.Sample> scrape(TestNode target) throws Exception {
        HttpResponse<String> response = get(target, "/metrics", null);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                t -> assertThat(t).startsWith("text/plain; version=0.0.4"));
        return PrometheusText.parse(response.body());
    }

    @Test
    void bytesInMatchWhatWasProducedAndLagIsLogEndMinusCommittedPerPartition() throws Exception {
        try (Admin admin = Clients.admin(node.bootstrap())) {
            admin.createTopics(List.of(new NewTopic(TOPIC, PARTITIONS, (short) 1))).all().get();
        }
        int records = 3000;
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(node.bootstrap(), Map.of("linger.ms", 5));
             KafkaConsumer<byte[], byte[]> consumer = Clients.consumer(node.bootstrap(), Map.of(
                     ConsumerConfig.GROUP_ID_CONFIG, GROUP, ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false))) {
            for (int i = 0; i < records; i++) {
                producer.send(new ProducerRecord<>(TOPIC, i % PARTITIONS, null, ("value-" + i).getBytes()));
            }
            producer.flush();
            double sentBytes = producerTopicMetric(producer, "byte-total");

            // The group consumes and commits a part of each partition only: it lags.
            consumer.subscribe(List.of(TOPIC));
            Clients.poll(consumer, records);
            Map<TopicPartition, OffsetAndMetadata> commits = new HashMap<>();
            for (int p = 0; p < PARTITIONS; p++) {
                commits.put(new TopicPartition(TOPIC, p), new OffsetAndMetadata(100L * (p + 1)));
            }
            consumer.commitSync(commits);
            Map<TopicPartition, Long> ends = consumer.endOffsets(commits.keySet());

            List<PrometheusText.Sample> samples = scrape();
            double bytesIn = value(samples, "kafka_server_brokertopicmetrics_bytesin_total", Map.of("topic", TOPIC));
            assertThat(bytesIn).isCloseTo(sentBytes, within(sentBytes * 0.01));
            assertThat(value(samples, "kafka_server_brokertopicmetrics_messagesin_total", Map.of("topic", TOPIC)))
                    .isEqualTo(records);
            assertThat(value(samples, "kafka_server_brokertopicmetrics_bytesout_total", Map.of("topic", TOPIC)))
                    .isGreaterThanOrEqualTo(bytesIn);
            for (Map.Entry<TopicPartition, OffsetAndMetadata> commit : commits.entrySet()) {
                Map<String, String> labels = Map.of("consumergroup", GROUP, "topic", TOPIC,
                        "partition", Integer.toString(commit.getKey().partition()));
                assertThat(value(samples, "kafka_consumergroup_lag", labels))
                        .isEqualTo((double) (ends.get(commit.getKey()) - commit.getValue().offset()))
                        .isPositive();
                assertThat(value(samples, "kafka_consumergroup_current_offset", labels))
                        .isEqualTo((double) commit.getValue().offset());
                assertThat(value(samples, "kafka_log_log_logendoffset", Map.of("topic", TOPIC,
                        "partition", Integer.toString(commit.getKey().partition()))))
                        .isEqualTo((double) ends.get(commit.getKey()));
            }
            assertThat(value(samples, "kafka_consumergroup_members", Map.of("consumergroup", GROUP))).isEqualTo(1);
            assertThat(value(samples, "kafka_consumergroup_state", Map.of("consumergroup", GROUP, "state", "Stable")))
                    .isEqualTo(1);
            assertThat(value(samples, "kafka_network_requestmetrics_requests_total", Map.of("request", "Produce")))
                    .isPositive();
            assertThat(value(samples, "kafka_network_requestmetrics_totaltimems_count", Map.of("request", "Fetch")))
                    .isPositive();
            assertThat(value(samples, "kafka_server_socket_server_metrics_connection_count",
                    Map.of("listener", "PLAINTEXT"))).isGreaterThanOrEqualTo(2);
            assertThat(value(samples, "kafka_controller_kafkacontroller_activecontrollercount", Map.of()))
                    .isEqualTo(1);
            assertThat(value(samples, "kafka_server_replicamanager_underreplicatedpartitions", Map.of()))
                    .isZero();
            assertThat(samples.stream().map(PrometheusText.Sample::name).collect(Collectors.toSet()))
                    .contains("jvm_memory_used_bytes", "kafka_log_log_size", "kafka_log_log_numlogsegments");
        }
    }

    private static double producerTopicMetric(KafkaProducer<?, ?> producer, String name) {
        for (Map.Entry<MetricName, ? extends Metric> e : producer.metrics().entrySet()) {
            if (e.getKey().group().equals("producer-topic-metrics") && e.getKey().name().equals(name)
                    && TOPIC.equals(e.getKey().tags().get("topic"))) {
                return ((Number) e.getValue().metricValue()).doubleValue();
            }
        }
        throw new AssertionError("The producer has no " + name + " for " + TOPIC);
    }

    private static double value(List<PrometheusText.Sample> samples, String name, Map<String, String> labels) {
        List<PrometheusText.Sample> found = PrometheusText.find(samples, name, labels);
        assertThat(found).as("%s%s", name, labels).hasSize(1);
        return found.get(0).value();
    }

    /**
     * Three nodes, a partition replicated on all: while a follower is down its leader reports the partition
     * under-replicated; once the follower is back and caught up, the leader expands the ISR and says so.
     */
    @Test
    void theLeaderReportsUnderReplicationAndTheIsrExpansion() throws Exception {
        List<TestNode> cluster = TestNode.cluster(dir.resolve("cluster"), 3, Map.of(
                "replica.fetch.wait.max.ms", "100", "broker.session.timeout.ms", "3000"));
        try {
            TestNode.startAll(cluster);
            try (Admin admin = Clients.admin(cluster.get(0).bootstrap())) {
                admin.createTopics(List.of(new NewTopic("replicated", 1, (short) 3))).all().get();
            }
            TopicPartition tp = new TopicPartition("replicated", 0);
            await().atMost(Duration.ofSeconds(30)).until(() -> cluster.stream().anyMatch(n ->
                    n.server().replicas().partition(tp).map(Partition::isLeader).orElse(false)));
            TestNode leader = cluster.stream().filter(n ->
                    n.server().replicas().partition(tp).map(Partition::isLeader).orElse(false)).findFirst().get();
            TestNode follower = cluster.stream().filter(n -> n != leader).findFirst().get();
            assertThat(value(scrape(leader), "kafka_server_replicamanager_underreplicatedpartitions", Map.of()))
                    .isZero();

            follower.close();
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(value(scrape(leader),
                    "kafka_server_replicamanager_underreplicatedpartitions", Map.of())).isEqualTo(1));

            follower.start();
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                List<PrometheusText.Sample> samples = scrape(leader);
                assertThat(value(samples, "kafka_server_replicamanager_underreplicatedpartitions", Map.of()))
                        .isZero();
                assertThat(value(samples, "kafka_server_replicamanager_isrexpands_total", Map.of()))
                        .isGreaterThanOrEqualTo(1);
            });
        } finally {
            cluster.forEach(TestNode::close);
        }
    }

    @Test
    void openMetricsWhenAskedFor() throws Exception {
        HttpResponse<String> response = get("/metrics", "application/openmetrics-text; version=1.0.0; charset=utf-8");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                t -> assertThat(t).startsWith("application/openmetrics-text"));
        assertThat(response.body()).endsWith("# EOF\n");
        assertThat(PrometheusText.parse(response.body())).isNotEmpty();
    }

    @Test
    void unknownPathsAre404AndOtherMethods405() throws Exception {
        assertThat(get("/nothing-here", null).statusCode()).isEqualTo(404);
        assertThat(get("/metricsx", null).statusCode()).isEqualTo(404);
        HttpResponse<String> post = http.send(HttpRequest.newBuilder(uri("/metrics"))
                .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(405);
    }

    @Test
    void aTakenPortStopsTheNodeWithAClearErrorAndReleasesEverything() throws Exception {
        Path data = dir.resolve("taken");
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            String listener = "HTTP://127.0.0.1:" + taken.getLocalPort();
            assertThatThrownBy(() -> TestNode.start(data, Map.of("http.listeners", listener)))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("http.listeners")
                    .hasMessageContaining("cannot listen on");
        }
        // Nothing was left behind: the same directories start a node (their locks were released).
        try (TestNode again = TestNode.start(data)) {
            assertThat(again.server().httpListeners()).hasSize(1);
        }
    }

    @Test
    void anEmptyHttpListenersTurnsTheServerOff() throws Exception {
        try (TestNode off = TestNode.start(dir.resolve("off"), Map.of("http.listeners", ""))) {
            assertThat(off.server().httpListeners()).isEmpty();
            assertThat(off.server().listeners()).isNotEmpty();
        }
    }
}
