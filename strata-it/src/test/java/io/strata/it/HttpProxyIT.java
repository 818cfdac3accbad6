package io.strata.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTP proxy of a real node used with a plain HTTP client (and curl) as Confluent REST Proxy's clients use it:
 * what is produced over HTTP is read by a real KafkaConsumer, a proxy consumer instance reads what a real
 * KafkaProducer wrote and commits, a second instance of its group resumes there, v3's listing is Admin's view, v3
 * produce answers a stream of records with a stream of results, Avro and JSON Schema data go through the node's
 * schema registry in Confluent's wire format both ways, and bad input gets Confluent's error codes.
 */
class HttpProxyIT {

    private static final String BINARY = "application/vnd.kafka.binary.v2+json";
    private static final String JSON = "application/vnd.kafka.json.v2+json";
    private static final String V2 = "application/vnd.kafka.v2+json";
    private static final String AVRO = "application/vnd.kafka.avro.v2+json";
    private static final String JSON_SCHEMA = "application/vnd.kafka.jsonschema.v2+json";
    private static final ObjectMapper mapper = new ObjectMapper();
    /** Loops that drain records poll again at once: each round already waits for records itself. */
    private static final Duration DRAIN = Duration.ofMillis(1);

    @TempDir
    static Path dir;
    static TestNode node;
    static Admin admin;
    static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @BeforeAll
    static void startNode() throws Exception {
        node = TestNode.start(dir.resolve("node"), Map.of("group.initial.rebalance.delay.ms", "0",
                "rest.consumer.max.instances", "3", "rest.max.request.bytes", "1048576"));
        admin = Admin.create(Map.of("bootstrap.servers", node.server().bootstrapServers()));
        admin.createTopics(List.of(new NewTopic("http-in", 3, (short) 1), new NewTopic("http-out", 1, (short) 1),
                new NewTopic("http-v3", 2, (short) 1), new NewTopic("http-bad", 1, (short) 1),
                new NewTopic("http-bulk", 3, (short) 1), new NewTopic("http-avro", 1, (short) 1),
                new NewTopic("http-jsonschema", 1, (short) 1))).all()
                .get(30, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stopNode() {
        admin.close();
        node.close();
    }

    private static String base() {
        return "http://127.0.0.1:" + node.server().httpListeners().getFirst().address().getPort();
    }

    private static HttpResponse<String> send(String method, String path, String contentType, String body,
                                             String accept) throws Exception {
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

    private static JsonNode json(HttpResponse<String> response) throws Exception {
        return mapper.readTree(response.body());
    }

    private static String b64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private static List<ConsumerRecord<String, String>> readAll(String topic, int count) {
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, node.server().bootstrapServers()),
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

    @Test
    void binaryAndJsonProducedOverHttpAreReadByAKafkaConsumer() throws Exception {
        String binary = "{\"records\":[{\"key\":\"" + b64("k1") + "\",\"value\":\"" + b64("binary-1")
                + "\"},{\"value\":\"" + b64("binary-2") + "\",\"partition\":2}]}";
        HttpResponse<String> produced = send("POST", "/topics/http-in", BINARY, binary, null);
        assertThat(produced.statusCode()).isEqualTo(200);
        assertThat(produced.headers().firstValue("Content-Type")).hasValue(V2);
        JsonNode offsets = json(produced).get("offsets");
        assertThat(offsets).hasSize(2);
        assertThat(offsets.get(1).get("partition").asInt()).isEqualTo(2);
        assertThat(offsets.get(1).get("error_code").isNull()).isTrue();

        String jsonRecords = "{\"records\":[{\"key\":\"user-1\",\"value\":{\"name\":\"Ada\",\"visits\":3}}]}";
        HttpResponse<String> toPartition = send("POST", "/topics/http-in/partitions/1", JSON, jsonRecords, null);
        assertThat(toPartition.statusCode()).isEqualTo(200);
        assertThat(json(toPartition).get("offsets").get(0).get("partition").asInt()).isEqualTo(1);

        Map<String, ConsumerRecord<String, String>> byValue = readAll("http-in", 3).stream()
                .collect(Collectors.toMap(ConsumerRecord::value, r -> r));
        assertThat(byValue).containsKeys("binary-1", "binary-2", "{\"name\":\"Ada\",\"visits\":3}");
        assertThat(byValue.get("binary-1").key()).isEqualTo("k1");
        assertThat(byValue.get("binary-2").partition()).isEqualTo(2);
        ConsumerRecord<String, String> ada = byValue.get("{\"name\":\"Ada\",\"visits\":3}");
        assertThat(ada.key()).isEqualTo("\"user-1\"");
        assertThat(ada.partition()).isEqualTo(1);
        assertThat(ada.offset()).isEqualTo(json(toPartition).get("offsets").get(0).get("offset").asLong());

        JsonNode partitionOffsets = json(send("GET", "/topics/http-in/partitions/2/offsets", null, null, null));
        assertThat(partitionOffsets.get("beginning_offset").asLong()).isZero();
        assertThat(partitionOffsets.get("end_offset").asLong()).isEqualTo(
                byValue.values().stream().filter(r -> r.partition() == 2).count());
        JsonNode topic = json(send("GET", "/topics/http-in", null, null, null));
        assertThat(topic.get("partitions")).hasSize(3);
        assertThat(topic.get("configs").get("cleanup.policy").asText()).isEqualTo("delete");
        assertThat(json(send("GET", "/topics", null, null, null)).toString()).contains("\"http-in\"");
    }

    @Test
    void aConsumerInstanceReadsCommitsAndASecondOneResumesThere() throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                "bootstrap.servers", node.server().bootstrapServers()), new StringSerializer(),
                new StringSerializer())) {
            for (int i = 0; i < 10; i++) {
                producer.send(new ProducerRecord<>("http-out", "key-" + i, "value-" + i)).get();
            }
        }
        String group = "/consumers/http-group";
        String create = "{\"name\":\"first\",\"format\":\"binary\",\"auto.offset.reset\":\"earliest\","
                + "\"auto.commit.enable\":\"false\"}";
        HttpResponse<String> created = send("POST", group, V2, create, null);
        assertThat(created.statusCode()).isEqualTo(200);
        assertThat(json(created).get("instance_id").asText()).isEqualTo("first");
        assertThat(json(created).get("base_uri").asText()).isEqualTo(base() + group + "/instances/first");
        String first = group + "/instances/first";
        assertThat(send("POST", first + "/subscription", V2, "{\"topics\":[\"http-out\"]}", null).statusCode())
                .isEqualTo(204);
        assertThat(json(send("GET", first + "/subscription", null, null, null)).get("topics").get(0).asText())
                .isEqualTo("http-out");

