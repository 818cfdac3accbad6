package io.strata.it;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * One in-process node whose HTTP proxy the HTTP proxy tests call as Confluent REST Proxy's clients do, with the
 * topics they use ({@code http-in}, {@code http-out}, {@code http-v3}, {@code http-bad}, {@code http-bulk},
 * {@code http-avro}, {@code http-jsonschema}), at most 3 proxy consumer instances and requests of at most 1 MiB;
 * an HTTP client for it and a real KafkaConsumer to read back what went in.
 *
 * <p>The tests share one such node per test JVM ({@link #shared()}). Thread-safe: immutable once started.
 */
final class HttpProxyNode implements AutoCloseable {

    static final String BINARY = "application/vnd.kafka.binary.v2+json";
    static final String JSON = "application/vnd.kafka.json.v2+json";
    static final String V2 = "application/vnd.kafka.v2+json";
    static final String AVRO = "application/vnd.kafka.avro.v2+json";
    static final String JSON_SCHEMA = "application/vnd.kafka.jsonschema.v2+json";
    static final ObjectMapper mapper = new ObjectMapper();
    /** Loops that drain records poll again at once: each round already waits for records itself. */
    static final Duration DRAIN = Duration.ofMillis(1);

    private static final SharedFixture<HttpProxyNode> SHARED = new SharedFixture<>("http-proxy-node",
            HttpProxyNode::start);

    private final TestNode node;
    private final Admin admin;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private HttpProxyNode(TestNode node, Admin admin) {
        this.node = node;
        this.admin = admin;
    }

    /** The node of this test JVM, started on first use; stopped, and its directory deleted, when the JVM exits. */
    static HttpProxyNode shared() throws Exception {
        return SHARED.get();
    }

    /** Starts the node, with its data under {@code dir}, and creates the topics. */
    private static HttpProxyNode start(Path dir) throws Exception {
        TestNode node = TestNode.start(dir.resolve("node"), Map.of("group.initial.rebalance.delay.ms", "0",
                "rest.consumer.max.instances", "3", "rest.max.request.bytes", "1048576"));
        Admin admin = Admin.create(Map.of("bootstrap.servers", node.server().bootstrapServers()));
        admin.createTopics(List.of(new NewTopic("http-in", 3, (short) 1), new NewTopic("http-out", 1, (short) 1),
                new NewTopic("http-v3", 2, (short) 1), new NewTopic("http-bad", 1, (short) 1),
                new NewTopic("http-bulk", 3, (short) 1), new NewTopic("http-avro", 1, (short) 1),
                new NewTopic("http-jsonschema", 1, (short) 1))).all()
                .get(30, TimeUnit.SECONDS);
        return new HttpProxyNode(node, admin);
    }

    Admin admin() {
        return admin;
    }

    HttpClient http() {
        return http;
    }

    String bootstrap() {
        return node.server().bootstrapServers();
    }

    String base() {
        return "http://127.0.0.1:" + node.server().httpListeners().getFirst().address().getPort();
    }

    HttpResponse<String> send(String method, String path, String contentType, String body, String accept)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base() + path))
                .timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        if (accept != null) {
            request.header("Accept", accept);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    JsonNode json(HttpResponse<String> response) throws Exception {
        return mapper.readTree(response.body());
    }

    static String b64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Every partition of {@code topic} read from the beginning until {@code count} records arrived (20 s at most). */
    List<ConsumerRecord<String, String>> readAll(String topic, int count) {
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap()),
                new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            List<ConsumerRecord<String, String>> records = new ArrayList<>();
            await().atMost(Duration.ofSeconds(20)).pollInterval(DRAIN).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
                return records.size() >= count;
            });
            return records;
        }
    }

    /** Partition 0 of {@code topic} read from the beginning as bytes until {@code count} records arrived. */
    List<ConsumerRecord<byte[], byte[]>> readBytes(String topic, int count) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap()),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            TopicPartition partition = new TopicPartition(topic, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
            await().atMost(Duration.ofSeconds(20)).pollInterval(DRAIN).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
                return records.size() >= count;
            });
            return records;
        }
    }

    /** Stops the node. */
    @Override
    public void close() {
        admin.close();
        http.close();
        node.close();
    }
}
