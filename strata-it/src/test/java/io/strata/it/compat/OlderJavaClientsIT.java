package io.strata.it.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Older Java clients, each alone on its classpath in a child JVM ({@code compat/java/OldJavaClient.java} compiled
 * against and run with only that version's jar, which Maven copies to {@code target/compat}): they speak older
 * versions of every API, and each version Strata advertises must really work. The current client is the reference
 * on the other side.
 */
class OlderJavaClientsIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(90);

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

    /** The kafka-clients versions under test, as pinned in strata-it/pom.xml. */
    static Stream<String> versions() {
        return Stream.of("compat.kafka2.version", "compat.kafka3.version").map(property -> {
            String version = System.getProperty(property);
            if (version == null) {
                fail("System property %s is not set: run the test through Maven (strata-it/pom.xml sets it)",
                        property);
            }
            return version;
        });
    }

    private static List<String> client(String version, String stdin, String... args) throws Exception {
        String classpath = compiled(version) + java.io.File.pathSeparator + classpath(version);
        List<String> command = new ArrayList<>(List.of(
                ProcessHandle.current().info().command().orElse("java"), "-XX:TieredStopAtLevel=1",
                "-cp", classpath, "OldJavaClient", node.bootstrap()));
        command.addAll(List.of(args));
        return ExternalProcess.run(command, Map.of(), stdin, dir.resolve("java-" + version), TIMEOUT)
                .assertSuccess().stdoutLines();
    }

    /**
     * {@code OldJavaClient.java} compiled against that version's jar alone (once per version), so that it can only
     * use API that version has.
     */
    private static Path compiled(String version) throws IOException {
        Path classes = dir.resolve("classes-" + version);
        if (Files.isRegularFile(classes.resolve("OldJavaClient.class"))) {
            return classes; // JUnit runs this class's tests one at a time: no race on the first compile
        }
        Files.createDirectories(classes);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        StringWriter diagnostics = new StringWriter();
        boolean ok = javac.getTask(diagnostics, null, null,
                List.of("--release", "17", "-classpath", classpath(version), "-d", classes.toString()), null,
                javac.getStandardFileManager(null, null, StandardCharsets.UTF_8)
                        .getJavaFileObjects(Resources.path("java/OldJavaClient.java"))).call();
        if (!ok) {
            fail("OldJavaClient.java does not compile against kafka-clients %s:%n%s", version, diagnostics);
        }
        return classes;
    }

    private static String classpath(String version) throws IOException {
        Path jars = Path.of(System.getProperty("compat.dir", "target/compat")).resolve("kafka-clients-" + version);
        if (!Files.isRegularFile(jars.resolve("kafka-clients-" + version + ".jar"))) {
            fail("kafka-clients %s is not in %s: build strata-it with Maven, which copies it there", version, jars);
        }
        try (Stream<Path> files = Files.list(jars)) {
            return files.map(Path::toString).filter(f -> f.endsWith(".jar")).sorted()
                    .collect(Collectors.joining(java.io.File.pathSeparator));
        }
    }

    private static JavaClients.Acked acked(String tabSeparated) {
        String[] f = tabSeparated.split("\t", 4);
        return new JavaClients.Acked(Integer.parseInt(f[0]), Long.parseLong(f[1]), new JavaClients.Line(f[2], f[3]));
    }

    @ParameterizedTest(name = "kafka-clients {0}")
    @MethodSource("versions")
    @CompatCell(client = Client.JAVA_2, feature = Feature.ADMIN_TOPICS)
    @CompatCell(client = Client.JAVA_3, feature = Feature.ADMIN_TOPICS)
    @CompatCell(client = Client.JAVA_2, feature = Feature.METADATA)
    @CompatCell(client = Client.JAVA_3, feature = Feature.METADATA)
    void adminCreatesDescribesAndDeletesATopic(String version) throws Exception {
        String topic = "java-admin-" + version;

        List<String> steps = client(version, "", "admin", topic, "3");

        assertThat(steps).containsExactly("created\t" + topic, "described\t" + topic + "\t3\t1", "listed\ttrue",
                "deleted\t" + topic, "gone\t" + topic);
    }

    @ParameterizedTest(name = "kafka-clients {0}")
    @MethodSource("versions")
    @CompatCell(client = Client.JAVA_2, feature = Feature.PRODUCE)
    @CompatCell(client = Client.JAVA_3, feature = Feature.PRODUCE)
    @CompatCell(client = Client.JAVA_2, feature = Feature.IDEMPOTENT_PRODUCE)
    @CompatCell(client = Client.JAVA_3, feature = Feature.IDEMPOTENT_PRODUCE)
    void idempotentGzipProducerRecordsAreStoredWhereAcknowledged(String version) throws Exception {
        String topic = "java-produce-" + version;
        JavaClients.createTopic(node.bootstrap(), topic, 3);
        List<JavaClients.Line> sent = JavaClients.lines(3_000);

        List<JavaClients.Acked> acked = client(version, JavaClients.Line.asKcatInput(sent), "produce", topic)
                .stream().map(OlderJavaClientsIT::acked).toList();

        assertThat(acked).extracting(JavaClients.Acked::line).containsExactlyElementsOf(sent);
        assertThat(JavaClients.read(node.bootstrap(), topic, 3, sent.size()))
                .containsExactlyInAnyOrderElementsOf(acked);
    }

    @ParameterizedTest(name = "kafka-clients {0}")
    @MethodSource("versions")
    @CompatCell(client = Client.JAVA_2, feature = Feature.TRANSACTIONS)
    @CompatCell(client = Client.JAVA_3, feature = Feature.TRANSACTIONS)
    void transactionalProducerCommitsAndAbortsAsAReadCommittedConsumerSees(String version) throws Exception {
        String topic = "java-txn-" + version;
        JavaClients.createTopic(node.bootstrap(), topic, 1);

        List<String> transactions = client(version, "", "transactions", topic, topic, "50");

        assertThat(transactions).containsExactly("transaction\t1\tcommit", "transaction\t2\tabort",
                "transaction\t3\tcommit");
        JavaClients.assertCommitAbortCommit(node.bootstrap(), topic, 50);
    }

    @ParameterizedTest(name = "kafka-clients {0}")
    @MethodSource("versions")
    @CompatCell(client = Client.JAVA_2, feature = Feature.CONSUME_ASSIGN)
    @CompatCell(client = Client.JAVA_3, feature = Feature.CONSUME_ASSIGN)
    void assignedConsumerReadsEveryRecordFromTheBeginning(String version) throws Exception {
        String topic = "java-consume-" + version;
        JavaClients.createTopic(node.bootstrap(), topic, 3);
        List<JavaClients.Acked> acked = JavaClients.produce(node.bootstrap(), topic, JavaClients.lines(1_500));

        List<JavaClients.Acked> read = client(version, "", "consume", topic, "3", String.valueOf(acked.size()))
                .stream().map(OlderJavaClientsIT::acked).toList();

        assertThat(read).containsExactlyInAnyOrderElementsOf(acked);
    }

    @ParameterizedTest(name = "kafka-clients {0}")
    @MethodSource("versions")
    @CompatCell(client = Client.JAVA_2, feature = Feature.CONSUMER_GROUP)
    @CompatCell(client = Client.JAVA_3, feature = Feature.CONSUMER_GROUP)
    void groupMemberReadsEverythingAndCommitsTheEndOffsets(String version) throws Exception {
        assertGroupMemberReadsEverythingAndCommits(version, "java-group-" + version);
    }

    @Test
    @CompatCell(client = Client.JAVA_3, feature = Feature.CONSUMER_PROTOCOL_GROUP)
    void consumerProtocolGroupMemberReadsEverythingAndCommitsTheEndOffsets() throws Exception {
        String version = System.getProperty("compat.kafka3.version");
        assertGroupMemberReadsEverythingAndCommits(version, "java-kip848-" + version, "consumer");
    }

    /** One member of a new group reads the whole topic, commits, and both client versions see the end offsets. */
    private static void assertGroupMemberReadsEverythingAndCommits(String version, String group,
            String... protocol) throws Exception {
        String topic = group;
        JavaClients.createTopic(node.bootstrap(), topic, 3);
        List<JavaClients.Acked> acked = JavaClients.produce(node.bootstrap(), topic, JavaClients.lines(900));
        Map<Integer, Long> endOffsets = JavaClients.endOffsets(acked);
        List<String> args = new ArrayList<>(List.of("group", topic, group, String.valueOf(acked.size())));
        args.addAll(List.of(protocol));

        List<String> out = client(version, "", args.toArray(String[]::new));

        assertThat(out.stream().filter(l -> !l.startsWith("committed\t")).map(OlderJavaClientsIT::acked))
                .containsExactlyInAnyOrderElementsOf(acked);
        assertThat(out.stream().filter(l -> l.startsWith("committed\t")))
                .containsExactlyElementsOf(endOffsets.entrySet().stream()
                        .map(e -> "committed\t" + e.getKey() + "\t" + e.getValue()).toList());
        // The commit is durable group state that another client version reads back.
        assertThat(JavaClients.committedOffsets(node.bootstrap(), group)).isEqualTo(endOffsets);
    }
}
