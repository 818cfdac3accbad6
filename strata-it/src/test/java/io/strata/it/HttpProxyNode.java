package io.strata.it;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
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
 * <p>The tests share one such node per test JVM ({@link #shared()}; surefire runs each test class on its own JUnit
 * engine, so the sharing is the JVM's, not a JUnit store's). Thread-safe: immutable once started.
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

    /** Guarded by the class: see {@link #shared()}. */
    private static HttpProxyNode shared;

    private final Path dir;
    private final TestNode node;
    private final Admin admin;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private HttpProxyNode(Path dir, TestNode node, Admin admin) {
        this.dir = dir;
        this.node = node;
        this.admin = admin;
    }

    /** The node of this test JVM, started on first use; stopped, and its directory deleted, when the JVM exits. */
    static synchronized HttpProxyNode shared() throws Exception {
        if (shared == null) {
            HttpProxyNode started = start(Files.createTempDirectory("http-proxy-node"));
            Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(() -> {
                try {
                    started.close();
                } catch (IOException e) {
                    // the JVM is exiting: a directory left behind is all that is lost
                }
            }));
            shared = started;
        }
        return shared;
    }

    /** Starts the node, with its data under {@code dir}, and creates the topics. */
    static HttpProxyNode start(Path dir) throws Exception {
        TestNode node = TestNode.start(dir.resolve("node"), Map.of("group.initial.rebalance.delay.ms", "0",
                "rest.consumer.max.instances", "3", "rest.max.request.bytes", "1048576"));
        Admin admin = Admin.create(Map.of("bootstrap.servers", node.server().bootstrapServers()));
        admin.createTopics(List.of(new NewTopic("http-in", 3, (short) 1), new NewTopic("http-out", 1, (short) 1),
                new NewTopic("http-v3", 2, (short) 1), new NewTopic("http-bad", 1, (short) 1),
                new NewTopic("http-bulk", 3, (short) 1), new NewTopic("http-avro", 1, (short) 1),
                new NewTopic("http-jsonschema", 1, (short) 1))).all()
                .get(30, TimeUnit.SECONDS);
        return new HttpProxyNode(dir, node, admin);
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

    /** Stops the node and deletes its directory. */
    @Override
    public void close() throws IOException {
        admin.close();
        http.close();
        node.close();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
