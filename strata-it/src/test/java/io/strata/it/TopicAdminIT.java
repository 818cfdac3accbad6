package io.strata.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidPartitionsException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Topic administration with the real Admin client, and what survives a restart of the node. */
class TopicAdminIT {

    @TempDir
    Path dir;

    @Test
    void createDescribeDeleteAndSurviveRestart() throws Exception {
        try (TestNode node = TestNode.start(dir)) {
            try (Admin admin = Clients.admin(node.bootstrap())) {
                CreateTopicsResult created = admin.createTopics(List.of(
                        new NewTopic("alpha", 3, (short) 1).configs(Map.of("retention.ms", "3600000")),
                        new NewTopic("beta", 1, (short) 1)));
                created.all().get();
                assertThat(created.numPartitions("alpha").get()).isEqualTo(3);
                assertThat(created.config("alpha").get().get("retention.ms").value()).isEqualTo("3600000");
                Uuid alphaId = created.topicId("alpha").get();

                // validate-only creates nothing
                admin.createTopics(List.of(new NewTopic("gamma", 2, (short) 1)),
                        new CreateTopicsOptions().validateOnly(true)).all().get();
                assertThat(admin.listTopics().names().get()).containsExactlyInAnyOrder("alpha", "beta");

                assertThatThrownBy(() -> admin.createTopics(List.of(new NewTopic("alpha", 1, (short) 1))).all().get())
                        .hasCauseInstanceOf(TopicExistsException.class);
                assertThatThrownBy(() -> admin.createTopics(List.of(new NewTopic("delta", 0, (short) 1))).all().get())
                        .hasCauseInstanceOf(InvalidPartitionsException.class);
                assertThatThrownBy(() -> admin.createTopics(List.of(new NewTopic("eps", 1, (short) 1)
                        .configs(Map.of("retention.ms", "soon")))).all().get())
                        .hasCauseInstanceOf(InvalidConfigurationException.class);
                assertThatThrownBy(() -> admin.createTopics(List.of(new NewTopic("zeta", 1, (short) 1)
                        .configs(Map.of("no.such.config", "1")))).all().get())
                        .hasCauseInstanceOf(InvalidConfigurationException.class);

                TopicDescription alpha = admin.describeTopics(List.of("alpha")).allTopicNames().get().get("alpha");
                assertThat(alpha.partitions()).hasSize(3);
                assertThat(alpha.topicId()).isEqualTo(alphaId);
                assertThat(alpha.partitions().get(0).leader().id()).isEqualTo(1);

                DescribeClusterResult cluster = admin.describeCluster();
                assertThat(cluster.nodes().get()).hasSize(1);
                assertThat(cluster.nodes().get().iterator().next().port()).isEqualTo(node.port());
                assertThat(cluster.clusterId().get()).isNotBlank();
                assertThat(cluster.controller().get().id()).isEqualTo(1);

                admin.deleteTopics(List.of("beta")).all().get();
                assertThat(admin.listTopics().names().get()).containsExactly("alpha");
                assertThatThrownBy(() -> admin.deleteTopics(List.of("beta")).all().get())
                        .hasCauseInstanceOf(UnknownTopicOrPartitionException.class);
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> !Files.exists(dir.resolve("logs/beta-0")));
            try (KafkaProducer<byte[], byte[]> producer = Clients.producer(node.bootstrap(), Map.of())) {
                producer.send(new ProducerRecord<>("alpha", 1, null, "kept".getBytes(StandardCharsets.UTF_8))).get();
            }
            String clusterId;
            try (Admin admin = Clients.admin(node.bootstrap())) {
                clusterId = admin.describeCluster().clusterId().get();
            }

            node.restart();

            try (Admin admin = Clients.admin(node.bootstrap())) {
                assertThat(admin.describeCluster().clusterId().get()).isEqualTo(clusterId);
                assertThat(admin.listTopics().names().get()).isEqualTo(Set.of("alpha"));
                assertThat(admin.describeTopics(List.of("alpha")).allTopicNames().get().get("alpha").partitions())
                        .hasSize(3);
                assertThat(admin.listOffsets(Map.of(new org.apache.kafka.common.TopicPartition("alpha", 1),
                        org.apache.kafka.clients.admin.OffsetSpec.latest())).all().get().values().iterator().next()
                        .offset()).isEqualTo(1);
            }
            assertThat(node.server().replicas().partition(new org.apache.kafka.common.TopicPartition("alpha", 0))
                    .orElseThrow().log().config().retentionMs()).isEqualTo(3_600_000L);
        }
    }

    @Test
    void autoCreatesTopicsOnFirstUseWithBrokerDefaults() throws Exception {
        try (TestNode node = TestNode.start(dir, Map.of("num.partitions", "4"))) {
            try (KafkaProducer<byte[], byte[]> producer = Clients.producer(node.bootstrap(), Map.of())) {
                producer.send(new ProducerRecord<>("auto", "v".getBytes(StandardCharsets.UTF_8))).get();
            }
            try (Admin admin = Clients.admin(node.bootstrap())) {
                assertThat(admin.describeTopics(List.of("auto")).allTopicNames().get().get("auto").partitions())
                        .hasSize(4);
            }
        }
        try (TestNode node = TestNode.start(dir.resolve("off"), Map.of("auto.create.topics.enable", "false"))) {
            try (Admin admin = Clients.admin(node.bootstrap())) {
                assertThatThrownBy(() -> admin.describeTopics(List.of("nope")).allTopicNames().get())
                        .hasCauseInstanceOf(UnknownTopicOrPartitionException.class);
            }
        }
    }
}