        List<JsonNode> records = new ArrayList<>();
        await().atMost(Duration.ofSeconds(20)).pollInterval(DRAIN).until(() -> {
            HttpResponse<String> polled = send("GET", first + "/records?timeout=500", null, null, BINARY);
            assertThat(polled.statusCode()).isEqualTo(200);
            json(polled).forEach(records::add);
            return records.size() >= 10;
        });
        assertThat(records.get(0).get("topic").asText()).isEqualTo("http-out");
        assertThat(new String(Base64.getDecoder().decode(records.get(3).get("value").asText()),
                StandardCharsets.UTF_8)).isEqualTo("value-3");
        assertThat(records.get(3).get("offset").asLong()).isEqualTo(3);

        // Confluent's commit names the last record consumed: offset 4 means the group goes on from 5.
        String commit = "{\"offsets\":[{\"topic\":\"http-out\",\"partition\":0,\"offset\":4}]}";
        assertThat(send("POST", first + "/offsets", V2, commit, null).statusCode()).isEqualTo(200);
        JsonNode committed = json(send("GET", first + "/offsets", V2,
                "{\"partitions\":[{\"topic\":\"http-out\",\"partition\":0}]}", null));
        assertThat(committed.get("offsets").get(0).get("offset").asLong()).isEqualTo(5);
        Map<TopicPartition, OffsetAndMetadata> adminView = admin
                .listConsumerGroupOffsets("http-group").partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
        assertThat(adminView.get(new TopicPartition("http-out", 0)).offset()).isEqualTo(5);
        assertThat(send("DELETE", first, null, null, null).statusCode()).isEqualTo(204);
        assertThat(send("GET", first + "/records", null, null, BINARY).statusCode()).isEqualTo(404);

