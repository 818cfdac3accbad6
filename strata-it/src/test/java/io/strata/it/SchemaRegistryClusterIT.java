package io.strata.it;

import static io.strata.it.SchemaRegistryIT.call;
import static io.strata.it.SchemaRegistryIT.register;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The schema registry and the HTTP proxy of a three-node cluster of real processes: registrations sent to two nodes
 * at once are decided by the one writer (the leader of {@code _schemas}), so no two share an id or a version, every
 * node serves them, and a node that forwarded a registration serves it as soon as it answers. When the writer's node
 * is killed ({@code kill -9}), the others still serve every acknowledged schema, a new registration gets a new id,
 * and every record acknowledged through the proxy before the kill is read back.
 */
class SchemaRegistryClusterIT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    @Test
    void idsAreNeverSharedOrReusedAndALostNodeLosesNothing() throws Exception {
        List<NodeProcess> nodes = NodeProcess.cluster(dir, 3, Map.of());
        try {
            NodeProcess.startAll(nodes);
            Map<NodeProcess, String> urls = new HashMap<>();
            for (NodeProcess node : nodes) {
                urls.put(node, "http://127.0.0.1:" + node.httpPort());
            }
            Function<NodeProcess, String> registry = n -> urls.get(n) + "/schema-registry";
            call(registry.apply(nodes.get(0)), "PUT", "/config", Map.of("compatibility", "NONE"));
            // A write forwarded by a node that is not the writer is readable there as soon as it is acknowledged.
            for (NodeProcess node : nodes) {
                String schema = "{\"type\":\"record\",\"name\":\"Own" + nodes.indexOf(node) + "\",\"fields\":[]}";
                int id = register(registry.apply(node), "own-" + nodes.indexOf(node), schema);
                assertThat(call(registry.apply(node), "GET", "/schemas/ids/" + id, null).status()).isEqualTo(200);
            }
            List<Future<Integer>> futures = new ArrayList<>();
            try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < 20; i++) {
                    String url = registry.apply(nodes.get(i % 2));
                    String schema = "{\"type\":\"record\",\"name\":\"R" + i + "\",\"fields\":[]}";
                    String subject = "subject-" + (i % 4);
                    futures.add(clients.submit(() -> register(url, subject, schema)));
                }
            }
            Set<Integer> ids = new HashSet<>();
            for (Future<Integer> f : futures) {
                ids.add(f.get());
            }
            assertThat(ids).hasSize(20);
            // Every node serves the same registry (reads are answered from each node's own copy of the topic).
            for (NodeProcess node : nodes) {
                await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                    for (int s = 0; s < 4; s++) {
                        assertThat(call(registry.apply(node), "GET", "/subjects/subject-" + s + "/versions", null)
                                .json().toString())
                                .isEqualTo("[1,2,3,4,5]");
                    }
                });
            }

            // The proxy writes with acks=all: records it acknowledged outlive the node that led their partition.
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                    nodes.get(0).bootstrap()))) {
                int writer = leaderOf(admin, "_schemas");
                // The writer's node also leads the topic, so its loss takes both leaderships.
                List<Integer> replicas = new ArrayList<>(List.of(writer));
                List.of(1, 2, 3).stream().filter(n -> n != writer).forEach(replicas::add);
                admin.createTopics(List.of(new NewTopic("events", Map.of(0, replicas))
                        .configs(Map.of("min.insync.replicas", "2")))).all().get(30, TimeUnit.SECONDS);
                await().atMost(Duration.ofSeconds(30)).until(() -> leaderOf(admin, "events") == writer);
                List<String> acknowledged = new ArrayList<>();
                for (int i = 0; i < 200; i++) {
                    acknowledged.add("before-" + i);
                }
                NodeProcess lost = nodes.get(writer - 1);
                produceThroughProxy(urls.get(lost), acknowledged);

                lost.kill9();
                List<NodeProcess> alive = nodes.stream().filter(n -> n != lost).toList();
                int newId = await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> register(
                        registry.apply(alive.get(0)), "after-loss",
                        "{\"type\":\"record\",\"name\":\"After\",\"fields\":[]}"),
                        id -> id > 0);
                assertThat(ids).doesNotContain(newId);
                for (NodeProcess node : alive) {
                    for (int id : ids) {
                        assertThat(call(registry.apply(node), "GET", "/schemas/ids/" + id, null).status())
                                .isEqualTo(200);
                    }
                }
                List<String> after = List.of("after-0", "after-1");
                await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
                        .untilAsserted(() -> produceThroughProxy(urls.get(alive.get(1)), after));
                // The json format stores each value as its JSON text: a quoted string.
                List<String> expected = new ArrayList<>();
                acknowledged.forEach(v -> expected.add("\"" + v + "\""));
                after.forEach(v -> expected.add("\"" + v + "\""));
                assertThat(readAll(alive.get(0).bootstrap(), "events", expected.size())).containsAll(expected);
            }
        } finally {
            for (NodeProcess node : nodes) {
                node.close();
            }
        }
    }

    private static int leaderOf(Admin admin, String topic) throws Exception {
        return await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> admin.describeTopics(
                List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS).get(topic).partitions().get(0).leader()
                .id(), id -> id > 0);
    }

    /**
     * Produces {@code values} as JSON records through the proxy (v2) of the node whose HTTP server is at
     * {@code httpUrl}; every one must be acknowledged.
     */
    private static void produceThroughProxy(String httpUrl, List<String> values) throws Exception {
        StringBuilder records = new StringBuilder();
        for (String v : values) {
            records.append(records.isEmpty() ? "" : ",").append("{\"value\":\"").append(v).append("\"}");
        }
        HttpRequest request = HttpRequest.newBuilder(URI.create(httpUrl + "/topics/events"))
                .header("Content-Type", "application/vnd.kafka.json.v2+json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"records\":[" + records + "]}"))
                .timeout(Duration.ofSeconds(60)).build();
        HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.body()).doesNotContain("\"error_code\":4", "\"error_code\":5");
    }

    /** Every value of {@code topic} from the beginning, until {@code count} were read. */
    private static List<String> readAll(String bootstrap, String topic, int count) {
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName()))) {
            consumer.assign(List.of(new TopicPartition(topic, 0)));
            consumer.seekToBeginning(List.of(new TopicPartition(topic, 0)));
            List<String> values = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (values.size() < count && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> values.add(r.value()));
            }
            return values;
        }
    }
}
