package io.strata.it.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Schema registry clients nobody here wrote against a Strata node's registry: KafkaJS's
 * {@code @kafkajs/confluent-schema-registry} from npm (register, encode, decode, evolution refused and accepted)
 * through {@code compat/kafkajs/schema_registry_client.js}, and confluent-kafka-python's
 * {@code SchemaRegistryClient} (Debian's package) through {@code compat/python/schema_registry_client.py}, both at
 * the {@code /schema-registry} path of the node's HTTP server and at the root path of the registry's own listener
 * ({@code schema.registry.listeners}), where Confluent's registry serves its API.
 */
class SchemaRegistryClientsIT {

    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String V1 = "{\"type\":\"record\",\"name\":\"User\",\"namespace\":\"demo\","
            + "\"fields\":[{\"name\":\"id\",\"type\":\"string\"}]}";

    @TempDir
    static Path dir;
    static CompatNode node;

    @BeforeAll
    static void start() throws Exception {
        node = CompatNode.start(dir.resolve("node"), Map.of("schema.registry.listeners", "HTTP://127.0.0.1:0"));
    }

    @AfterAll
    static void stop() {
        if (node != null) {
            node.close();
        }
    }

    private static List<JsonNode> run(List<String> command, Map<String, String> env, String workDir)
            throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (String line : ExternalProcess.run(command, env, "", dir.resolve(workDir), TIMEOUT).assertSuccess()
                .stdoutLines()) {
            out.add(JSON.readTree(line));
        }
        return out;
    }

    @Test
    void kafkaJsRegistersEncodesDecodesAndEvolves() throws Exception {
        Path nodeJs = ExternalProcess.require("node", "`apt-get install nodejs npm`");
        Path modules = KafkaJsIT.KafkaJs.modules();
        if (!Files.isRegularFile(modules.resolve("@kafkajs/confluent-schema-registry/package.json"))) {
            fail("@kafkajs/confluent-schema-registry is not installed in %s: run `.ci/run --deps-only`", modules);
        }
        List<JsonNode> steps = run(List.of(nodeJs.toString(),
                Resources.path("kafkajs/schema_registry_client.js").toString(), node.schemaRegistryUrl(),
                "js-users-value"), Map.of("NODE_PATH", modules.toString()), "kafkajs-registry");

        assertThat(steps).extracting(s -> s.get("step").asText())
                .containsExactly("registered", "encoded", "decoded", "refused", "evolved");
        int id1 = steps.get(0).get("id").asInt();
        assertThat(steps.get(1).get("magic").asInt()).isZero();
        assertThat(steps.get(1).get("schemaId").asInt()).isEqualTo(id1);
        assertThat(steps.get(2).get("value").toString()).isEqualTo("{\"id\":\"u1\"}");
        assertThat(steps.get(3).get("refused").asBoolean()).as(steps.get(3).toString()).isTrue();
        assertThat(steps.get(3).get("message").asText()).contains("incompatible");
        JsonNode evolved = steps.get(4);
        assertThat(evolved.get("id").asInt()).isNotEqualTo(id1);
        assertThat(evolved.get("latest").asInt()).isEqualTo(evolved.get("id").asInt());
        assertThat(evolved.get("byschema").asInt()).isEqualTo(id1);
        assertThat(evolved.get("old").toString()).isEqualTo("{\"id\":\"u1\"}");
        assertThat(evolved.get("new").toString()).isEqualTo("{\"id\":\"u2\",\"email\":\"u2@example.com\"}");
    }

    @Test
    void confluentKafkaPythonRegistersLooksUpEvolvesAndDeletes() throws Exception {
        List<JsonNode> steps = python(node.schemaRegistryUrl(), "py-users-value", "python-registry");
        assertFullRun(steps, "py-users-value");
    }

    @Test
    void confluentKafkaPythonAtTheRootOfTheRegistrysOwnListener() throws Exception {
        List<JsonNode> steps = python(node.schemaRegistryRootUrl(), "root-users-value", "python-root");
        assertFullRun(steps, "root-users-value");
        // One registry behind both: what was registered at the root is there under /schema-registry too.
        int jsonId = steps.get(7).get("id").asInt();
        HttpResponse<String> byId = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(node.schemaRegistryUrl() + "/schemas/ids/" + jsonId)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(JSON.readTree(byId.body()).get("schemaType").asText()).isEqualTo("JSON");
    }

    private static List<JsonNode> python(String url, String subject, String workDir) throws Exception {
        Map<String, String> env = Map.of("PYTHONNOUSERSITE", "1", "PYTHONPATH", "", "PYTHONHOME", "/usr");
        ExternalProcess.Result probe = Files.isExecutable(PYTHON) ? ExternalProcess.run(List.of(PYTHON.toString(),
                "-c", "from confluent_kafka.schema_registry import SchemaRegistryClient"), env, "",
                dir.resolve("probe"), TIMEOUT) : null;
        if (probe == null || probe.exitCode() != 0) {
            fail("confluent-kafka-python's SchemaRegistryClient cannot be imported by %s: install "
                    + "python3-confluent-kafka and python3-requests (`.ci/run --deps-only`).%s", PYTHON,
                    probe == null ? "" : "\n" + probe.stderr());
        }
        return run(List.of(PYTHON.toString(), Resources.path("python/schema_registry_client.py").toString(), url,
                subject), env, workDir);
    }

    private static void assertFullRun(List<JsonNode> steps, String subject) throws Exception {
        assertThat(steps).extracting(s -> s.get("step").asText()).containsExactly("registered", "lookup", "by-id",
                "compatible", "refused", "evolved", "config", "json", "deleted-version", "deleted-subject", "gone");
        int id1 = steps.get(0).get("id").asInt();
        assertThat(steps.get(1).get("id").asInt()).isEqualTo(id1);
        assertThat(steps.get(1).get("version").asInt()).isEqualTo(1);
        assertThat(steps.get(2).get("schema")).isEqualTo(JSON.readTree(V1));
        assertThat(steps.get(3).toString()).isEqualTo(
                "{\"step\":\"compatible\",\"refused\":false,\"accepted\":true}");
        assertThat(steps.get(4).toString()).isEqualTo(
                "{\"step\":\"refused\",\"http_status\":409,\"error_code\":409}");
        JsonNode evolved = steps.get(5);
        assertThat(evolved.get("latest_id").asInt()).isEqualTo(evolved.get("id").asInt()).isNotEqualTo(id1);
        assertThat(evolved.get("latest_version").asInt()).isEqualTo(2);
        assertThat(evolved.get("versions").toString()).isEqualTo("[1,2]");
        assertThat(evolved.get("subjects").toString()).contains("\"" + subject + "\"");
        assertThat(steps.get(6).get("level").asText()).isEqualTo("FULL");
        assertThat(steps.get(6).get("global_level").asText()).isEqualTo("BACKWARD");
        assertThat(steps.get(7).get("type").asText()).isEqualTo("JSON");
        assertThat(steps.get(8).get("version").asInt()).isEqualTo(2);
        assertThat(steps.get(8).get("versions").toString()).isEqualTo("[1]");
        assertThat(steps.get(9).get("versions").toString()).isEqualTo("[1]");
        assertThat(steps.get(9).get("subjects").toString()).doesNotContain("\"" + subject + "\"");
        assertThat(steps.get(10).toString()).isEqualTo("{\"step\":\"gone\",\"http_status\":404,\"error_code\":40401}");
    }
}
