package io.strata.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.strata.testkit.Ports;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code strata user add|list|remove} against a node with a SASL_PLAINTEXT (SCRAM) listener, and
 * {@code --command-config} carrying the client's SASL settings to that listener.
 */
class UserCommandsTest {

    @TempDir
    static Path dir;

    static TestNode node;
    static String secured;

    @BeforeAll
    static void start() throws Exception {
        int controller = Ports.free();
        node = TestNode.start(dir, Map.of("listeners", "PLAINTEXT://127.0.0.1:0,SASL_PLAINTEXT://127.0.0.1:0,"
                + "CONTROLLER://127.0.0.1:" + controller, "controller.quorum.voters", "1@127.0.0.1:" + controller,
                "sasl.enabled.mechanisms", "SCRAM-SHA-256,SCRAM-SHA-512"));
        secured = "127.0.0.1:" + node.server().listeners().stream()
                .filter(l -> l.listenerName().equals("SASL_PLAINTEXT")).findFirst().orElseThrow().address().getPort();
    }

    @AfterAll
    static void stop() {
        if (node != null) {
            node.close();
        }
    }

    @Test
    void addListAndRemoveUsersThenUseOneThroughCommandConfig() throws Exception {
        Cli.Result added = Cli.run(node, "user", "add", "alice", "--password", "alice-secret");
        assertThat(added.exit()).as(added.err()).isZero();
        assertThat(added.out()).isEqualTo("Set the SCRAM-SHA-512 credential of user 'alice'.\n");
        Path passwordFile = Files.writeString(dir.resolve("bob.password"), "bob-secret\n");
        assertThat(Cli.run(node, "user", "add", "bob", "--password-file", passwordFile.toString(), "--mechanism",
                "SCRAM-SHA-256", "--iterations", "8192").exit()).isZero();

        Path aliceConfig = Files.writeString(dir.resolve("alice.properties"), """
                security.protocol=SASL_PLAINTEXT
                sasl.mechanism=SCRAM-SHA-512
                sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required \\
                    username="alice" password="alice-secret";
                """);
        Cli.Result list = Cli.run("user", "list", "--bootstrap-server", secured, "--command-config",
                aliceConfig.toString());
        assertThat(list.exit()).as(list.err()).isZero();
        assertThat(list.lines()).first().asString().matches("USER +MECHANISM +ITERATIONS");
        assertThat(list.lines()).anyMatch(l -> l.matches("alice +SCRAM-SHA-512 +4096"))
                .anyMatch(l -> l.matches("bob +SCRAM-SHA-256 +8192"));
        JsonNode json = Cli.run(node, "user", "list", "--output", "json").json();
        assertThat(json.get("users")).hasSize(2);
        assertThat(json.get("users").get(1).get("user").asText()).isEqualTo("bob");

        Cli.Result removed = Cli.run(node, "user", "remove", "alice");
        assertThat(removed.exit()).as(removed.err()).isZero();
        assertThat(removed.out()).isEqualTo("Removed user 'alice' (SCRAM-SHA-512).\n");
        Cli.Result refused = Cli.run("user", "list", "--bootstrap-server", secured, "--command-config",
                aliceConfig.toString());
        assertThat(refused.exit()).as(refused.out() + refused.err()).isEqualTo(1);
        assertThat(refused.err()).contains("Authentication failed");
        Cli.Result missing = Cli.run(node, "user", "remove", "alice");
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.err()).contains("user 'alice' has no SCRAM credential");

        assertThat(Cli.run(node, "user", "add", "bob", "--password", "bob-512", "--mechanism", "SCRAM-SHA-512")
                .exit()).isZero();
        Cli.Result both = Cli.run(node, "user", "remove", "bob");
        assertThat(both.exit()).as(both.err()).isZero();
        assertThat(both.out()).isEqualTo("Removed user 'bob' (SCRAM-SHA-256, SCRAM-SHA-512).\n");
        assertThat(Cli.run(node, "user", "list", "--output", "json").json().get("users")).isEmpty();
    }

    @Test
    void badUsageIsExitCodeTwo() {
        assertThat(Cli.run(node, "user", "add", "carol").exit()).isEqualTo(2);
        assertThat(Cli.run(node, "user", "add", "carol", "--password", "x", "--mechanism", "PLAIN").exit())
                .isEqualTo(2);
    }
}
