package io.strata.it.compat;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code examples/microservices/run.sh} as a user runs it ({@code CI=true}, no stdin), against a node of this JVM
 * given by the environment variables the script takes: the profile service registers v1 and v2 of the Avro schema
 * (a v2 without a default refused), billing's two instances share the partitions and together consume every event
 * once, reading v1 events with v2's default, and the email service (KafkaJS) consumes every event as its own group.
 */
class MicroservicesExampleIT {

    /**
     * The whole run's bound: a hung example fails the test. The run takes about 20 s of CPU (five JVMs and Node.js
     * starting); the bound leaves room for a 2-core machine shared with other builds.
     */
    private static final Duration BUDGET = Duration.ofSeconds(120);
    private static final Path EXAMPLE = Path.of("..", "examples", "microservices").toAbsolutePath().normalize();
    private static final Pattern SENT = Pattern.compile(
            "\\[profile] sent (v[12]) user=(\\w+) event=(\\w+).* partition=(\\d+) offset=(\\d+)");
    private static final Pattern REGISTERED = Pattern.compile(
            "\\[profile] registered user-events-value version (\\d) \\(schema id (\\d+)\\)");
    private static final Pattern BILLED = Pattern.compile("\\[(billing-[12])] user=(\\w+) event=(\\w+) "
            + "written-with=(v[12]) \\(schema id \\d+\\) plan=(\\w+)( \\(v2's default\\))? partition=(\\d+) "
            + "offset=(\\d+)");
    private static final Pattern ASSIGNED = Pattern.compile("\\[(billing-[12])] assigned partitions \\[([0-9, ]*)]");
    private static final Pattern EMAILED = Pattern.compile(
            "\\[email] user=(\\w+) event=(\\w+) schema-id=\\d+ partition=(\\d+) offset=(\\d+) -> .*");

    @TempDir
    static Path dir;
    static CompatNode node;

    @BeforeAll
    static void start() throws Exception {
        node = CompatNode.start(dir.resolve("node"));
    }

    @AfterAll
    static void stop() {
        if (node != null) {
            node.close();
        }
    }

    /** A record's place in the topic. */
    record At(int partition, long offset) {
        static At of(Matcher m, int partitionGroup) {
            return new At(Integer.parseInt(m.group(partitionGroup)), Long.parseLong(m.group(partitionGroup + 1)));
        }
    }

    @Test
    void runsTheExampleEndToEnd() throws Exception {
        ExternalProcess.require("node", "`apt-get install nodejs npm`");
        Path modules = KafkaJsIT.KafkaJs.modules();
        assertThat(Path.of("..", "strata-cli", "target", "strata.jar")).as("the distribution, built by "
                + "strata-cli's package phase").isRegularFile();
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        Map<String, String> env = Map.of("CI", "true", "STRATA_SKIP_BUILD", "1", "TMPDIR", tmp.toString(),
                "STRATA_BOOTSTRAP_SERVER", node.bootstrap(), "STRATA_SCHEMA_REGISTRY_URL", node.schemaRegistryUrl(),
                "EMAIL_NODE_MODULES", modules.toString());
        List<String> lines = ExternalProcess.run(List.of(EXAMPLE.resolve("run.sh").toString()), env, "",
                dir.resolve("run"), BUDGET).assertSuccess().stdoutLines();

        Map<Integer, Integer> idsByVersion = new HashMap<>();
        Map<At, String> sent = new HashMap<>();
        Map<String, Set<Integer>> assigned = new HashMap<>();
        Map<String, List<At>> billed = new HashMap<>();
        List<At> emailed = new ArrayList<>();
        Set<At> billedWithDefault = new HashSet<>();
        Map<At, String> billedVersions = new HashMap<>();
        for (String line : lines) {
            Matcher m;
            if ((m = REGISTERED.matcher(line)).matches()) {
                idsByVersion.put(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
            } else if ((m = SENT.matcher(line)).matches()) {
                sent.put(At.of(m, 4), m.group(1));
            } else if ((m = ASSIGNED.matcher(line)).matches()) {
                Set<Integer> partitions = new HashSet<>();
                for (String p : m.group(2).split(", ")) {
                    if (!p.isBlank()) {
                        partitions.add(Integer.parseInt(p.strip()));
                    }
                }
                assigned.put(m.group(1), partitions);
            } else if ((m = BILLED.matcher(line)).matches()) {
                At at = At.of(m, 7);
                billed.computeIfAbsent(m.group(1), k -> new ArrayList<>()).add(at);
                billedVersions.put(at, m.group(4));
                if (m.group(4).equals("v1")) {
                    assertThat(m.group(5)).as("a v1 event read with v2: the default plan; " + line)
                            .isEqualTo("free");
                    assertThat(m.group(6)).as(line).isNotNull();
                    billedWithDefault.add(at);
                }
            } else if ((m = EMAILED.matcher(line)).matches()) {
                emailed.add(At.of(m, 3));
            }
        }
        String output = String.join("\n", lines);

        assertThat(idsByVersion).as(output).containsOnlyKeys(1, 2);
        assertThat(idsByVersion.get(1)).isNotEqualTo(idsByVersion.get(2));
        assertThat(output).contains("[profile] refused a v2 without a default for 'plan'").contains("(error 409)");
        assertThat(sent).hasSize(12);
        assertThat(sent.values()).filteredOn("v1"::equals).hasSize(6);

        assertThat(assigned).as(output).containsOnlyKeys("billing-1", "billing-2");
        Set<Integer> first = assigned.get("billing-1");
        Set<Integer> second = assigned.get("billing-2");
        assertThat(first).as("each instance has partitions of its own").isNotEmpty()
                .doesNotContainAnyElementsOf(second);
        assertThat(second).isNotEmpty();
        Set<Integer> all = new HashSet<>(first);
        all.addAll(second);
        assertThat(all).containsExactlyInAnyOrder(0, 1, 2);
        assertThat(billed.get("billing-1")).extracting(At::partition).allMatch(first::contains);
        assertThat(billed.get("billing-2")).extracting(At::partition).allMatch(second::contains);
        List<At> billedTogether = new ArrayList<>(billed.get("billing-1"));
        billedTogether.addAll(billed.get("billing-2"));
        assertThat(billedTogether).as("billing sees every event once").containsExactlyInAnyOrderElementsOf(
                sent.keySet());
        assertThat(billedVersions).as("billing read each event's own writer version").isEqualTo(sent);
        assertThat(billedWithDefault).hasSize(6);

        assertThat(emailed).as("the email group sees every event").containsExactlyInAnyOrderElementsOf(
                sent.keySet());
        try (var left = Files.list(tmp)) {
            assertThat(left.toList()).as("run.sh removes its work directory").isEmpty();
        }
    }
}
