package io.strata.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.strata.server.cluster.Partition;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code strata produce} and {@code strata consume} against a real node. */
class ProduceConsumeTest {

    @TempDir
    static Path dir;

    static TestNode node;
    static Admin admin;
    static KafkaProducer<String, String> producer;

    @BeforeAll
    static void start() throws Exception {
        node = TestNode.start(dir);
        admin = node.admin();
        producer = node.producer();
    }

    @AfterAll
    static void stop() {
        if (node != null) {
            node.close();
        }
    }

    @Test
    void fileWithKeysAndHeadersRoundTripsAsJson() throws Exception {
        createTopic("events", 1);
        Path file = dir.resolve("events.txt");
        Files.writeString(file, "k1:v1\nk2:v2\nk3:hello: wörld \"quoted\"\t\n");

        Cli.Result produced = Cli.run(node, "produce", "events", "--file", file.toString(), "--key-separator", ":",
                "--header", "source=test", "-H", "trace=a=b");
        assertThat(produced.exit()).as(produced.err()).isZero();
        assertThat(produced.out()).startsWith("Produced 3 records (").contains("to 'events' in ")
                .contains("records/s", "MB/s");
        assertThat(produced.err()).as("no progress bar when stderr is not a terminal").isEmpty();
        assertThat(endOffset("events", 0)).isEqualTo(3);

        Cli.Result consumed = Cli.run(node, "consume", "events", "--format", "json");
        assertThat(consumed.exit()).as(consumed.err()).isZero();
        assertThat(consumed.err()).isEqualTo("Consumed 3 records.\n");
        List<JsonNode> records = consumed.jsonLines();
        assertThat(records).hasSize(3);
        JsonNode last = records.get(2);
        assertThat(last.get("topic").asText()).isEqualTo("events");
        assertThat(last.get("partition").asInt()).isZero();
        assertThat(last.get("offset").asLong()).isEqualTo(2);
        assertThat(last.get("timestamp").asLong()).isCloseTo(System.currentTimeMillis(),
                org.assertj.core.data.Offset.offset(60_000L));
        assertThat(last.get("key").asText()).isEqualTo("k3");
        assertThat(last.get("value").asText()).isEqualTo("hello: wörld \"quoted\"\t");
        assertThat(last.get("headers").toString())
                .isEqualTo("[{\"key\":\"source\",\"value\":\"test\"},{\"key\":\"trace\",\"value\":\"a=b\"}]");
        assertThat(records.stream().map(r -> r.get("key").asText())).containsExactly("k1", "k2", "k3");
    }

    @Test
    void stdinWithAcksAndCompressionThenTextWithFields() throws Exception {
        createTopic("lines", 1);
        InputStream stdin = System.in;
        try {
            System.setIn(new ByteArrayInputStream("first\nsecond\n".getBytes(StandardCharsets.UTF_8)));
            Cli.Result produced = Cli.run(node, "produce", "lines", "--acks", "1", "--compression", "lz4");
            assertThat(produced.exit()).as(produced.err()).isZero();
            assertThat(produced.out()).startsWith("Produced 2 records (11 B) to 'lines'");
        } finally {
            System.setIn(stdin);
        }

        Cli.Result text = Cli.run(node, "consume", "lines", "--print-key", "--print-partition", "--print-offset",
                "--print-headers");
        assertThat(text.exit()).as(text.err()).isZero();
        assertThat(text.lines()).containsExactly("Partition:0\tOffset:0\tnull\tNO_HEADERS\tfirst",
                "Partition:0\tOffset:1\tnull\tNO_HEADERS\tsecond");

        Cli.Result plain = Cli.run(node, "consume", "lines", "--separator", "|", "--print-offset");
        assertThat(plain.lines()).containsExactly("Offset:0|first", "Offset:1|second");
    }

    @Test
    void startAtOffsetOrTimeAndStopAfterCount() throws Exception {
        createTopic("timed", 2);
        long t0 = Instant.parse("2024-05-01T12:00:00Z").toEpochMilli();
        for (int i = 0; i < 5; i++) {
            producer.send(new ProducerRecord<>("timed", 1, t0 + i * 1000L, "k" + i, "v" + i)).get();
        }
        producer.send(new ProducerRecord<>("timed", 0, t0, "other", "p0")).get();

        Cli.Result fromOffset = Cli.run(node, "consume", "timed", "--partition", "1", "--offset", "3");
        assertThat(fromOffset.lines()).containsExactly("v3", "v4");

        Cli.Result fromIso = Cli.run(node, "consume", "timed", "--partition", "1", "--from-time",
                "2024-05-01T12:00:02Z");
        assertThat(fromIso.lines()).containsExactly("v2", "v3", "v4");

        Cli.Result fromEpoch = Cli.run(node, "consume", "timed", "--from-time", Long.toString(t0 + 4000),
                "--format", "json");
        assertThat(fromEpoch.jsonLines()).singleElement().satisfies(r -> {
            assertThat(r.get("value").asText()).isEqualTo("v4");
            assertThat(r.get("timestamp").asLong()).isEqualTo(t0 + 4000);
        });

        Cli.Result counted = Cli.run(node, "consume", "timed", "--partition", "1", "--count", "2");
        assertThat(counted.lines()).containsExactly("v0", "v1");
        assertThat(counted.err()).isEqualTo("Consumed 2 records.\n");

        Cli.Result all = Cli.run(node, "consume", "timed", "--from-beginning");
        assertThat(all.lines()).containsExactlyInAnyOrder("p0", "v0", "v1", "v2", "v3", "v4");

        Cli.Result noPartition = Cli.run(node, "consume", "timed", "--partition", "7");
        assertThat(noPartition.exit()).isEqualTo(1);
        assertThat(noPartition.err()).isEqualTo("strata consume: topic 'timed' has no partition 7 (it has 2)\n");
    }

