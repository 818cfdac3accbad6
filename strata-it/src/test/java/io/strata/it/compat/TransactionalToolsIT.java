package io.strata.it.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.ProduceResponse;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.tools.TransactionalMessageCopier;
import org.apache.kafka.tools.TransactionsCommand;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kafka's transactional tools from {@code kafka-tools}, each in a child JVM as an operator runs them:
 * {@code TransactionalMessageCopier} killed with SIGKILL in the middle of a copy and run again with the same
 * transactional id (the copy is still exactly once), and {@code kafka-transactions.sh find-hanging} finding a
 * transaction no coordinator knows, which {@code abort} by producer id then ends. ({@code TransactionsIT} covers
 * {@code list}, {@code describe}, {@code describe-producers}, {@code abort --start-offset} and an uninterrupted
 * copier with random aborts.)
 */
class TransactionalToolsIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    static CompatNode node;

    @BeforeAll
    static void start() throws Exception {
        // A hanging transaction is what KIP-890's verification prevents: the ghost writes below need it off.
        node = CompatNode.start(dir.resolve("node"), Map.of("transaction.partition.verification.enable", "false"));
    }

    @AfterAll
    static void stop() {
        if (node != null) {
            node.close();
        }
    }

    private static List<String> java(Class<?> mainClass, String... args) {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-XX:TieredStopAtLevel=1", "-Xmx256m",
                "-Dlogback.configurationFile=" + Resources.path("tools/logback-stderr.xml"),
                "-cp", System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
                mainClass.getName()));
        command.addAll(List.of(args));
        return command;
    }

    private static List<String> copier(String input, String output, int messages) {
        return java(TransactionalMessageCopier.class, "--broker-list", node.bootstrap(), "--transactional-id",
                "tools-copier", "--consumer-group", "tools-copier", "--input-topic", input, "--input-partition", "0",
                "--output-topic", output, "--max-messages", Integer.toString(messages), "--transaction-size", "50",
                "--transaction-timeout", "5000", "--use-group-metadata");
    }

    private static ExternalProcess.Result transactions(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("--bootstrap-server", node.bootstrap()));
        command.addAll(List.of(args));
        return ExternalProcess.run(java(TransactionsCommand.class, command.toArray(String[]::new)), Map.of(), "",
                dir.resolve("transactions"), TIMEOUT).assertSuccess();
    }

    @Test
    @CompatCell(client = Client.KAFKA_TOOLS, feature = Feature.TRANSACTIONS)
    void messageCopierKilledMidCopyAndRunAgainCopiesExactlyOnce() throws Exception {
        int messages = 5_000;
        JavaClients.createTopic(node.bootstrap(), "copy-in", 1);
        JavaClients.createTopic(node.bootstrap(), "copy-out", 1);
        List<JavaClients.Line> lines = IntStream.range(0, messages)
                .mapToObj(i -> new JavaClients.Line("key-" + i, "value-" + i)).toList();
        JavaClients.produce(node.bootstrap(), "copy-in", lines);

        Path work = Files.createDirectories(dir.resolve("copier"));
        Path progress = work.resolve("first.out");
        Process first = new ProcessBuilder(copier("copy-in", "copy-out", messages)).directory(work.toFile())
                .redirectOutput(progress.toFile()).redirectError(work.resolve("first.err").toFile()).start();
        try {
            // Its progress lines come after each committed transaction: kill it once it has copied some and is
            // well inside the input, with the next transaction under way.
            await().atMost(TIMEOUT).until(() -> !first.isAlive() || remaining(progress) < messages - 500);
            assertThat(first.isAlive()).as("first copier still copying; its output: %s",
                    Files.readString(progress)).isTrue();
        } finally {
            first.destroyForcibly().waitFor(30, TimeUnit.SECONDS); // SIGKILL
        }

        // The second instance resumes from the offsets committed with the last committed transaction. The copier
        // reads them before its producer's initTransactions() would abort the killed one's transaction, so if that
        // transaction holds offsets it waits (UNSTABLE_OFFSET_COMMIT, as against Kafka) until the coordinator aborts
        // it after its timeout: hence the short --transaction-timeout.
        ExternalProcess.Result second = ExternalProcess.run(copier("copy-in", "copy-out", messages), Map.of(), "",
                work, TIMEOUT).assertSuccess();
        assertThat(second.stdout()).contains("\"remaining\":0");

        assertThat(JavaClients.readValues(node.bootstrap(), "copy-out", IsolationLevel.READ_COMMITTED))
                .isEqualTo(lines.stream().map(JavaClients.Line::value).toList());
    }

    /** The least {@code remaining} count among the copier's progress lines so far. */
    private static long remaining(Path progress) throws IOException {
        long least = Long.MAX_VALUE;
        for (String line : Files.readAllLines(progress, StandardCharsets.UTF_8)) {
            if (line.startsWith("{")) {
                JsonNode event = JSON.readTree(line);
                if (event.has("remaining")) {
                    least = Math.min(least, event.get("remaining").asLong());
                }
            }
        }
        return least;
    }

    @Test
    void findHangingReportsATransactionNoCoordinatorKnowsAndAbortByProducerIdEndsIt() throws Exception {
        JavaClients.createTopic(node.bootstrap(), "hung", 1);
        TopicPartition tp = new TopicPartition("hung", 0);
        long producerId = 424_242;
        // A transactional batch of a producer that no coordinator ever registered in a transaction (as a produce
        // that arrives after its transaction ended would be): nothing will ever write its marker.
        produceTransactional(tp, producerId, "hanging");
        ProducerState state;
        try (Admin admin = JavaClients.admin(node.bootstrap())) {
            state = admin.describeProducers(List.of(tp)).partitionResult(tp).get().activeProducers().stream()
                    .filter(p -> p.producerId() == producerId).findFirst().orElseThrow();
        }
        assertThat(state.currentTransactionStartOffset()).hasValue(0);

        ExternalProcess.Result hanging = transactions("find-hanging", "--topic", "hung",
                "--max-transaction-timeout", "0");
        assertThat(hanging.stdoutLines()).as(hanging.stdout()).hasSize(2);
        assertThat(hanging.stdoutLines().get(1).split("\\s+")).as(hanging.stdout())
                .startsWith("hung", "0", Long.toString(producerId), "0", "-1", "0");

        transactions("abort", "--topic", "hung", "--partition", "0", "--producer-id", Long.toString(producerId),
                "--producer-epoch", "0", "--coordinator-epoch", "0");

        assertThat(JavaClients.readValues(node.bootstrap(), "hung", IsolationLevel.READ_COMMITTED)).isEmpty();
        assertThat(transactions("find-hanging", "--topic", "hung", "--max-transaction-timeout", "0")
                .stdout()).doesNotContain(Long.toString(producerId));
    }

    /** One transactional batch for {@code producerId} (epoch 0), written with acks=all over a bare connection. */
    private static void produceTransactional(TopicPartition tp, long producerId, String value) throws IOException {
        MemoryRecords batch = MemoryRecords.withTransactionalRecords(Compression.NONE, producerId, (short) 0, 0,
                new SimpleRecord(System.currentTimeMillis(), null, value.getBytes(StandardCharsets.UTF_8)));
        ProduceRequestData data = new ProduceRequestData().setAcks((short) -1).setTimeoutMs(10_000)
                .setTransactionalId("ghost");
        ProduceRequestData.TopicProduceData topic = new ProduceRequestData.TopicProduceData().setName(tp.topic());
        topic.partitionData().add(new ProduceRequestData.PartitionProduceData().setIndex(tp.partition())
                .setRecords(batch));
        data.topicData().add(topic);
        short version = 11; // the older protocol's: v12+ would have the coordinator add the partition (KIP-890)
        RequestHeader header = new RequestHeader(ApiKeys.PRODUCE, version, "hanging", 1);
        String[] hostPort = node.bootstrap().split(":");
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(hostPort[0], Integer.parseInt(hostPort[1])), 10_000);
            socket.setSoTimeout(30_000);
            ByteBuffer bytes = new ProduceRequest(data, version).serializeWithHeader(header);
            OutputStream out = socket.getOutputStream();
            out.write(ByteBuffer.allocate(4).putInt(bytes.remaining()).array());
            out.write(bytes.array(), bytes.arrayOffset() + bytes.position(), bytes.remaining());
            out.flush();
            DataInputStream in = new DataInputStream(socket.getInputStream());
            byte[] body = new byte[in.readInt()];
            in.readFully(body);
            ProduceResponse response = (ProduceResponse) AbstractResponse.parseResponse(ByteBuffer.wrap(body),
                    header);
            short error = response.data().responses().iterator().next().partitionResponses().get(0).errorCode();
            assertThat(Errors.forCode(error)).isEqualTo(Errors.NONE);
        }
    }
}
