package io.strata.it;

import static org.assertj.core.api.Assertions.assertThat;

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
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The schema registry of real nodes: its records in the compacted {@code _schemas} topic, evolution refused and
 * accepted, everything read back after a restart with the same ids, and no id reused after a hard delete.
 */
class SchemaRegistryIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private static final String V1 = "{\"type\":\"record\",\"name\":\"User\",\"namespace\":\"demo\","
            + "\"fields\":[{\"name\":\"id\",\"type\":\"string\"}]}";
    private static final String V2 = "{\"type\":\"record\",\"name\":\"User\",\"namespace\":\"demo\","
            + "\"fields\":[{\"name\":\"id\",\"type\":\"string\"},"
            + "{\"name\":\"email\",\"type\":\"string\",\"default\":\"\"}]}";
    private static final String REFUSED = "{\"type\":\"record\",\"name\":\"User\",\"namespace\":\"demo\","
            + "\"fields\":[{\"name\":\"id\",\"type\":\"long\"}]}";

    @TempDir
    Path dir;

    record Reply(int status, JsonNode json) {
    }

    private static String url(TestNode node) {
        return "http://127.0.0.1:" + node.server().httpListeners().getFirst().address().getPort()
                + "/schema-registry";
    }

    static Reply call(TestNode node, String method, String path, Object body) throws Exception {
        return call(url(node), method, path, body);
    }

    /** A call to the registry at {@code baseUrl} ({@code http://host:port/schema-registry}). */
    static Reply call(String baseUrl, String method, String path, Object body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                .timeout(Duration.ofSeconds(30)).build();
        HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/vnd.schemaregistry.v1+json");
        return new Reply(response.statusCode(), JSON.readTree(response.body()));
    }

    static int register(TestNode node, String subject, String schema) throws Exception {
        return register(url(node), subject, schema);
    }

    static int register(String baseUrl, String subject, String schema) throws Exception {
        Reply reply = call(baseUrl, "POST", "/subjects/" + subject + "/versions", Map.of("schema", schema));
        assertThat(reply.status()).as(reply.json().toString()).isEqualTo(200);
        return reply.json().get("id").asInt();
    }

    @Test
    void evolvesAndSurvivesARestartWithTheSameIds() throws Exception {
        try (TestNode node = TestNode.start(dir.resolve("node"))) {
            assertThat(call(node, "GET", "/subjects", null).json().size()).isZero();
            assertThat(register(node, "users-value", V1)).isEqualTo(1);
            Reply refused = call(node, "POST", "/subjects/users-value/versions", Map.of("schema", REFUSED));
            assertThat(refused.status()).isEqualTo(409);
            assertThat(refused.json().get("error_code").asInt()).isEqualTo(409);
            assertThat(register(node, "users-value", V2)).isEqualTo(2);
            assertThat(register(node, "gone-value", REFUSED)).isEqualTo(3);
            call(node, "PUT", "/config/users-value", Map.of("compatibility", "FULL"));
            assertThat(call(node, "DELETE", "/subjects/gone-value", null).status()).isEqualTo(200);
            assertThat(call(node, "DELETE", "/subjects/gone-value?permanent=true", null).status()).isEqualTo(200);

            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, node.bootstrap()))) {
                ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, "_schemas");
                Config config = admin.describeConfigs(List.of(topic)).all().get().get(topic);
                assertThat(config.get("cleanup.policy").value()).isEqualTo("compact");
                TopicDescription description = admin.describeTopics(List.of("_schemas")).allTopicNames().get()
                        .get("_schemas");
                assertThat(description.partitions()).hasSize(1);
            }

            node.restart();

            JsonNode latest = call(node, "GET", "/subjects/users-value/versions/latest", null).json();
            assertThat(latest.get("version").asInt()).isEqualTo(2);
            assertThat(latest.get("id").asInt()).isEqualTo(2);
            assertThat(JSON.readTree(latest.get("schema").asText())).isEqualTo(JSON.readTree(V2));
            assertThat(JSON.readTree(call(node, "GET", "/schemas/ids/1", null).json().get("schema").asText()))
                    .isEqualTo(JSON.readTree(V1));
            assertThat(call(node, "GET", "/config/users-value", null).json().get("compatibilityLevel").asText())
                    .isEqualTo("FULL");
            assertThat(call(node, "GET", "/schemas/ids/3", null).status()).isEqualTo(404);
            assertThat(register(node, "users-value", V2)).as("registered before the restart").isEqualTo(2);
            assertThat(call(node, "POST", "/subjects/users-value/versions", Map.of("schema", REFUSED)).status())
                    .isEqualTo(409);
            assertThat(register(node, "other-value", REFUSED)).as("id 3 was issued before its hard delete")
                    .isEqualTo(4);
        }
    }
}
