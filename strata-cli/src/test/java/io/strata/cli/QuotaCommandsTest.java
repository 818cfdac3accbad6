package io.strata.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code strata quota set|list|remove} against a node: users, client ids, both, defaults; table and JSON. */
class QuotaCommandsTest {

    @TempDir
    static Path dir;

    static TestNode node;

    @BeforeAll
    static void start() throws Exception {
        node = TestNode.start(dir);
    }

    @AfterAll
    static void stop() {
        if (node != null) {
            node.close();
        }
    }

    @Test
    void setListAndRemoveQuotas() {
        Cli.Result set = Cli.run(node, "quota", "set", "--user", "alice", "--producer-byte-rate", "1048576",
                "--request-percentage", "12.5");
        assertThat(set.exit()).as(set.err()).isZero();
        assertThat(set.out()).isEqualTo("Set producer_byte_rate=1048576, request_percentage=12.5 for user=alice.\n");
        assertThat(Cli.run(node, "quota", "set", "--default", "client-id", "--consumer-byte-rate", "2048").exit())
                .isZero();
        assertThat(Cli.run(node, "quota", "set", "--user", "alice", "--default", "client-id",
                "--controller-mutation-rate", "5").exit()).isZero();

        Cli.Result list = Cli.run(node, "quota", "list");
        assertThat(list.exit()).as(list.err()).isZero();
        assertThat(list.lines()).first().asString().matches("USER +CLIENT-ID +QUOTA +VALUE");
        assertThat(list.lines()).anyMatch(l -> l.matches("- +<default> +consumer_byte_rate +2048"))
                .anyMatch(l -> l.matches("alice +- +producer_byte_rate +1048576"))
                .anyMatch(l -> l.matches("alice +- +request_percentage +12.5"))
                .anyMatch(l -> l.matches("alice +<default> +controller_mutation_rate +5"));
        JsonNode json = Cli.run(node, "quota", "list", "--user", "alice", "--output", "json").json();
        assertThat(json.get("quotas")).hasSize(2);
        assertThat(json.get("quotas").get(0).get("client_id").isNull()).isTrue();
        assertThat(json.get("quotas").get(0).get("quotas").get("producer_byte_rate").asLong()).isEqualTo(1048576);

        Cli.Result removed = Cli.run(node, "quota", "remove", "--user", "alice");
        assertThat(removed.exit()).as(removed.err()).isZero();
        assertThat(removed.out()).isEqualTo("Removed producer_byte_rate, request_percentage of user=alice.\n");
        assertThat(Cli.run(node, "quota", "list", "--output", "json").json().get("quotas")).hasSize(2);
        Cli.Result missing = Cli.run(node, "quota", "remove", "--user", "alice");
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.err()).contains("user=alice has no quotas");
    }

    @Test
    void refusedValuesAndBadUsage() {
        Cli.Result negative = Cli.run(node, "quota", "set", "--client-id", "x", "--request-percentage", "-1");
        assertThat(negative.exit()).isEqualTo(1);
        assertThat(negative.err()).contains("must be a positive number");
        assertThat(Cli.run(node, "quota", "set", "--producer-byte-rate", "1").exit()).isEqualTo(2);
        assertThat(Cli.run(node, "quota", "set", "--user", "a").exit()).isEqualTo(2);
        assertThat(Cli.run(node, "quota", "set", "--default", "host", "--producer-byte-rate", "1").exit())
                .isEqualTo(2);
    }
}