    @Test
    void followWaitsForNewRecords() throws Exception {
        createTopic("live", 1);
        producer.send(new ProducerRecord<>("live", "old")).get();

        CompletableFuture<Cli.Result> follower = CompletableFuture.supplyAsync(
                () -> Cli.run(node, "consume", "live", "--follow", "--count", "2"));
        // The follower starts at the end: keep producing until it has seen two new records.
        AtomicInteger sent = new AtomicInteger();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
            producer.send(new ProducerRecord<>("live", "new-" + sent.getAndIncrement())).get();
            return follower.isDone();
        });

        Cli.Result r = follower.get();
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.lines()).hasSize(2).allMatch(l -> l.startsWith("new-")).doesNotContain("old");
    }

    @Test
    void emptyAndMissingTopics() throws Exception {
        createTopic("empty", 3);
        Cli.Result empty = Cli.run(node, "consume", "empty");
        assertThat(empty.exit()).isZero();
        assertThat(empty.out()).isEmpty();
        assertThat(empty.err()).isEqualTo("Consumed 0 records.\n");

        Cli.Result missing = Cli.run(node, "consume", "nope");
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.err()).isEqualTo("strata consume: topic 'nope' does not exist\n");
        assertThat(admin.listTopics().names().get()).as("consume must not create the topic").doesNotContain("nope");
    }

    @Test
    void progressBarAndManyRecordsAcrossPartitions() throws Exception {
        createTopic("bulk", 3);
        Path file = dir.resolve("bulk.txt");
        Files.write(file, IntStream.range(0, 5000).mapToObj(i -> "key-" + i + "\tvalue-" + i).toList());

        Cli.Result produced = Cli.run(node, "produce", "bulk", "--file", file.toString(), "--key-separator", "\t",
                "--progress");
        assertThat(produced.exit()).as(produced.err()).isZero();
        assertThat(produced.out()).startsWith("Produced 5,000 records (");
        assertThat(produced.err()).startsWith("\r").contains("100% [", "5,000 records", "records/s", "MB/s")
                .endsWith("\n");

        Cli.Result consumed = Cli.run(node, "consume", "bulk", "--format", "json");
        List<JsonNode> records = consumed.jsonLines();
        assertThat(records).hasSize(5000);
        assertThat(records.stream().map(r -> r.get("partition").asInt()).distinct()).hasSize(3);
        assertThat(records).allMatch(r -> r.get("value").asText().equals(
                "value-" + r.get("key").asText().substring("key-".length())));
    }

    @Test
    void lineWithoutKeySeparatorFails() throws Exception {
        createTopic("strict", 1);
        Path file = dir.resolve("strict.txt");
        Files.writeString(file, "a=1\nno separator here\nb=2\n");

        Cli.Result r = Cli.run(node, "produce", "strict", "--file", file.toString(), "--key-separator", "=");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("strata produce: line 2 has no key separator '='\n");
    }

    @Test
    void isolationLevelDecidesWhetherAbortedAndOpenTransactionsAreRead() throws Exception {
        createTopic("txns", 1);
        Partition partition = node.server().replicas().partition(new TopicPartition("txns", 0)).orElseThrow();
        // Transactional batches and markers as producers and the transaction coordinator write them.
        partition.appendAsLeader(MemoryRecords.withTransactionalRecords(Compression.NONE, 7, (short) 0, 0,
                new SimpleRecord("committed".getBytes())));
        partition.appendTxnMarker(7, (short) 0, 0, true);
        partition.appendAsLeader(MemoryRecords.withTransactionalRecords(Compression.NONE, 8, (short) 0, 0,
                new SimpleRecord("aborted".getBytes())));
        partition.appendTxnMarker(8, (short) 0, 0, false);
        partition.appendAsLeader(MemoryRecords.withTransactionalRecords(Compression.NONE, 9, (short) 0, 0,
                new SimpleRecord("open".getBytes())));

        Cli.Result committed = Cli.run(node, "consume", "txns", "--isolation", "read_committed");
        assertThat(committed.exit()).as(committed.err()).isZero();
        assertThat(committed.lines()).containsExactly("committed");
        Cli.Result uncommitted = Cli.run(node, "consume", "txns", "--isolation", "read_uncommitted");
        assertThat(uncommitted.lines()).containsExactly("committed", "aborted", "open");
    }

    private static void createTopic(String name, int partitions) throws Exception {
        admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get();
    }

    private static long endOffset(String topic, int partition) throws Exception {
        TopicPartition tp = new TopicPartition(topic, partition);
        return admin.listOffsets(Map.of(tp, OffsetSpec.latest())).all().get().get(tp).offset();
    }
}
