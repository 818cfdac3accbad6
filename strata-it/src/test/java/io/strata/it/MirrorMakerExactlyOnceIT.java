package io.strata.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.mirror.MirrorMaker;
import org.apache.kafka.connect.mirror.RemoteClusterUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * MirrorMaker 2 4.3.1 in dedicated mode ({@link MirrorMaker}, in the test JVM) between two single-node Strata
 * clusters, {@code source} and {@code target} (their own data directories and cluster ids), with
 * {@code exactly.once.source.support=enabled} on the target: the replicated topic {@code source.topic}, read with
 * {@code read_committed}, holds every source record exactly once and in order, written in transactions (the target's
 * coordinator lists MirrorSourceConnector's transactional id), and a consumer group's committed offset on the source
 * is translated through the checkpoint topic ({@link RemoteClusterUtils#translateOffsets}) to a target offset from
 * which the group misses nothing.
 */
class MirrorMakerExactlyOnceIT {

    private static final long RECORDS = 2_000;
    private static final String TOPIC = "topic";
    private static final String REMOTE_TOPIC = "source.topic";
    private static final String GROUP = "app";

    @TempDir
    Path dir;

    @Test
    void mirrorMakerCopiesATopicExactlyOnceAndTranslatesAGroupsOffsets() throws Exception {
        Map<String, String> nodeConfig = Map.of("transaction.state.log.num.partitions", "3",
                "offsets.topic.num.partitions", "3", "group.initial.rebalance.delay.ms", "0");
        List<TestNode> nodes = List.of(new TestNode(dir.resolve("source"), nodeConfig),
                new TestNode(dir.resolve("target"), nodeConfig));
        TestNode.startAll(nodes);
        try (TestNode source = nodes.get(0); TestNode target = nodes.get(1);
             Admin sourceAdmin = Clients.admin(source.bootstrap());
             Admin targetAdmin = Clients.admin(target.bootstrap())) {
            assertThat(sourceAdmin.describeCluster().clusterId().get())
                    .isNotEqualTo(targetAdmin.describeCluster().clusterId().get());
            sourceAdmin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1))).all().get();
            try (KafkaProducer<byte[], byte[]> producer = Clients.producer(source.bootstrap(),
                    Map.of(ProducerConfig.ACKS_CONFIG, "all"))) {
                for (long i = 0; i < RECORDS; i++) {
                    byte[] seq = Long.toString(i).getBytes(StandardCharsets.UTF_8);
                    producer.send(new ProducerRecord<>(TOPIC, seq, seq));
                }
            }
            // The group has read half of the topic on the source cluster.
            long committed = RECORDS / 2;
            try (KafkaConsumer<byte[], byte[]> app = Clients.consumer(source.bootstrap(),
                    Map.of(ConsumerConfig.GROUP_ID_CONFIG, GROUP))) {
                app.commitSync(Map.of(new TopicPartition(TOPIC, 0), new OffsetAndMetadata(committed)));
            }

            MirrorMaker mirrorMaker = new MirrorMaker(mirrorMakerConfig(source, target));
            mirrorMaker.start();
            try (KafkaConsumer<byte[], byte[]> consumer = Clients.consumer(target.bootstrap(),
                    Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"))) {
                TopicPartition remote = new TopicPartition(REMOTE_TOPIC, 0);
                List<ConsumerRecord<byte[], byte[]>> copied = new ArrayList<>();
                await().atMost(Duration.ofSeconds(120)).until(() -> {
                    if (consumer.assignment().isEmpty()) {
                        if (!targetAdmin.listTopics().names().get().contains(REMOTE_TOPIC)) {
                            return false;
                        }
                        consumer.assign(List.of(remote));
                        consumer.seekToBeginning(List.of(remote));
                    }
                    consumer.poll(Duration.ofMillis(200)).forEach(copied::add);
                    return copied.size() >= RECORDS
                            && consumer.position(remote) >= consumer.endOffsets(List.of(remote)).get(remote);
                });
                assertThat(Sequences.mismatch(copied.stream().map(r -> seq(r.value())).toList(), RECORDS))
                        .as("records of %s read with read_committed", REMOTE_TOPIC).isEmpty();
                assertThat(targetAdmin.listTransactions().all().get()).as("transactions on the target")
                        .extracting(TransactionListing::transactionalId)
                        .anySatisfy(id -> assertThat(id).contains("MirrorSourceConnector"));

                Map<String, Object> targetClient = Map.of("bootstrap.servers", target.bootstrap());
                Map<TopicPartition, OffsetAndMetadata> translated = new HashMap<>();
                await().atMost(Duration.ofSeconds(60)).until(() -> {
                    translated.putAll(RemoteClusterUtils.translateOffsets(targetClient, "source", GROUP,
                            Duration.ofSeconds(10)));
                    return translated.containsKey(remote) && translated.get(remote).offset() > 0;
                });
                long translatedOffset = translated.get(remote).offset();
                // Translation is conservative (offset syncs are sparse and the target's offsets also count the
                // transaction markers): from the translated offset the group may read some records again but
                // misses none that it had not read on the source.
                assertThat(copied.stream().filter(r -> r.offset() < translatedOffset && seq(r.value()) >= committed))
                        .as("records before the translated offset %d that the group had not read", translatedOffset)
                        .isEmpty();
            } finally {
                mirrorMaker.stop();
            }
        }
    }

    private static Map<String, String> mirrorMakerConfig(TestNode source, TestNode target) {
        Map<String, String> p = new HashMap<>();
        p.put("clusters", "source, target");
        p.put("source.bootstrap.servers", source.bootstrap());
        p.put("target.bootstrap.servers", target.bootstrap());
        p.put("source->target.enabled", "true");
        p.put("target->source.enabled", "false");
        p.put("source->target.topics", TOPIC);
        p.put("source->target.groups", GROUP);
        p.put("target.exactly.once.source.support", "enabled");
        // Read only committed data from the source, as exactly-once copying requires.
        p.put("source.consumer.isolation.level", "read_committed");
        p.put("emit.checkpoints.interval.seconds", "1");
        p.put("refresh.groups.interval.seconds", "1");
        // MirrorMaker and each herder's worker find the connectors through their ServiceLoader manifests, without
        // a scan of the whole class path.
        p.put("plugin.discovery", "service_load");
        p.put("source.plugin.discovery", "service_load");
        p.put("target.plugin.discovery", "service_load");
        // Strata has no ACLs yet (DescribeAcls is not advertised): nothing to sync.
        p.put("sync.topic.acls.enabled", "false");
        for (String topic : List.of("replication", "checkpoints.topic.replication", "heartbeats.topic.replication",
                "offset-syncs.topic.replication", "config.storage.replication", "offset.storage.replication",
                "status.storage.replication")) {
            p.put(topic + ".factor", "1");
        }
        return p;
    }

    private static long seq(byte[] value) {
        return Long.parseLong(new String(value, StandardCharsets.UTF_8));
    }
}
