package io.strata.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import kafka.admin.ConfigCommand;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.utils.Exit;
import org.apache.kafka.tools.ConsumerPerformance;
import org.apache.kafka.tools.DeleteRecordsCommand;
import org.apache.kafka.tools.GetOffsetShell;
import org.apache.kafka.tools.MetadataQuorumCommand;
import org.apache.kafka.tools.ProducerPerformance;
import org.apache.kafka.tools.TopicCommand;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Apache Kafka's own command-line tools, run in this JVM from their main classes against a Strata node: each must
 * exit 0 and print what it prints against Kafka. {@link Exit} is redirected so that a tool's exit ends the call
 * instead of the JVM; the tools print to System.out, which is captured while they run (tests in this class run one
 * at a time).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KafkaToolsIT {

    private Path dir;
    private TestNode node;
    private String bootstrap;

    @BeforeAll
    void start(@TempDir Path tempDir) throws Exception {
        dir = tempDir;
        node = TestNode.start(dir.resolve("node"));
        bootstrap = node.bootstrap();
    }

    @AfterAll
    void stop() {
        node.close();
    }

    @Test
    void topicCommandCreatesListsDescribesAltersAndDeletes() throws Exception {
        InProcessTool created = run(() -> TopicCommand.main("--bootstrap-server", bootstrap, "--create", "--topic",
                "tc", "--partitions", "3", "--replication-factor", "1", "--config", "retention.ms=3600000"));
        assertThat(created.status()).as(created.err()).isZero();
        assertThat(created.out()).contains("Created topic tc.");

        InProcessTool listed = run(() -> TopicCommand.main("--bootstrap-server", bootstrap, "--list"));
        assertThat(listed.status()).isZero();
        assertThat(listed.out().lines()).contains("tc");

        InProcessTool described = run(() -> TopicCommand.main("--bootstrap-server", bootstrap, "--describe", "--topic",
                "tc"));
        assertThat(described.status()).isZero();
        assertThat(described.out()).contains("Topic: tc", "PartitionCount: 3", "ReplicationFactor: 1",
                "retention.ms=3600000", "Partition: 2", "Leader: 1");

        InProcessTool altered = run(() -> TopicCommand.main("--bootstrap-server", bootstrap, "--alter", "--topic", "tc",
                "--partitions", "6"));
        assertThat(altered.status()).isZero();
        assertThat(run(() -> TopicCommand.main("--bootstrap-server", bootstrap, "--describe", "--topic", "tc"))
                .out()).contains("PartitionCount: 6", "Partition: 5");

        InProcessTool deleted = run(() -> TopicCommand.main("--bootstrap-server", bootstrap, "--delete", "--topic", "tc"));
        assertThat(deleted.status()).isZero();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                run(() -> TopicCommand.main("--bootstrap-server", bootstrap, "--list")).out().lines())
                .doesNotContain("tc"));
    }

    @Test
    void configCommandDescribesAndAltersTopicConfigs() throws Exception {
        createTopic("cc", 1);
        InProcessTool altered = run(() -> ConfigCommand.main(new String[] {"--bootstrap-server", bootstrap,
                "--entity-type", "topics", "--entity-name", "cc", "--alter", "--add-config",
                "retention.ms=1234567,cleanup.policy=[delete,compact]"}));
        assertThat(altered.status()).isZero();
        assertThat(altered.out()).contains("Completed updating config for topic cc.");

        InProcessTool described = run(() -> ConfigCommand.main(new String[] {"--bootstrap-server", bootstrap,
                "--entity-type", "topics", "--entity-name", "cc", "--describe"}));
        assertThat(described.status()).isZero();
        assertThat(described.out()).contains("Dynamic configs for topic cc are:",
                "retention.ms=1234567 sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:retention.ms=1234567",
                "cleanup.policy=delete,compact");

        InProcessTool deleted = run(() -> ConfigCommand.main(new String[] {"--bootstrap-server", bootstrap,
                "--entity-type", "topics", "--entity-name", "cc", "--alter", "--delete-config", "retention.ms"}));
        assertThat(deleted.status()).isZero();
        assertThat(run(() -> ConfigCommand.main(new String[] {"--bootstrap-server", bootstrap,
                "--entity-type", "topics", "--entity-name", "cc", "--describe"})).out())
                .doesNotContain("retention.ms=1234567");

        InProcessTool broker = run(() -> ConfigCommand.main(new String[] {"--bootstrap-server", bootstrap,
                "--entity-type", "brokers", "--entity-default", "--alter", "--add-config", "log.retention.ms=86400000"}));
        assertThat(broker.status()).isZero();
        assertThat(run(() -> ConfigCommand.main(new String[] {"--bootstrap-server", bootstrap,
                "--entity-type", "brokers", "--entity-default", "--describe"})).out())
                .contains("log.retention.ms=86400000");
    }

    @Test
    void getOffsetShellAndDeleteRecordsCommand() throws Exception {
        createTopic("offs", 2);
        produce("offs", 0, 5);
        produce("offs", 1, 3);

        InProcessTool offsets = run(() -> GetOffsetShell.main("--bootstrap-server", bootstrap, "--topic", "offs"));
        assertThat(offsets.status()).isZero();
        assertThat(offsets.out().lines()).contains("offs:0:5", "offs:1:3");

        Path json = dir.resolve("delete.json");
        Files.writeString(json, "{\"partitions\":[{\"topic\":\"offs\",\"partition\":0,\"offset\":2}],\"version\":1}");
        InProcessTool deleted = run(() -> DeleteRecordsCommand.main(new String[] {"--bootstrap-server", bootstrap,
                "--offset-json-file", json.toString()}));
        assertThat(deleted.status()).isZero();
        assertThat(deleted.out()).contains("partition: offs-0\tlow_watermark: 2");

        InProcessTool earliest = run(() -> GetOffsetShell.main("--bootstrap-server", bootstrap, "--topic", "offs",
                "--time", "-2"));
        assertThat(earliest.status()).isZero();
        assertThat(earliest.out().lines()).contains("offs:0:2", "offs:1:0");
    }

    @Test
    void producerAndConsumerPerformance() throws Exception {
        createTopic("perf", 1);
        InProcessTool produced = run(() -> ProducerPerformance.main(new String[] {"--topic", "perf", "--num-records",
                "2000", "--record-size", "100", "--throughput", "-1", "--producer-props",
                "bootstrap.servers=" + bootstrap, "acks=all"}));
        assertThat(produced.status()).isZero();
        assertThat(produced.out()).contains("2000 records sent");

        InProcessTool consumed = run(() -> ConsumerPerformance.main(new String[] {"--bootstrap-server", bootstrap,
                "--topic", "perf", "--messages", "2000", "--timeout", "20000"}));
        assertThat(consumed.status()).isZero();
        assertThat(consumed.out()).contains("data.consumed.in.MB").doesNotContain("Exiting before consuming");
        // the data row: start, end, MB, MB/s, messages consumed, ...
        assertThat(consumed.out().lines().filter(l -> l.matches("^\\d{4}-.*")).findFirst().orElseThrow()
                .split(",\\s*")[4]).isEqualTo("2000");
    }

    @Test
    void metadataQuorumCommandDescribesStatusAndReplication() throws Exception {
        InProcessTool status = run(() -> MetadataQuorumCommand.main("--bootstrap-server", bootstrap, "describe",
                "--status"));
        assertThat(status.status()).as(status.err()).isZero();
        String clusterId;
        try (Admin admin = Clients.admin(bootstrap)) {
            clusterId = admin.describeCluster().clusterId().get();
        }
        assertThat(status.out().lines()).contains("ClusterId:              " + clusterId,
                "LeaderId:               1", "MaxFollowerLag:         0", "MaxFollowerLagTimeMs:   0",
                "CurrentObservers:       []");
        assertThat(status.out()).containsPattern("HighWatermark: +[1-9]\\d*")
                .containsPattern("CurrentVoters: +\\[\\{\"id\": 1, \"endpoints\": "
                        + "\\[\"CONTROLLER://127\\.0\\.0\\.1:\\d+\"]}]");

        InProcessTool replication = run(() -> MetadataQuorumCommand.main("--bootstrap-server", bootstrap, "describe",
                "--replication"));
        assertThat(replication.status()).as(replication.err()).isZero();
        List<String> rows = replication.out().lines().map(String::trim).toList();
        assertThat(rows.getFirst().split("\\s+")).containsExactly("NodeId", "DirectoryId", "LogEndOffset", "Lag",
                "LastFetchTimestamp", "LastCaughtUpTimestamp", "Status");
        // the single voter leads: no lag, fetch and caught-up times are now
        String[] leader = rows.get(1).split("\\s+");
        assertThat(leader[0]).isEqualTo("1");
        assertThat(leader[3]).isEqualTo("0");
        assertThat(Long.parseLong(leader[4])).isPositive();
        assertThat(leader[6]).isEqualTo("Leader");
    }

    private void createTopic(String name, int partitions) throws Exception {
        try (Admin admin = Clients.admin(bootstrap)) {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get();
        }
    }

    private void produce(String topic, int partition, int count) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(bootstrap, Map.of())) {
            for (int i = 0; i < count; i++) {
                producer.send(new ProducerRecord<>(topic, partition, null, new byte[] {(byte) i})).get();
            }
        }
    }

    private static InProcessTool run(InProcessTool.Main main) throws Exception {
        return InProcessTool.run(main);
    }
}
