package io.strata.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.AlterConfigsOptions;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.DescribeConfigsOptions;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidPartitionsException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.OffsetOutOfRangeException;
import org.apache.kafka.common.errors.PolicyViolationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Admin API beyond topic creation, with the real Admin client, against one node. */
class AdminApiIT {

    @TempDir
    Path dir;

    private TestNode node;
    private Admin admin;

    @BeforeEach
    void start() throws Exception {
        node = TestNode.start(dir, Map.of("log.retention.bytes", "1000000000"));
        admin = Clients.admin(node.bootstrap());
    }

    @AfterEach
    void stop() {
        admin.close();
        node.close();
    }

    @Test
    void describeAndAlterTopicConfigsApplyToTheLiveLog() throws Exception {
        admin.createTopics(List.of(new NewTopic("cfg", 1, (short) 1).configs(Map.of("segment.ms", "3600000"))))
                .all().get();
        ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, "cfg");

        Config described = describe(topic);
        assertThat(described.get("retention.ms").value()).isEqualTo("604800000");
        assertThat(described.get("retention.ms").source()).isEqualTo(ConfigEntry.ConfigSource.DEFAULT_CONFIG);
        assertThat(described.get("segment.ms").source()).isEqualTo(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG);
        assertThat(described.get("retention.bytes").value()).isEqualTo("1000000000");
        assertThat(described.get("retention.bytes").source())
                .isEqualTo(ConfigEntry.ConfigSource.STATIC_BROKER_CONFIG);

