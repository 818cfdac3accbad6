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
 * {@code strata acl add|list|remove} against a node with the authorizer on: its PLAINTEXT listener's principal
 * (User:ANONYMOUS) is a super user, and alice reaches the SASL_PLAINTEXT listener with {@code --command-config}.
 */
class AclCommandsTest {

    @TempDir
    static Path dir;

    static TestNode node;
    static String secured;

    @BeforeAll
    static void start() throws Exception {
        int controller = Ports.free();
        node = TestNode.start(dir, Map.of("listeners", "PLAINTEXT://127.0.0.1:0,SASL_PLAINTEXT://127.0.0.1:0,"
                        + "CONTROLLER://127.0.0.1:" + controller, "controller.quorum.voters", "1@127.0.0.1:" + controller,
                "listener.name.sasl_plaintext.sasl.enabled.mechanisms", "PLAIN",
                "listener.name.sasl_plaintext.plain.sasl.jaas.config",
                "org.apache.kafka.common.security.plain.PlainLoginModule required user_alice=\"alice-secret\";",
                "authorizer.class.name", "acl", "super.users", "User:ANONYMOUS"));
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
    void addListAndRemoveAclsAlsoThroughCommandConfig() throws Exception {
        Cli.Result added = Cli.run(node, "acl", "add", "--allow-principal", "User:alice", "--operation", "Read",
                "--operation", "describe-configs", "--topic", "orders-", "--resource-pattern-type", "prefixed");
        assertThat(added.exit()).as(added.err()).isZero();
        assertThat(added.out()).isEqualTo("Added 2 ACLs on topics prefixed 'orders-'.\n");
        assertThat(Cli.run(node, "acl", "add", "--deny-principal", "User:*", "--operation", "All", "--group",
                "payments").exit()).isZero();

        Cli.Result table = Cli.run(node, "acl", "list");
        assertThat(table.exit()).as(table.err()).isZero();
        assertThat(table.lines()).first().asString()
                .matches("RESOURCE +NAME +PATTERN +PRINCIPAL +HOST +OPERATION +PERMISSION");
        assertThat(table.lines()).anyMatch(l -> l.matches("TOPIC +orders- +PREFIXED +User:alice +\\* +READ +ALLOW"))
                .anyMatch(l -> l.matches("GROUP +payments +LITERAL +User:\\* +\\* +ALL +DENY"));
        // MATCH: the ACLs that apply to one topic, prefixes included.
        JsonNode matching = Cli.run(node, "acl", "list", "--topic", "orders-eu", "--resource-pattern-type", "match",
                "--output", "json").json();
        assertThat(matching.get("acls")).hasSize(2);
        assertThat(matching.get("acls").get(0).get("operation").asText()).isEqualTo("READ");

        Path alice = Files.writeString(dir.resolve("alice.properties"), """
                security.protocol=SASL_PLAINTEXT
                sasl.mechanism=PLAIN
                sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required \\
                    username="alice" password="alice-secret";
                """);
        Cli.Result refused = Cli.run("acl", "list", "--bootstrap-server", secured, "--command-config",
                alice.toString());
        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.err()).containsIgnoringCase("authoriz");
        assertThat(Cli.run(node, "acl", "add", "--allow-principal", "User:alice", "--operation", "Describe",
                "--cluster").exit()).isZero();
        Cli.Result allowed = Cli.run("acl", "list", "--bootstrap-server", secured, "--command-config",
                alice.toString(), "--principal", "User:alice", "--output", "json");
        assertThat(allowed.exit()).as(allowed.err()).isZero();
        assertThat(allowed.json().get("acls")).hasSize(3);

        Cli.Result removed = Cli.run(node, "acl", "remove", "--topic", "orders-", "--resource-pattern-type",
                "prefixed", "--allow-principal", "User:alice", "--operation", "Read");
        assertThat(removed.exit()).as(removed.err()).isZero();
        assertThat(removed.out()).isEqualTo("Removed 1 ACL from topics prefixed 'orders-'.\n");
        JsonNode left = Cli.run(node, "acl", "remove", "--group", "payments", "--output", "json").json();
        assertThat(left.get("acls").get(0).get("permission").asText()).isEqualTo("DENY");
        assertThat(Cli.run(node, "acl", "list", "--output", "json").json().get("acls")).hasSize(2);
    }

    @Test
    void badUsageIsExitCodeTwo() {
        assertThat(Cli.run(node, "acl", "add", "--allow-principal", "User:a", "--operation", "Read").exit())
                .isEqualTo(2);
        assertThat(Cli.run(node, "acl", "add", "--topic", "t", "--operation", "Read").exit()).isEqualTo(2);
        assertThat(Cli.run(node, "acl", "add", "--topic", "t", "--allow-principal", "User:a", "--operation",
                "Fly").exit()).isEqualTo(2);
        assertThat(Cli.run(node, "acl", "remove", "--topic", "t", "--resource-pattern-type", "any").exit())
                .isEqualTo(2);
    }
}
