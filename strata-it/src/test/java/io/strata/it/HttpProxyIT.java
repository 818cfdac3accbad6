package io.strata.it;

import static io.strata.it.HttpProxyNode.BINARY;
import static io.strata.it.HttpProxyNode.DRAIN;
import static io.strata.it.HttpProxyNode.JSON;
import static io.strata.it.HttpProxyNode.V2;
import static io.strata.it.HttpProxyNode.mapper;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The HTTP proxy of a real node ({@link HttpProxyNode}) used with a plain HTTP client (and curl) as Confluent REST
 * Proxy's clients use it: what is produced over HTTP is read by a real KafkaConsumer, a proxy consumer instance
 * reads what a real KafkaProducer wrote and commits, a second instance of its group resumes there, v3's listing is
 * Admin's view, v3 produce answers a stream of records with a stream of results, and bad input gets Confluent's
 * error codes. {@link HttpProxySchemaIT} covers the schema registry's formats.
 */
class HttpProxyIT {

    private static HttpProxyNode proxy;

    @BeforeAll
    static void shareTheNode() throws Exception {
        proxy = HttpProxyNode.shared();
    }

    @Test
    void binaryAndJsonProducedOverHttpAreReadByAKafkaConsumer() throws Exception {
        String binary = "{\"records\":[{\"key\":\"" + HttpProxyNode.b64("k1") + "\",\"value\":\"" + HttpProxyNode.b64("binary-1")
                + "\"},{\"value\":\"" + HttpProxyNode.b64("binary-2") + "\",\"partition\":2}]}";
        HttpResponse<String> produced = proxy.send("POST", "/topics/http-in", BINARY, binary, null);
        assertThat(produced.statusCode()).isEqualTo(200);
        assertThat(produced.headers().firstValue("Content-Type")).hasValue(V2);
        JsonNode offsets = proxy.json(produced).get("offsets");
        assertThat(offsets).hasSize(2);
        assertThat(offsets.get(1).get("partition").asInt()).isEqualTo(2);
        assertThat(offsets.get(1).get("error_code").isNull()).isTrue();

        String jsonRecords = "{\"records\":[{\"key\":\"user-1\",\"value\":{\"name\":\"Ada\",\"visits\":3}}]}";
        HttpResponse<String> toPartition = proxy.send("POST", "/topics/http-in/partitions/1", JSON, jsonRecords, null);
        assertThat(toPartition.statusCode()).isEqualTo(200);
        assertThat(proxy.json(toPartition).get("offsets").get(0).get("partition").asInt()).isEqualTo(1);

        Map<String, ConsumerRecord<String, String>> byValue = proxy.readAll("http-in", 3).stream()
                .collect(Collectors.toMap(ConsumerRecord::value, r -> r));
        assertThat(byValue).containsKeys("binary-1", "binary-2", "{\"name\":\"Ada\",\"visits\":3}");
        assertThat(byValue.get("binary-1").key()).isEqualTo("k1");
        assertThat(byValue.get("binary-2").partition()).isEqualTo(2);
        ConsumerRecord<String, String> ada = byValue.get("{\"name\":\"Ada\",\"visits\":3}");
        assertThat(ada.key()).isEqualTo("\"user-1\"");
        assertThat(ada.partition()).isEqualTo(1);
        assertThat(ada.offset()).isEqualTo(proxy.json(toPartition).get("offsets").get(0).get("offset").asLong());

        JsonNode partitionOffsets = proxy.json(proxy.send("GET", "/topics/http-in/partitions/2/offsets", null, null, null));
        assertThat(partitionOffsets.get("beginning_offset").asLong()).isZero();
        assertThat(partitionOffsets.get("end_offset").asLong()).isEqualTo(
                byValue.values().stream().filter(r -> r.partition() == 2).count());
        JsonNode topic = proxy.json(proxy.send("GET", "/topics/http-in", null, null, null));
        assertThat(topic.get("partitions")).hasSize(3);
        assertThat(topic.get("configs").get("cleanup.policy").asText()).isEqualTo("delete");
        assertThat(proxy.json(proxy.send("GET", "/topics", null, null, null)).toString()).contains("\"http-in\"");
    }

