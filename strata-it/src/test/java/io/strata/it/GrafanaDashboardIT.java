package io.strata.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code docs/grafana/strata.json} queries only metrics that a node really exports: every metric name in its
 * queries (panels and template variables) has samples in a live scrape of {@code /metrics}, taken once a producer,
 * a consumer group and a failed produce have given every family something to report.
 */
class GrafanaDashboardIT {

    private static final Path DASHBOARD = Path.of("..", "docs", "grafana", "strata.json");
    private static final Pattern METRIC = Pattern.compile("\\b(?:kafka|jvm|process)_[a-z0-9_]+");

    @TempDir
    static Path dir;
    static TestNode node;

    @BeforeAll
    static void start() throws Exception {
        node = TestNode.start(dir.resolve("node"), Map.of("group.initial.rebalance.delay.ms", "0"));
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    @Test
    void everyMetricTheDashboardQueriesIsInAScrape() throws Exception {
        Set<String> queried = queriedMetrics(new ObjectMapper().readTree(DASHBOARD.toFile()));
        assertThat(queried).as("metrics found in the dashboard").hasSizeGreaterThan(20);

        try (Admin admin = Clients.admin(node.bootstrap());
             KafkaProducer<byte[], byte[]> producer = Clients.producer(node.bootstrap(), Map.of());
             KafkaConsumer<byte[], byte[]> consumer = Clients.consumer(node.bootstrap(),
                     Map.of(ConsumerConfig.GROUP_ID_CONFIG, "dashboard-readers"))) {
            admin.createTopics(List.of(new NewTopic("dashboard", 2, (short) 1),
                    new NewTopic("dashboard-strict", 1, (short) 1).configs(Map.of("min.insync.replicas", "2"))))
                    .all().get();
            // A produce that fails (NOT_ENOUGH_REPLICAS: one replica, two required), so that the error family has a
            // sample.
            try (KafkaProducer<byte[], byte[]> strict = Clients.producer(node.bootstrap(), Map.of(
                    ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.RETRIES_CONFIG, 0))) {
                assertThatThrownBy(() -> strict.send(new ProducerRecord<>("dashboard-strict", new byte[1])).get())
                        .hasCauseInstanceOf(NotEnoughReplicasException.class);
            }
            for (int i = 0; i < 20; i++) {
                producer.send(new ProducerRecord<>("dashboard", i % 2, null, new byte[100]));
            }
            producer.flush();
            consumer.subscribe(List.of("dashboard"));
            assertThat(Clients.poll(consumer, 20)).hasSize(20);
            consumer.commitSync();

            HttpClient http = HttpClient.newHttpClient();
            URI metrics = URI.create("http://127.0.0.1:" + node.server().httpListeners().get(0).address().getPort()
                    + "/metrics");
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                String scrape = http.send(HttpRequest.newBuilder(metrics).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
                Set<String> exported = PrometheusText.parse(scrape).stream().map(PrometheusText.Sample::name)
                        .collect(Collectors.toCollection(TreeSet::new));
                assertThat(exported).as("metric names with samples in a scrape").containsAll(queried);
            });
        }
    }

    /** The metric names in every query of the dashboard: panel targets and template variable queries. */
    static Set<String> queriedMetrics(JsonNode dashboard) {
        Set<String> names = new TreeSet<>();
        for (JsonNode panel : dashboard.get("panels")) {
            for (JsonNode target : panel.path("targets")) {
                names.addAll(metrics(target.get("expr").asText()));
            }
        }
        for (JsonNode variable : dashboard.path("templating").path("list")) {
            names.addAll(metrics(variable.path("definition").asText("")));
        }
        return names;
    }

    private static Set<String> metrics(String query) {
        Set<String> names = new TreeSet<>();
        Matcher m = METRIC.matcher(query);
        while (m.find()) {
            names.add(m.group());
        }
        return names;
    }
}