        String second = group + "/instances/second";
        assertThat(send("POST", group, V2, "{\"name\":\"second\"}", null).statusCode())
                .isEqualTo(200);
        assertThat(send("POST", second + "/subscription", V2, "{\"topics\":[\"http-out\"]}", null).statusCode())
                .isEqualTo(204);
        List<JsonNode> resumed = new ArrayList<>();
        await().atMost(Duration.ofSeconds(20)).pollInterval(DRAIN).until(() -> {
            // An Accept naming several formats is served when one of them is the instance's.
            HttpResponse<String> polled = send("GET", second + "/records?timeout=500", null, null, BINARY + ", "
                    + JSON);
            assertThat(polled.statusCode()).as(polled.body()).isEqualTo(200);
            json(polled).forEach(resumed::add);
            return !resumed.isEmpty();
        });
        assertThat(resumed.get(0).get("offset").asLong()).isEqualTo(5);
        assertThat(send("DELETE", second, null, null, null).statusCode()).isEqualTo(204);
    }

    @Test
    void tenThousandRecordsInEachFormatGoThroughAProxyConsumerGroup() throws Exception {
        StringBuilder binary = new StringBuilder("{\"records\":[");
        StringBuilder json = new StringBuilder("{\"records\":[");
        for (int i = 0; i < 10_000; i++) {
            binary.append(i == 0 ? "" : ",").append("{\"value\":\"").append(b64("b-" + i)).append("\"}");
            json.append(i == 0 ? "" : ",").append("{\"key\":").append(i).append(",\"value\":{\"n\":").append(i)
                    .append("}}");
        }
        for (HttpResponse<String> produced : List.of(
                send("POST", "/topics/http-bulk", BINARY, binary.append("]}").toString(), null),
                send("POST", "/topics/http-bulk", JSON, json.append("]}").toString(), null))) {
            assertThat(produced.statusCode()).isEqualTo(200);
            assertThat(json(produced).get("offsets")).hasSize(10_000)
                    .allSatisfy(o -> assertThat(o.get("error_code").isNull()).isTrue());
        }

        String instance = "/consumers/bulk/instances/reader";
        assertThat(send("POST", "/consumers/bulk", V2, "{\"name\":\"reader\",\"auto.offset.reset\":\"earliest\","
                + "\"auto.commit.enable\":\"false\"}", null).statusCode()).isEqualTo(200);
        assertThat(send("POST", instance + "/subscription", V2, "{\"topics\":[\"http-bulk\"]}", null).statusCode())
                .isEqualTo(204);
        Set<String> values = new HashSet<>();
        await().atMost(Duration.ofSeconds(30)).pollInterval(DRAIN).until(() -> {
            json(send("GET", instance + "/records?timeout=500", null, null, BINARY)).forEach(r -> values.add(
                    new String(Base64.getDecoder().decode(r.get("value").asText()), StandardCharsets.UTF_8)));
            return values.size() >= 20_000;
        });
        assertThat(values).hasSize(20_000).contains("b-0", "b-9999", "{\"n\":0}", "{\"n\":9999}");
        // No body: commit everything returned so far, as Confluent does.
        assertThat(send("POST", instance + "/offsets", V2, null, null).statusCode()).isEqualTo(200);
        long committed = admin.listConsumerGroupOffsets("bulk").partitionsToOffsetAndMetadata()
                .get(10, TimeUnit.SECONDS).values().stream().mapToLong(o -> o.offset()).sum();
        assertThat(committed).isEqualTo(20_000);
        assertThat(send("DELETE", instance, null, null, null).statusCode()).isEqualTo(204);
        assertThat(readAll("http-bulk", 20_000).stream().map(ConsumerRecord::value).collect(Collectors.toSet()))
                .isEqualTo(values);
    }

    @Test
    void v3ListsWhatAdminSeesAndProducesOneRecordOrAStream() throws Exception {
        String clusterId = admin.describeCluster().clusterId().get(10, TimeUnit.SECONDS);
        JsonNode clusters = json(send("GET", "/v3/clusters", null, null, null));
        assertThat(clusters.get("kind").asText()).isEqualTo("KafkaClusterList");
        assertThat(clusters.get("data").get(0).get("cluster_id").asText()).isEqualTo(clusterId);
        String cluster = "/v3/clusters/" + clusterId;
        assertThat(json(send("GET", cluster, null, null, null)).get("cluster_id").asText()).isEqualTo(clusterId);

        Set<String> names = admin.listTopics().names().get(10, TimeUnit.SECONDS);
        Map<String, TopicDescription> described = admin.describeTopics(names).allTopicNames()
                .get(10, TimeUnit.SECONDS);
        Map<String, Integer> listed = new HashMap<>();
        json(send("GET", cluster + "/topics", null, null, null)).get("data").forEach(t -> {
            if (!t.get("is_internal").asBoolean()) {
                listed.put(t.get("topic_name").asText(), t.get("partitions_count").asInt());
            }
        });
        assertThat(listed).isEqualTo(described.values().stream().collect(Collectors.toMap(TopicDescription::name,
                d -> d.partitions().size())));
        JsonNode partitions = json(send("GET", cluster + "/topics/http-v3/partitions", null, null, null));
        assertThat(partitions.get("data")).hasSize(2);
        JsonNode partition = json(send("GET", cluster + "/topics/http-v3/partitions/1", null, null, null));
        assertThat(partition.get("partition_id").asInt()).isEqualTo(1);
        assertThat(partition.get("leader").get("related").asText()).endsWith("/replicas/"
                + described.get("http-v3").partitions().get(1).leader().id());

        String records = cluster + "/topics/http-v3/records";
        HttpResponse<String> one = send("POST", records, "application/json", "{\"partition_id\":1,"
                + "\"key\":{\"type\":\"STRING\",\"data\":\"k\"},\"value\":{\"type\":\"JSON\",\"data\":{\"a\":1}}}",
                null);
        assertThat(one.statusCode()).isEqualTo(200);
        assertThat(json(one).get("partition_id").asInt()).isEqualTo(1);
        assertThat(json(one).get("value").get("size").asInt()).isEqualTo(7);

        StringBuilder stream = new StringBuilder();
        for (int i = 0; i < 200; i++) {
            stream.append("{\"partition_id\":0,\"value\":{\"type\":\"BINARY\",\"data\":\"").append(b64("s-" + i))
                    .append("\"}}");
        }
        // An input stream of unknown length goes out chunked: v3's streaming mode.
        HttpRequest streamed = HttpRequest.newBuilder(URI.create(base() + records))
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(
                        stream.toString().getBytes(StandardCharsets.UTF_8)))).build();
        HttpResponse<String> results = http.send(streamed, HttpResponse.BodyHandlers.ofString());
        assertThat(results.statusCode()).isEqualTo(200);
        List<JsonNode> lines = new ArrayList<>();
        for (String line : results.body().split("\n")) {
            lines.add(mapper.readTree(line));
        }
        assertThat(lines).hasSize(200).allSatisfy(r -> assertThat(r.get("error_code").asInt()).isEqualTo(200));
        for (int i = 1; i < lines.size(); i++) {
            assertThat(lines.get(i).get("offset").asLong()).isEqualTo(lines.get(i - 1).get("offset").asLong() + 1);
        }
        HttpResponse<String> file = send("POST", records, "application/json",
                "{\"value\":{\"data\":1}} {\"value\":{\"data\":2}}\n{\"value\":{\"data\":3}}", null);
        assertThat(file.statusCode()).isEqualTo(200);
        assertThat(file.body().split("\n")).hasSize(3)
                .allSatisfy(line -> assertThat(mapper.readTree(line).get("error_code").asInt()).isEqualTo(200));
        List<ConsumerRecord<String, String>> read = readAll("http-v3", 204);
        assertThat(read.stream().filter(r -> r.partition() == 0).map(ConsumerRecord::value).toList())
                .startsWith("s-0", "s-1", "s-2");
    }

    @Test
    void badInputGetsConfluentsErrorCodes() throws Exception {
        HttpResponse<String> unknown = send("POST", "/topics/no-such-topic", BINARY,
                "{\"records\":[{\"value\":\"" + b64("x") + "\"}]}", null);
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(json(unknown).get("error_code").asInt()).isEqualTo(40401);
        assertThat(json(send("GET", "/topics/no-such-topic", null, null, null)).get("error_code").asInt())
                .isEqualTo(40401);
        assertThat(json(send("GET", "/topics/http-bad/partitions/7", null, null, null)).get("error_code").asInt())
                .isEqualTo(40402);
        HttpResponse<String> badBase64 = send("POST", "/topics/http-bad", BINARY,
                "{\"records\":[{\"value\":\"not base64!\"}]}", null);
        assertThat(badBase64.statusCode()).isEqualTo(422);
        assertThat(json(badBase64).get("error_code").asInt()).isEqualTo(422);
        assertThat(json(send("POST", "/topics/http-bad", JSON, "{\"records\":[]} trailing", null)).get("error_code")
                .asInt()).isEqualTo(422);
        assertThat(send("POST", "/topics/http-bad", "application/vnd.kafka.protobuf.v2+json", "{\"records\":[]}",
                null).statusCode()).isEqualTo(415);

        assertThat(send("POST", "/consumers/bad-group", V2, "{\"name\":\"bin\",\"format\":\"binary\"}", null)
                .statusCode()).isEqualTo(200);
        HttpResponse<String> wrongFormat = send("GET", "/consumers/bad-group/instances/bin/records", null, null, JSON);
        assertThat(wrongFormat.statusCode()).isEqualTo(406);
        assertThat(json(wrongFormat).get("error_code").asInt()).isEqualTo(40601);
        HttpResponse<String> missing = send("GET", "/consumers/bad-group/instances/nobody/records", null, null,
                BINARY);
        assertThat(json(missing).get("error_code").asInt()).isEqualTo(40403);
        assertThat(json(send("POST", "/consumers/bad-group", V2, "{\"name\":\"bin\"}", null)).get("error_code")
                .asInt()).isEqualTo(40902);
        assertThat(json(send("POST", "/consumers/bad-group", V2, "{\"format\":\"protobuf\"}", null))
                .get("error_code").asInt()).isEqualTo(42204);

        // rest.consumer.max.instances=3 on this node: the fourth is refused, and deleting one makes room.
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            statuses.add(send("POST", "/consumers/crowd", V2, "{\"name\":\"c" + i + "\"}", null).statusCode());
        }
        assertThat(statuses).contains(429);
        assertThat(json(send("POST", "/consumers/crowd", V2, "{\"name\":\"more\"}", null)).get("error_code").asInt())
                .isEqualTo(42901);
        assertThat(send("DELETE", "/consumers/bad-group/instances/bin", null, null, null).statusCode())
                .isEqualTo(204);
        assertThat(send("POST", "/consumers/crowd", V2, "{\"name\":\"more\"}", null).statusCode()).isEqualTo(200);
        for (String instance : List.of("c0", "c1", "more")) {
            assertThat(send("DELETE", "/consumers/crowd/instances/" + instance, null, null, null).statusCode())
                    .isEqualTo(204);
        }

        HttpResponse<String> tooLarge = send("POST", "/topics/http-bad", BINARY,
                "{\"records\":[{\"value\":\"" + "A".repeat(1_100_000) + "\"}]}", null);
        assertThat(tooLarge.statusCode()).isEqualTo(413);
        String v3Unknown = "/v3/clusters/" + admin.describeCluster().clusterId().get() + "/topics/nope";
        assertThat(json(send("GET", v3Unknown, null, null, null)).get("error_code").asInt()).isEqualTo(404);
        assertThat(json(send("GET", "/v3/clusters/not-this-one/topics", null, null, null)).get("error_code").asInt())
                .isEqualTo(404);
    }

    private static List<ConsumerRecord<byte[], byte[]>> readBytes(String topic, int count) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, node.server().bootstrapServers()),
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

    /** The schema id of a value in Confluent's wire format (magic byte 0, then the id), checking the magic byte. */
    private static int schemaId(byte[] value) {
        assertThat(value[0]).isZero();
        return ByteBuffer.wrap(value, 1, 4).getInt();
    }

    @Test
    void avroProducedOverHttpIsInTheRegistrysWireFormatAndReadBackAsJson() throws Exception {
        String user = "{\"type\":\"record\",\"name\":\"User\",\"fields\":[{\"name\":\"id\",\"type\":\"string\"},"
                + "{\"name\":\"plan\",\"type\":[\"null\",\"string\"],\"default\":null}]}";
        String body = mapper.createObjectNode().put("key_schema", "\"string\"").put("value_schema", user)
                .set("records", mapper.readTree("[{\"key\":\"u1\",\"value\":{\"id\":\"u1\",\"plan\":{\"string\":\"pro\"}}},"
                        + "{\"key\":\"u2\",\"value\":{\"id\":\"u2\",\"plan\":null}}]")).toString();
        JsonNode produced = json(send("POST", "/topics/http-avro", AVRO, body, null));
        int keyId = produced.get("key_schema_id").asInt();
        int valueId = produced.get("value_schema_id").asInt();
        assertThat(produced.get("offsets").findValues("error_code")).allMatch(JsonNode::isNull);
        // Registered under Confluent's TopicNameStrategy subjects, in the registry every client sees.
        JsonNode latest = json(send("GET", "/schema-registry/subjects/http-avro-value/versions/latest", null, null,
                null));
        assertThat(latest.get("id").asInt()).isEqualTo(valueId);
        assertThat(json(send("GET", "/schema-registry/subjects/http-avro-key/versions/1", null, null, null))
                .get("id").asInt()).isEqualTo(keyId);
        // By id, as a producer that has the id already sends it.
        JsonNode byId = json(send("POST", "/topics/http-avro", AVRO, "{\"value_schema_id\":" + valueId
                + ",\"records\":[{\"value\":{\"id\":\"u3\",\"plan\":null}}]}", null));
        assertThat(byId.get("value_schema_id").asInt()).isEqualTo(valueId);
        assertThat(byId.get("key_schema_id").isNull()).isTrue();

        Schema schema = new Schema.Parser().parse(latest.get("schema").asText());
        List<ConsumerRecord<byte[], byte[]>> read = readBytes("http-avro", 3);
        List<String> ids = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : read) {
            assertThat(schemaId(record.value())).isEqualTo(valueId);
            GenericRecord value = new GenericDatumReader<GenericRecord>(schema).read(null, DecoderFactory.get()
                    .binaryDecoder(record.value(), 5, record.value().length - 5, null));
            ids.add(value.get("id").toString());
            if (record.key() != null) {
                assertThat(schemaId(record.key())).isEqualTo(keyId);
                // An Avro string: its zig-zag length (2 * 2), then its UTF-8 bytes.
                assertThat(Arrays.copyOfRange(record.key(), 5, record.key().length))
                        .isEqualTo(("\u0004" + value.get("id")).getBytes(StandardCharsets.UTF_8));
            }
        }
        assertThat(ids).containsExactly("u1", "u2", "u3");

        // A proxy consumer in avro format decodes the wire format back to Avro's JSON.
        String group = "/consumers/http-avro-group";
        assertThat(send("POST", group, V2, "{\"name\":\"a\",\"format\":\"avro\",\"auto.offset.reset\":\"earliest\"}",
                null).statusCode()).isEqualTo(200);
        String instance = group + "/instances/a";
        send("POST", instance + "/subscription", V2, "{\"topics\":[\"http-avro\"]}", null);
        List<JsonNode> records = new ArrayList<>();
        await().atMost(Duration.ofSeconds(20)).pollInterval(DRAIN).until(() -> {
            HttpResponse<String> polled = send("GET", instance + "/records?timeout=500", null, null, AVRO);
            assertThat(polled.statusCode()).as(polled.body()).isEqualTo(200);
            json(polled).forEach(records::add);
            return records.size() >= 3;
        });
        assertThat(records.get(0).get("key").asText()).isEqualTo("u1");
        assertThat(records.get(0).get("value")).isEqualTo(mapper.readTree("{\"id\":\"u1\",\"plan\":{\"string\":\"pro\"}}"));
        assertThat(records.get(2).get("key").isNull()).isTrue();
        assertThat(send("DELETE", instance, null, null, null).statusCode()).isEqualTo(204);

        // An evolution the subject's BACKWARD level refuses: the registry's 409, and nothing produced.
        String incompatible = "{\"type\":\"record\",\"name\":\"User\",\"fields\":[{\"name\":\"id\",\"type\":\"string\"},"
                + "{\"name\":\"age\",\"type\":\"int\"}]}";
        HttpResponse<String> refused = send("POST", "/topics/http-avro", AVRO, mapper.createObjectNode()
                .put("value_schema", incompatible).set("records", mapper.readTree("[{\"value\":{\"id\":\"x\","
                        + "\"age\":1}}]")).toString(), null);
        assertThat(refused.statusCode()).isEqualTo(409);
        assertThat(json(refused).get("error_code").asInt()).isEqualTo(409);
        HttpResponse<String> noSchema = send("POST", "/topics/http-avro", AVRO,
                "{\"records\":[{\"value\":{\"id\":\"x\"}}]}", null);
        assertThat(json(noSchema).get("error_code").asInt()).isEqualTo(42202);
        HttpResponse<String> misfit = send("POST", "/topics/http-avro", AVRO, "{\"value_schema_id\":" + valueId
                + ",\"records\":[{\"value\":{\"id\":5}}]}", null);
        assertThat(json(misfit).get("error_code").asInt()).isEqualTo(42203);

        // v3: a record encoded with a registered schema named by id.
        String records3 = "/v3/clusters/" + admin.describeCluster().clusterId().get() + "/topics/http-avro/records";
        JsonNode v3 = json(send("POST", records3, "application/json", "{\"value\":{\"schema_id\":" + valueId
                + ",\"data\":{\"id\":\"u4\",\"plan\":null}}}", null));
        assertThat(v3.get("error_code").asInt()).as(v3.toString()).isEqualTo(200);
        assertThat(v3.get("value").get("type").asText()).isEqualTo("AVRO");
        assertThat(v3.get("value").get("schema_id").asInt()).isEqualTo(valueId);
        assertThat(schemaId(readBytes("http-avro", 4).get(3).value())).isEqualTo(valueId);
        assertThat(readAll("http-avro", 4)).hasSize(4);
    }

    @Test
    void jsonSchemaProducedOverHttpIsItsJsonAfterTheRegistrysHeader() throws Exception {
        String schema = "{\"type\":\"object\",\"properties\":{\"item\":{\"type\":\"string\"}}}";
        String body = mapper.createObjectNode().put("value_schema", schema)
                .set("records", mapper.readTree("[{\"key\":null,\"value\":{\"item\":\"pen\"}}]")).toString();
        JsonNode produced = json(send("POST", "/topics/http-jsonschema", JSON_SCHEMA, body, null));
        int valueId = produced.get("value_schema_id").asInt();
        assertThat(json(send("GET", "/schema-registry/schemas/ids/" + valueId, null, null, null))
                .get("schemaType").asText()).isEqualTo("JSON");
        byte[] value = readBytes("http-jsonschema", 1).getFirst().value();
        assertThat(schemaId(value)).isEqualTo(valueId);
        assertThat(new String(value, 5, value.length - 5, StandardCharsets.UTF_8)).isEqualTo("{\"item\":\"pen\"}");

        String instance = "/consumers/http-js-group/instances/j";
        assertThat(send("POST", "/consumers/http-js-group", V2, "{\"name\":\"j\",\"format\":\"jsonschema\","
                + "\"auto.offset.reset\":\"earliest\"}", null).statusCode()).isEqualTo(200);
        send("POST", instance + "/subscription", V2, "{\"topics\":[\"http-jsonschema\"]}", null);
        List<JsonNode> records = new ArrayList<>();
        await().atMost(Duration.ofSeconds(20)).pollInterval(DRAIN).until(() -> {
            json(send("GET", instance + "/records?timeout=500", null, null, JSON_SCHEMA)).forEach(records::add);
            return !records.isEmpty();
        });
        assertThat(records.getFirst().get("value")).isEqualTo(mapper.readTree("{\"item\":\"pen\"}"));
        assertThat(send("DELETE", instance, null, null, null).statusCode()).isEqualTo(204);
    }

    @Test
    void curlProducesAsAUserWouldTypeIt() throws Exception {
        Process curl = new ProcessBuilder("curl", "-s", "-X", "POST",
                "-H", "Content-Type: application/vnd.kafka.json.v2+json",
                "--data", "{\"records\":[{\"value\":{\"hello\":\"curl\"}}]}",
                base() + "/topics/http-bad").redirectErrorStream(true).start();
        assertThat(curl.waitFor(20, TimeUnit.SECONDS)).isTrue();
        String output = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(curl.exitValue()).isZero();
        JsonNode response = mapper.readTree(output);
        assertThat(response.get("offsets").get(0).get("error_code").isNull()).isTrue();
        assertThat(readAll("http-bad", 1).stream().map(ConsumerRecord::value)).contains("{\"hello\":\"curl\"}");
    }
}