        admin.incrementalAlterConfigs(Map.of(topic, List.of(
                new AlterConfigOp(new ConfigEntry("retention.ms", "3600000"), AlterConfigOp.OpType.SET),
                new AlterConfigOp(new ConfigEntry("segment.ms", ""), AlterConfigOp.OpType.DELETE),
                new AlterConfigOp(new ConfigEntry("cleanup.policy", "compact"), AlterConfigOp.OpType.APPEND))))
                .all().get();
        described = describe(topic);
        assertThat(described.get("retention.ms").value()).isEqualTo("3600000");
        assertThat(described.get("retention.ms").source()).isEqualTo(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG);
        assertThat(described.get("retention.ms").synonyms()).extracting(ConfigEntry.ConfigSynonym::name)
                .containsExactly("retention.ms", "log.retention.hours");
        assertThat(described.get("segment.ms").source()).isEqualTo(ConfigEntry.ConfigSource.DEFAULT_CONFIG);
        assertThat(described.get("cleanup.policy").value()).isEqualTo("delete,compact");
        TopicPartition tp = new TopicPartition("cfg", 0);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            var log = node.server().replicas().partition(tp).orElseThrow().log();
            assertThat(log.config().retentionMs()).isEqualTo(3_600_000L);
            assertThat(log.config().segmentMs()).isEqualTo(604_800_000L);
            assertThat(log.config().cleanupPolicy()).containsExactly("delete", "compact");
        });

        // validate-only changes nothing; errors are per resource with Kafka's codes
        admin.incrementalAlterConfigs(Map.of(topic, List.of(new AlterConfigOp(new ConfigEntry("retention.ms", "1"),
                AlterConfigOp.OpType.SET))), new org.apache.kafka.clients.admin.AlterConfigsOptions()
                .validateOnly(true)).all().get();
        assertThat(describe(topic).get("retention.ms").value()).isEqualTo("3600000");
        assertThatThrownBy(() -> set(topic, "no.such.config", "1")).hasCauseInstanceOf(
                InvalidConfigurationException.class);
        assertThatThrownBy(() -> set(topic, "retention.ms", "soon")).hasCauseInstanceOf(
                InvalidConfigurationException.class);
        assertThatThrownBy(() -> set(topic, "segment.bytes", "-5")).hasCauseInstanceOf(
                InvalidConfigurationException.class);
        assertThatThrownBy(() -> admin.incrementalAlterConfigs(Map.of(topic, List.of(new AlterConfigOp(
                new ConfigEntry("retention.ms", "5"), AlterConfigOp.OpType.APPEND)))).all().get())
                .hasCauseInstanceOf(InvalidConfigurationException.class);
        ConfigResource missing = new ConfigResource(ConfigResource.Type.TOPIC, "missing");
        assertThatThrownBy(() -> set(missing, "retention.ms", "1")).hasCauseInstanceOf(
                UnknownTopicOrPartitionException.class);
        assertThatThrownBy(() -> admin.describeConfigs(List.of(missing)).all().get()).hasCauseInstanceOf(
                UnknownTopicOrPartitionException.class);

        // the legacy AlterConfigs (no longer in the Admin client) replaces the whole set
        try (RawClient raw = new RawClient(node.port())) {
            var configs = new org.apache.kafka.common.message.AlterConfigsRequestData.AlterableConfigCollection();
            configs.add(new org.apache.kafka.common.message.AlterConfigsRequestData.AlterableConfig()
                    .setName("retention.bytes").setValue("4096"));
            var data = new org.apache.kafka.common.message.AlterConfigsRequestData();
            data.resources().add(new org.apache.kafka.common.message.AlterConfigsRequestData.AlterConfigsResource()
                    .setResourceType(ConfigResource.Type.TOPIC.id()).setResourceName("cfg").setConfigs(configs));
            org.apache.kafka.common.requests.AlterConfigsResponse response = raw.request(
                    new org.apache.kafka.common.requests.AlterConfigsRequest(data, (short) 2));
            assertThat(response.data().responses().get(0).errorCode()).isZero();
        }
        described = describe(topic);
        assertThat(described.get("retention.bytes").source()).isEqualTo(
                ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG);
        assertThat(described.get("retention.ms").source()).isEqualTo(ConfigEntry.ConfigSource.DEFAULT_CONFIG);
    }

    @Test
    void dynamicBrokerConfigsAreTheBrokerSynonymsAndApplyToTopicsWithoutOverrides() throws Exception {
        admin.createTopics(List.of(new NewTopic("plain", 1, (short) 1))).all().get();
        ConfigResource clusterDefault = new ConfigResource(ConfigResource.Type.BROKER, "");
        ConfigResource broker = new ConfigResource(ConfigResource.Type.BROKER, "1");

        set(clusterDefault, "log.retention.ms", "7200000");
        ConfigEntry retention = describe(new ConfigResource(ConfigResource.Type.TOPIC, "plain")).get("retention.ms");
        assertThat(retention.value()).isEqualTo("7200000");
        assertThat(retention.source()).isEqualTo(ConfigEntry.ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG);
        assertThat(describe(clusterDefault).get("log.retention.ms").value()).isEqualTo("7200000");

        set(broker, "log.retention.ms", "5400000");
        Config brokerConfig = describe(broker);
        assertThat(brokerConfig.get("log.retention.ms").source())
                .isEqualTo(ConfigEntry.ConfigSource.DYNAMIC_BROKER_CONFIG);
        assertThat(brokerConfig.get("log.retention.ms").synonyms()).extracting(ConfigEntry.ConfigSynonym::source)
                .startsWith(ConfigEntry.ConfigSource.DYNAMIC_BROKER_CONFIG,
                        ConfigEntry.ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG);
        assertThat(brokerConfig.get("num.partitions").isReadOnly()).isTrue();
        TopicPartition tp = new TopicPartition("plain", 0);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                node.server().replicas().partition(tp).orElseThrow().log().config().retentionMs())
                .isEqualTo(5_400_000L));

        // only the broker synonyms of topic configs are dynamic
        assertThatThrownBy(() -> set(clusterDefault, "retention.ms", "1")).hasCauseInstanceOf(
                InvalidConfigurationException.class);
        assertThatThrownBy(() -> set(clusterDefault, "num.partitions", "3")).hasCauseInstanceOf(
                InvalidConfigurationException.class);
        assertThatThrownBy(() -> set(clusterDefault, "log.retention.ms", "-7")).hasCauseInstanceOf(
                InvalidConfigurationException.class);

        admin.incrementalAlterConfigs(Map.of(broker, List.of(new AlterConfigOp(new ConfigEntry("log.retention.ms",
                ""), AlterConfigOp.OpType.DELETE)))).all().get();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                node.server().replicas().partition(tp).orElseThrow().log().config().retentionMs())
                .isEqualTo(7_200_000L));
    }

    @Test
    void createTopicsOfMoreThanTenThousandPartitionsInOneRequestIsAPolicyViolation() {
        var result = admin.createTopics(List.of(new NewTopic("huge-a", 5_000, (short) 1),
                new NewTopic("huge-b", 5_001, (short) 1)));
        for (String topic : List.of("huge-a", "huge-b")) {
            assertThatThrownBy(() -> result.values().get(topic).get()).hasCauseInstanceOf(
                    PolicyViolationException.class).hasMessageContaining("Excessively large number of partitions");
        }
    }

    @Test
    void createPartitionsThreeToSixAndProducersUseThem() throws Exception {
        admin.createTopics(List.of(new NewTopic("grow", 3, (short) 1))).all().get();
        admin.createPartitions(Map.of("grow", NewPartitions.increaseTo(6))).all().get();
        assertThat(admin.describeTopics(List.of("grow")).allTopicNames().get().get("grow").partitions()).hasSize(6);
        assertThatThrownBy(() -> admin.createPartitions(Map.of("grow", NewPartitions.increaseTo(6))).all().get())
                .hasCauseInstanceOf(InvalidPartitionsException.class);
        assertThatThrownBy(() -> admin.createPartitions(Map.of("grow", NewPartitions.increaseTo(2))).all().get())
                .hasCauseInstanceOf(InvalidPartitionsException.class);
        assertThatThrownBy(() -> admin.createPartitions(Map.of("nope", NewPartitions.increaseTo(2))).all().get())
                .hasCauseInstanceOf(UnknownTopicOrPartitionException.class);

        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(node.bootstrap(), Map.of())) {
            for (int i = 0; i < 120; i++) {
                producer.send(new ProducerRecord<>("grow", ("key-" + i).getBytes(StandardCharsets.UTF_8),
                        new byte[] {1})).get();
            }
        }
        var latest = admin.listOffsets(Map.of(
                new TopicPartition("grow", 3), OffsetSpec.latest(),
                new TopicPartition("grow", 4), OffsetSpec.latest(),
                new TopicPartition("grow", 5), OffsetSpec.latest())).all().get();
        assertThat(latest.values()).allSatisfy(info -> assertThat(info.offset()).isPositive());
    }

    @Test
    void deleteRecordsMovesTheEarliestOffsetAndConsumersBelowItAreOutOfRange() throws Exception {
        admin.createTopics(List.of(new NewTopic("trim", 1, (short) 1))).all().get();
        TopicPartition tp = new TopicPartition("trim", 0);
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(node.bootstrap(), Map.of())) {
            for (int i = 0; i < 10; i++) {
                producer.send(new ProducerRecord<>("trim", 0, null, new byte[] {(byte) i})).get();
            }
        }
        long low = admin.deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(4))).lowWatermarks().get(tp).get()
                .lowWatermark();
        assertThat(low).isEqualTo(4);
        assertThat(admin.listOffsets(Map.of(tp, OffsetSpec.earliest())).all().get().get(tp).offset()).isEqualTo(4);
        assertThatThrownBy(() -> admin.deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(11))).all().get())
                .hasCauseInstanceOf(OffsetOutOfRangeException.class);

        try (KafkaConsumer<byte[], byte[]> consumer = Clients.consumer(node.bootstrap(),
                Map.of("auto.offset.reset", "none"))) {
            consumer.assign(List.of(tp));
            consumer.seek(tp, 1);
            assertThatThrownBy(() -> {
                for (int i = 0; i < 50; i++) {
                    consumer.poll(Duration.ofMillis(200));
                }
            }).isInstanceOf(org.apache.kafka.clients.consumer.OffsetOutOfRangeException.class);
        }
        try (KafkaConsumer<byte[], byte[]> consumer = Clients.consumer(node.bootstrap(),
                Map.of("auto.offset.reset", "earliest"))) {
            consumer.assign(List.of(tp));
            consumer.seek(tp, 1);
            List<Long> offsets = new java.util.ArrayList<>();
            await().atMost(Duration.ofSeconds(15)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> offsets.add(r.offset()));
                return offsets.size() >= 6;
            });
            assertThat(offsets).startsWith(4L, 5L);
        }
        // -1 deletes up to the high watermark
        low = admin.deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(-1))).lowWatermarks().get(tp).get()
                .lowWatermark();
        assertThat(low).isEqualTo(10);
    }

    @Test
    void logDirsProducersAndLeaderEpochs() throws Exception {
        admin.createTopics(List.of(new NewTopic("misc", 2, (short) 1))).all().get();
        TopicPartition tp = new TopicPartition("misc", 1);
        long producerId;
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(node.bootstrap(), Map.of())) {
            for (int i = 0; i < 3; i++) {
                producer.send(new ProducerRecord<>("misc", 1, null, new byte[100])).get();
            }
            List<ProducerState> states = admin.describeProducers(List.of(tp)).partitionResult(tp).get()
                    .activeProducers();
            assertThat(states).hasSize(1);
            assertThat(states.get(0).lastSequence()).isEqualTo(2);
            assertThat(states.get(0).producerEpoch()).isZero();
            assertThat(states.get(0).coordinatorEpoch()).isEmpty();
            producerId = states.get(0).producerId();
        }
        assertThat(producerId).isNotNegative();

        Map<String, LogDirDescription> dirs = admin.describeLogDirs(List.of(1)).allDescriptions().get().get(1);
        assertThat(dirs).hasSize(1);
        LogDirDescription logDir = dirs.values().iterator().next();
        assertThat(Path.of(dirs.keySet().iterator().next())).isEqualTo(dir.resolve("logs").toAbsolutePath());
        assertThat(logDir.error()).isNull();
        assertThat(logDir.replicaInfos().get(tp).size()).isPositive();
        assertThat(logDir.replicaInfos()).containsKey(new TopicPartition("misc", 0));
        assertThat(logDir.totalBytes()).isPresent();
        assertThat(admin.describeReplicaLogDirs(List.of(new org.apache.kafka.common.TopicPartitionReplica("misc", 1,
                1))).all().get().values().iterator().next().getCurrentReplicaLogDir()).isNotNull();

        // A consumer seeking with a leader epoch validates its position with OffsetForLeaderEpoch.
        try (KafkaConsumer<byte[], byte[]> consumer = Clients.consumer(node.bootstrap(), Map.of())) {
            consumer.assign(List.of(tp));
            consumer.seek(tp, new OffsetAndMetadata(2, Optional.of(0), ""));
            List<ConsumerRecord<byte[], byte[]>> records = new java.util.ArrayList<>();
            await().atMost(Duration.ofSeconds(15)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
                return !records.isEmpty();
            });
            assertThat(records.get(0).offset()).isEqualTo(2);
        }
        try (RawClient raw = new RawClient(node.port())) {
            var data = new org.apache.kafka.common.message.OffsetForLeaderEpochRequestData();
            var topic = new org.apache.kafka.common.message.OffsetForLeaderEpochRequestData.OffsetForLeaderTopic()
                    .setTopic("misc");
            topic.partitions().add(new org.apache.kafka.common.message.OffsetForLeaderEpochRequestData
                    .OffsetForLeaderPartition().setPartition(1).setLeaderEpoch(0).setCurrentLeaderEpoch(0));
            topic.partitions().add(new org.apache.kafka.common.message.OffsetForLeaderEpochRequestData
                    .OffsetForLeaderPartition().setPartition(7).setLeaderEpoch(0).setCurrentLeaderEpoch(-1));
            data.topics().add(topic);
            org.apache.kafka.common.requests.OffsetsForLeaderEpochResponse response = raw.request(
                    new org.apache.kafka.common.requests.OffsetsForLeaderEpochRequest(data, (short) 4));
            var partitions = response.data().topics().find("misc").partitions();
            assertThat(partitions.get(0).errorCode()).isZero();
            assertThat(partitions.get(0).leaderEpoch()).isZero();
            assertThat(partitions.get(0).endOffset()).isEqualTo(3);
            assertThat(partitions.get(1).errorCode()).isEqualTo(
                    org.apache.kafka.common.protocol.Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
        }
    }

    @Test
    void unsupportedResourceTypesAreRejectedPerResource() {
        ConfigResource logger = new ConfigResource(ConfigResource.Type.BROKER_LOGGER, "1");
        assertThatThrownBy(() -> admin.describeConfigs(List.of(logger)).all().get())
                .hasCauseInstanceOf(InvalidRequestException.class);
    }

    private Config describe(ConfigResource resource) throws Exception {
        return admin.describeConfigs(List.of(resource), new DescribeConfigsOptions().includeSynonyms(true)
                .includeDocumentation(true)).all().get().get(resource);
    }

    private void set(ConfigResource resource, String key, String value) throws Exception {
        admin.incrementalAlterConfigs(Map.of(resource, List.of(new AlterConfigOp(new ConfigEntry(key, value),
                AlterConfigOp.OpType.SET))), new AlterConfigsOptions()).all().get();
    }
}
