package io.strata.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A consumer group keeps consuming through the loss of its coordinator's broker: the leadership of its
 * {@code __consumer_offsets} partition moves, the new leader loads the group and its committed offsets, and the
 * consumer finds the new coordinator by itself.
 */
class GroupFailoverIT {

    @TempDir
    Path dir;

    private List<TestNode> nodes = List.of();

    @AfterEach
    void stop() {
        nodes.forEach(TestNode::close);
    }

    @Test
    void aGroupSurvivesItsCoordinatorsBroker() throws Exception {
        nodes = TestNode.cluster(dir, 3, Map.of("broker.session.timeout.ms", "3000",
                "replica.fetch.wait.max.ms", "100"));
        TestNode.startAll(nodes);
        String bootstrap = String.join(",", nodes.stream().map(TestNode::bootstrap).toList());
        try (Admin admin = Clients.admin(bootstrap)) {
            admin.createTopics(List.of(new NewTopic("events", 3, (short) 3))).all().get();
            Set<String> first = Groups.produce(bootstrap, "events", "a", 0, 300);
            Queue<GroupWorker.Consumed> sink = GroupWorker.sink();
            try (GroupWorker worker = GroupWorker.start(bootstrap, "survivors", "events", sink, Map.of())) {
                await().atMost(Duration.ofSeconds(60)).until(() -> Groups.values(sink).containsAll(first));
                Map<TopicPartition, OffsetAndMetadata> before = committed(admin);
                assertThat(before.values().stream().mapToLong(OffsetAndMetadata::offset).sum()).isEqualTo(300);

                ConsumerGroupDescription group = admin.describeConsumerGroups(List.of("survivors"))
                        .all().get().get("survivors");
                int coordinator = group.coordinator().id();
                nodes.get(coordinator - 1).close();

                Set<String> second = Groups.produce(bootstrap, "events", "b", 300, 600);
                await().atMost(Duration.ofSeconds(90)).until(() -> Groups.values(sink).containsAll(second));
                assertThat(worker.failure()).isNull();
                // Nothing was read twice: the committed offsets survived the move.
                assertThat(sink).hasSize(600);
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
                        committed(admin).values().stream().mapToLong(OffsetAndMetadata::offset).sum())
                        .isEqualTo(600));
                int newCoordinator = admin.describeConsumerGroups(List.of("survivors")).all().get()
                        .get("survivors").coordinator().id();
                assertThat(newCoordinator).isNotEqualTo(coordinator);
            }
        }
    }

    private static Map<TopicPartition, OffsetAndMetadata> committed(Admin admin) throws Exception {
        return admin.listConsumerGroupOffsets("survivors").partitionsToOffsetAndMetadata().get();
    }
}
