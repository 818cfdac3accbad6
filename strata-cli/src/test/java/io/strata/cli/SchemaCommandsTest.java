package io.strata.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code strata schema register|list|get|check|delete} against a real node's registry, in tables and JSON, with
 * the registry's refusals as one-line errors (exit 1) and bad usage as exit 2.
 */
class SchemaCommandsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String V1 = "{\"type\":\"record\",\"name\":\"Order\",\"fields\":["
            + "{\"name\":\"id\",\"type\":\"string\"}]}";
    private static final String V2 = "{\"type\":\"record\",\"name\":\"Order\",\"fields\":["
            + "{\"name\":\"id\",\"type\":\"string\"},{\"name\":\"total\",\"type\":\"double\",\"default\":0}]}";
    private static final String REFUSED = "{\"type\":\"record\",\"name\":\"Order\",\"fields\":["
            + "{\"name\":\"id\",\"type\":\"int\"}]}";

    @TempDir
    static Path dir;
    static TestNode node;

    @BeforeAll
    static void start() throws Exception {
        node = TestNode.start(dir.resolve("node"));
    }

    @AfterAll
    static void stop() {
        if (node != null) {
            node.close();
        }
    }

    private static Cli.Result run(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--schema-registry");
        all.add(node.schemaRegistry());
        return Cli.run(all.toArray(String[]::new));
    }

    @Test
    void registersListsGetsChecksAndDeletes() throws Exception {
        Path v1 = Files.writeString(dir.resolve("order-v1.avsc"), V1);
        Cli.Result registered = run("schema", "register", "orders-value", "--file", v1.toString());
        assertThat(registered.exit()).as(registered.err()).isZero();
        assertThat(registered.out().lines().toList()).first().asString().matches("SUBJECT +VERSION +ID");
        assertThat(registered.out()).containsPattern("orders-value +1 +\\d+");

        JsonNode second = run("schema", "register", "orders-value", "--schema", V2, "-o", "json").json();
        assertThat(second.get("subject").asText()).isEqualTo("orders-value");
        assertThat(second.get("version").asInt()).isEqualTo(2);
        int id2 = second.get("id").asInt();

        Cli.Result refused = run("schema", "register", "orders-value", "--schema", REFUSED);
        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.err()).startsWith("strata schema register: Schema being registered is incompatible")
                .contains("(error 409)");

        Cli.Result list = run("schema", "list");
        assertThat(list.out()).containsPattern("orders-value +2 +2 +" + id2 + " +AVRO");
        JsonNode listed = run("schema", "list", "-o", "json").json().get("subjects").get(0);
        assertThat(listed.get("versions").toString()).isEqualTo("[1,2]");
        assertThat(listed.get("latestVersion").asInt()).isEqualTo(2);

        Cli.Result get = run("schema", "get", "orders-value", "--version", "1");
        assertThat(get.out()).containsPattern("orders-value +1 +\\d+ +AVRO").contains("\"name\" : \"Order\"");
        JsonNode byId = run("schema", "get", "--id", Integer.toString(id2), "-o", "json").json();
        assertThat(JSON.readTree(byId.get("schema").asText())).isEqualTo(JSON.readTree(V2));
        assertThat(byId.get("subject").isNull()).isTrue();

        Cli.Result compatible = run("schema", "check", "orders-value", "--schema", V2);
        assertThat(compatible.exit()).isZero();
        assertThat(compatible.out()).startsWith("compatible with orders-value");
        Cli.Result incompatible = run("schema", "check", "orders-value", "--schema", REFUSED, "-o", "json");
        assertThat(incompatible.exit()).isEqualTo(1);
        assertThat(incompatible.json().get("compatible").asBoolean()).isFalse();
        assertThat(incompatible.json().get("messages").toString()).contains("TYPE_MISMATCH");

        Cli.Result soft = run("schema", "delete", "orders-value", "--version", "2");
        assertThat(soft.out().strip()).isEqualTo("Deleted version 2 of subject orders-value");
        assertThat(run("schema", "list", "-o", "json").json().get("subjects").get(0).get("versions").toString())
                .isEqualTo("[1]");
        JsonNode gone = run("schema", "delete", "orders-value", "--permanent", "--soft-first", "-o", "json").json();
        assertThat(gone.get("versions").toString()).isEqualTo("[1,2]");
        assertThat(run("schema", "list", "--deleted", "-o", "json").json().get("subjects").size()).isZero();
        Cli.Result missing = run("schema", "get", "orders-value");
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.err()).isEqualTo("strata schema get: Subject 'orders-value' not found. (error 40401)\n");
    }

    @Test
    void refusesBadUsageAndAnUnreachableRegistry() {
        assertThat(run("schema", "register", "s").exit()).as("no schema given").isEqualTo(2);
        assertThat(run("schema", "get").exit()).as("neither a subject nor an id").isEqualTo(2);
        assertThat(run("schema", "register", "s", "--schema", V1, "--reference", "nonsense").exit()).isEqualTo(2);

        Cli.Result unreachable = Cli.run("schema", "list", "--schema-registry",
                "http://127.0.0.1:1/schema-registry");
        assertThat(unreachable.exit()).isEqualTo(1);
        assertThat(unreachable.err()).startsWith("strata schema list: cannot reach the schema registry at "
                + "http://127.0.0.1:1/schema-registry");
    }
}
