package io.strata.it.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Older Java clients, each alone on its classpath in a child JVM ({@code compat/java/OldJavaClient.java} run in
 * source-file mode against that version's jar, which Maven copies to {@code target/compat}): they speak older
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
        List<String> command = new ArrayList<>(List.of(
                ProcessHandle.current().info().command().orElse("java"), "-XX:TieredStopAtLevel=1",
                "-cp", classpath(version), Resources.path("java/OldJavaClient.java").toString(), node.bootstrap()));
        command.addAll(List.of(args));
        return ExternalProcess.run(command, Map.of(), stdin, dir.resolve("java-" + version), TIMEOUT)
                .assertSuccess().stdoutLines();
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
        String topic = "java-group-" + version;
        String group = "java-group-" + version;
        JavaClients.createTopic(node.bootstrap(), topic, 3);
        List<JavaClients.Acked> acked = JavaClients.produce(node.bootstrap(), topic, JavaClients.lines(900));
        Map<Integer, Long> endOffsets = acked.stream().collect(Collectors.toMap(JavaClients.Acked::partition,
                a -> a.offset() + 1, Math::max));

        List<String> out = client(version, "", "group", topic, group, String.valueOf(acked.size()));

        assertThat(out.stream().filter(l -> !l.startsWith("committed\t")).map(OlderJavaClientsIT::acked))
                .containsExactlyInAnyOrderElementsOf(acked);
        assertThat(out.stream().filter(l -> l.startsWith("committed\t")))
                .containsExactlyElementsOf(endOffsets.entrySet().stream().sorted(Map.Entry.comparingByKey())
                        .map(e -> "committed\t" + e.getKey() + "\t" + e.getValue()).toList());
        // The commit is durable group state that another client version reads back.
        try (Admin admin = JavaClients.admin(node.bootstrap())) {
            Map<TopicPartition, OffsetAndMetadata> committed =
                    admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
            assertThat(committed.entrySet().stream().collect(Collectors.toMap(e -> e.getKey().partition(),
                    e -> e.getValue().offset()))).isEqualTo(endOffsets);
        }
    }
}