    @Test
    void aConsumerInstanceReadsCommitsAndASecondOneResumesThere() throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                "bootstrap.servers", proxy.bootstrap()), new StringSerializer(),
                new StringSerializer())) {
            for (int i = 0; i < 10; i++) {
                producer.send(new ProducerRecord<>("http-out", "key-" + i, "value-" + i)).get();
            }
        }
        String group = "/consumers/http-group";
        String create = "{\"name\":\"first\",\"format\":\"binary\",\"auto.offset.reset\":\"earliest\","
                + "\"auto.commit.enable\":\"false\"}";
        HttpResponse<String> created = proxy.send("POST", group, V2, create, null);
        assertThat(created.statusCode()).isEqualTo(200);
        assertThat(proxy.json(created).get("instance_id").asText()).isEqualTo("first");
        assertThat(proxy.json(created).get("base_uri").asText()).isEqualTo(proxy.base() + group + "/instances/first");
        String first = group + "/instances/first";
        assertThat(proxy.send("POST", first + "/subscription", V2, "{\"topics\":[\"http-out\"]}", null).statusCode())
                .isEqualTo(204);
        assertThat(proxy.json(proxy.send("GET", first + "/subscription", null, null, null)).get("topics").get(0).asText())
                .isEqualTo("http-out");

        List<JsonNode> records = new ArrayList<>();
        await().atMost(Duration.ofSeconds(20)).pollInterval(DRAIN).until(() -> {
            HttpResponse<String> polled = proxy.send("GET", first + "/records?timeout=500", null, null, BINARY);
            assertThat(polled.statusCode()).isEqualTo(200);
            proxy.json(polled).forEach(records::add);
            return records.size() >= 10;
        });
        assertThat(records.get(0).get("topic").asText()).isEqualTo("http-out");
        assertThat(new String(Base64.getDecoder().decode(records.get(3).get("value").asText()),
                StandardCharsets.UTF_8)).isEqualTo("value-3");
        assertThat(records.get(3).get("offset").asLong()).isEqualTo(3);

        // Confluent's commit names the last record consumed: offset 4 means the group goes on from 5.
        String commit = "{\"offsets\":[{\"topic\":\"http-out\",\"partition\":0,\"offset\":4}]}";
        assertThat(proxy.send("POST", first + "/offsets", V2, commit, null).statusCode()).isEqualTo(200);
        JsonNode committed = proxy.json(proxy.send("GET", first + "/offsets", V2,
                "{\"partitions\":[{\"topic\":\"http-out\",\"partition\":0}]}", null));
        assertThat(committed.get("offsets").get(0).get("offset").asLong()).isEqualTo(5);
        Map<TopicPartition, OffsetAndMetadata> adminView = proxy.admin()
                .listConsumerGroupOffsets("http-group").partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
        assertThat(adminView.get(new TopicPartition("http-out", 0)).offset()).isEqualTo(5);
        assertThat(proxy.send("DELETE", first, null, null, null).statusCode()).isEqualTo(204);
        assertThat(proxy.send("GET", first + "/records", null, null, BINARY).statusCode()).isEqualTo(404);

        String second = group + "/instances/second";
        assertThat(proxy.send("POST", group, V2, "{\"name\":\"second\"}", null).statusCode())
                .isEqualTo(200);
        assertThat(proxy.send("POST", second + "/subscription", V2, "{\"topics\":[\"http-out\"]}", null).statusCode())
                .isEqualTo(204);
        List<JsonNode> resumed = new ArrayList<>();
        await().atMost(Duration.ofSeconds(20)).pollInterval(DRAIN).until(() -> {
            // An Accept naming several formats is served when one of them is the instance's.
            HttpResponse<String> polled = proxy.send("GET", second + "/records?timeout=500", null, null, BINARY + ", "
                    + JSON);
            assertThat(polled.statusCode()).as(polled.body()).isEqualTo(200);
            proxy.json(polled).forEach(resumed::add);
            return !resumed.isEmpty();
        });
        assertThat(resumed.get(0).get("offset").asLong()).isEqualTo(5);
        assertThat(proxy.send("DELETE", second, null, null, null).statusCode()).isEqualTo(204);
    }

    @Test
    void tenThousandRecordsInEachFormatGoThroughAProxyConsumerGroup() throws Exception {
        StringBuilder binary = new StringBuilder("{\"records\":[");
        StringBuilder json = new StringBuilder("{\"records\":[");
        for (int i = 0; i < 10_000; i++) {
            binary.append(i == 0 ? "" : ",").append("{\"value\":\"").append(HttpProxyNode.b64("b-" + i)).append("\"}");
            json.append(i == 0 ? "" : ",").append("{\"key\":").append(i).append(",\"value\":{\"n\":").append(i)
                    .append("}}");
        }
        for (HttpResponse<String> produced : List.of(
                proxy.send("POST", "/topics/http-bulk", BINARY, binary.append("]}").toString(), null),
                proxy.send("POST", "/topics/http-bulk", JSON, json.append("]}").toString(), null))) {
            assertThat(produced.statusCode()).isEqualTo(200);
            assertThat(proxy.json(produced).get("offsets")).hasSize(10_000)
                    .allSatisfy(o -> assertThat(o.get("error_code").isNull()).isTrue());
        }

        String instance = "/consumers/bulk/instances/reader";
        assertThat(proxy.send("POST", "/consumers/bulk", V2, "{\"name\":\"reader\",\"auto.offset.reset\":\"earliest\","
                + "\"auto.commit.enable\":\"false\"}", null).statusCode()).isEqualTo(200);
        assertThat(proxy.send("POST", instance + "/subscription", V2, "{\"topics\":[\"http-bulk\"]}", null).statusCode())
                .isEqualTo(204);
        Set<String> values = new HashSet<>();
        await().atMost(Duration.ofSeconds(30)).pollInterval(DRAIN).until(() -> {
            proxy.json(proxy.send("GET", instance + "/records?timeout=500", null, null, BINARY)).forEach(r -> values.add(
                    new String(Base64.getDecoder().decode(r.get("value").asText()), StandardCharsets.UTF_8)));
            return values.size() >= 20_000;
        });
        assertThat(values).hasSize(20_000).contains("b-0", "b-9999", "{\"n\":0}", "{\"n\":9999}");
        // No body: commit everything returned so far, as Confluent does.
        assertThat(proxy.send("POST", instance + "/offsets", V2, null, null).statusCode()).isEqualTo(200);
        long committed = proxy.admin().listConsumerGroupOffsets("bulk").partitionsToOffsetAndMetadata()
                .get(10, TimeUnit.SECONDS).values().stream().mapToLong(o -> o.offset()).sum();
        assertThat(committed).isEqualTo(20_000);
        assertThat(proxy.send("DELETE", instance, null, null, null).statusCode()).isEqualTo(204);
        assertThat(proxy.readAll("http-bulk", 20_000).stream().map(ConsumerRecord::value).collect(Collectors.toSet()))
                .isEqualTo(values);
    }

    @Test
    void v3ListsWhatAdminSeesAndProducesOneRecordOrAStream() throws Exception {
        String clusterId = proxy.admin().describeCluster().clusterId().get(10, TimeUnit.SECONDS);
        JsonNode clusters = proxy.json(proxy.send("GET", "/v3/clusters", null, null, null));
        assertThat(clusters.get("kind").asText()).isEqualTo("KafkaClusterList");
        assertThat(clusters.get("data").get(0).get("cluster_id").asText()).isEqualTo(clusterId);
        String cluster = "/v3/clusters/" + clusterId;
        assertThat(proxy.json(proxy.send("GET", cluster, null, null, null)).get("cluster_id").asText()).isEqualTo(clusterId);

        Set<String> names = proxy.admin().listTopics().names().get(10, TimeUnit.SECONDS);
        Map<String, TopicDescription> described = proxy.admin().describeTopics(names).allTopicNames()
                .get(10, TimeUnit.SECONDS);
        Map<String, Integer> listed = new HashMap<>();
        proxy.json(proxy.send("GET", cluster + "/topics", null, null, null)).get("data").forEach(t -> {
            if (!t.get("is_internal").asBoolean()) {
                listed.put(t.get("topic_name").asText(), t.get("partitions_count").asInt());
            }
        });
        assertThat(listed).isEqualTo(described.values().stream().collect(Collectors.toMap(TopicDescription::name,
                d -> d.partitions().size())));
        JsonNode partitions = proxy.json(proxy.send("GET", cluster + "/topics/http-v3/partitions", null, null, null));
        assertThat(partitions.get("data")).hasSize(2);
        JsonNode partition = proxy.json(proxy.send("GET", cluster + "/topics/http-v3/partitions/1", null, null, null));
        assertThat(partition.get("partition_id").asInt()).isEqualTo(1);
        assertThat(partition.get("leader").get("related").asText()).endsWith("/replicas/"
                + described.get("http-v3").partitions().get(1).leader().id());

        String records = cluster + "/topics/http-v3/records";
        HttpResponse<String> one = proxy.send("POST", records, "application/json", "{\"partition_id\":1,"
                + "\"key\":{\"type\":\"STRING\",\"data\":\"k\"},\"value\":{\"type\":\"JSON\",\"data\":{\"a\":1}}}",
                null);
        assertThat(one.statusCode()).isEqualTo(200);
        assertThat(proxy.json(one).get("partition_id").asInt()).isEqualTo(1);
        assertThat(proxy.json(one).get("value").get("size").asInt()).isEqualTo(7);

        StringBuilder stream = new StringBuilder();
        for (int i = 0; i < 200; i++) {
            stream.append("{\"partition_id\":0,\"value\":{\"type\":\"BINARY\",\"data\":\"").append(HttpProxyNode.b64("s-" + i))
                    .append("\"}}");
        }
        // An input stream of unknown length goes out chunked: v3's streaming mode.
        HttpRequest streamed = HttpRequest.newBuilder(URI.create(proxy.base() + records))
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(
                        stream.toString().getBytes(StandardCharsets.UTF_8)))).build();
        HttpResponse<String> results = proxy.http().send(streamed, HttpResponse.BodyHandlers.ofString());
        assertThat(results.statusCode()).isEqualTo(200);
        List<JsonNode> lines = new ArrayList<>();
        for (String line : results.body().split("\n")) {
            lines.add(mapper.readTree(line));
        }
        assertThat(lines).hasSize(200).allSatisfy(r -> assertThat(r.get("error_code").asInt()).isEqualTo(200));
        for (int i = 1; i < lines.size(); i++) {
            assertThat(lines.get(i).get("offset").asLong()).isEqualTo(lines.get(i - 1).get("offset").asLong() + 1);
        }
        HttpResponse<String> file = proxy.send("POST", records, "application/json",
                "{\"value\":{\"data\":1}} {\"value\":{\"data\":2}}\n{\"value\":{\"data\":3}}", null);
        assertThat(file.statusCode()).isEqualTo(200);
        assertThat(file.body().split("\n")).hasSize(3)
                .allSatisfy(line -> assertThat(mapper.readTree(line).get("error_code").asInt()).isEqualTo(200));
        List<ConsumerRecord<String, String>> read = proxy.readAll("http-v3", 204);
        assertThat(read.stream().filter(r -> r.partition() == 0).map(ConsumerRecord::value).toList())
                .startsWith("s-0", "s-1", "s-2");
    }

    @Test
    void badInputGetsConfluentsErrorCodes() throws Exception {
        HttpResponse<String> unknown = proxy.send("POST", "/topics/no-such-topic", BINARY,
                "{\"records\":[{\"value\":\"" + HttpProxyNode.b64("x") + "\"}]}", null);
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(proxy.json(unknown).get("error_code").asInt()).isEqualTo(40401);
        assertThat(proxy.json(proxy.send("GET", "/topics/no-such-topic", null, null, null)).get("error_code").asInt())
                .isEqualTo(40401);
        assertThat(proxy.json(proxy.send("GET", "/topics/http-bad/partitions/7", null, null, null)).get("error_code").asInt())
                .isEqualTo(40402);
        HttpResponse<String> badBase64 = proxy.send("POST", "/topics/http-bad", BINARY,
                "{\"records\":[{\"value\":\"not base64!\"}]}", null);
        assertThat(badBase64.statusCode()).isEqualTo(422);
        assertThat(proxy.json(badBase64).get("error_code").asInt()).isEqualTo(422);
        assertThat(proxy.json(proxy.send("POST", "/topics/http-bad", JSON, "{\"records\":[]} trailing", null)).get("error_code")
                .asInt()).isEqualTo(422);
        assertThat(proxy.send("POST", "/topics/http-bad", "application/vnd.kafka.protobuf.v2+json", "{\"records\":[]}",
                null).statusCode()).isEqualTo(415);

        assertThat(proxy.send("POST", "/consumers/bad-group", V2, "{\"name\":\"bin\",\"format\":\"binary\"}", null)
                .statusCode()).isEqualTo(200);
        HttpResponse<String> wrongFormat = proxy.send("GET", "/consumers/bad-group/instances/bin/records", null, null, JSON);
        assertThat(wrongFormat.statusCode()).isEqualTo(406);
        assertThat(proxy.json(wrongFormat).get("error_code").asInt()).isEqualTo(40601);
        HttpResponse<String> missing = proxy.send("GET", "/consumers/bad-group/instances/nobody/records", null, null,
                BINARY);
        assertThat(proxy.json(missing).get("error_code").asInt()).isEqualTo(40403);
        assertThat(proxy.json(proxy.send("POST", "/consumers/bad-group", V2, "{\"name\":\"bin\"}", null)).get("error_code")
                .asInt()).isEqualTo(40902);
        assertThat(proxy.json(proxy.send("POST", "/consumers/bad-group", V2, "{\"format\":\"protobuf\"}", null))
                .get("error_code").asInt()).isEqualTo(42204);

        // rest.consumer.max.instances=3 on this node: the fourth is refused, and deleting one makes room.
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            statuses.add(proxy.send("POST", "/consumers/crowd", V2, "{\"name\":\"c" + i + "\"}", null).statusCode());
        }
        assertThat(statuses).contains(429);
        assertThat(proxy.json(proxy.send("POST", "/consumers/crowd", V2, "{\"name\":\"more\"}", null)).get("error_code").asInt())
                .isEqualTo(42901);
        assertThat(proxy.send("DELETE", "/consumers/bad-group/instances/bin", null, null, null).statusCode())
                .isEqualTo(204);
        assertThat(proxy.send("POST", "/consumers/crowd", V2, "{\"name\":\"more\"}", null).statusCode()).isEqualTo(200);
        for (String instance : List.of("c0", "c1", "more")) {
            assertThat(proxy.send("DELETE", "/consumers/crowd/instances/" + instance, null, null, null).statusCode())
                    .isEqualTo(204);
        }

        HttpResponse<String> tooLarge = proxy.send("POST", "/topics/http-bad", BINARY,
                "{\"records\":[{\"value\":\"" + "A".repeat(1_100_000) + "\"}]}", null);
        assertThat(tooLarge.statusCode()).isEqualTo(413);
        String v3Unknown = "/v3/clusters/" + proxy.admin().describeCluster().clusterId().get() + "/topics/nope";
        assertThat(proxy.json(proxy.send("GET", v3Unknown, null, null, null)).get("error_code").asInt()).isEqualTo(404);
        assertThat(proxy.json(proxy.send("GET", "/v3/clusters/not-this-one/topics", null, null, null)).get("error_code").asInt())
                .isEqualTo(404);
    }

    @Test
    void curlProducesAsAUserWouldTypeIt() throws Exception {
        Process curl = new ProcessBuilder("curl", "-s", "-X", "POST",
                "-H", "Content-Type: application/vnd.kafka.json.v2+json",
                "--data", "{\"records\":[{\"value\":{\"hello\":\"curl\"}}]}",
                proxy.base() + "/topics/http-bad").redirectErrorStream(true).start();
        assertThat(curl.waitFor(20, TimeUnit.SECONDS)).isTrue();
        String output = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(curl.exitValue()).isZero();
        JsonNode response = mapper.readTree(output);
        assertThat(response.get("offsets").get(0).get("error_code").isNull()).isTrue();
        assertThat(proxy.readAll("http-bad", 1).stream().map(ConsumerRecord::value)).contains("{\"hello\":\"curl\"}");
    }
}
