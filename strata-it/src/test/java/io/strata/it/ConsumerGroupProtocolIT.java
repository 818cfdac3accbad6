package io.strata.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.GroupType;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The KIP-848 consumer protocol ({@code group.protocol=consumer}) with real KafkaConsumers: server-side assignment,
 * incremental hand-over when members leave or die, publish/subscribe, the {@code range} assignor, committed
 * offsets across node restarts, and Admin's view of the group.
 */
class ConsumerGroupProtocolIT {

    private static final Map<String, Object> CONSUMER_PROTOCOL = Map.of(ConsumerConfig.GROUP_PROTOCOL_CONFIG,
            "consumer");

    @TempDir
    static Path dir;
    static TestNode node;

    @BeforeAll
    static void startNode() throws Exception {
        // Fast heartbeats so that hand-overs take a fraction of a second; a short session for the dead member.
        node = TestNode.start(dir, Map.of("group.consumer.heartbeat.interval.ms", "300",
                "group.consumer.session.timeout.ms", "2500"));
    }

    @AfterAll
    static void stopNode() {
        node.close();
    }

    static Map<String, Object> consumerProtocol(Map<String, Object> extra) {
        Map<String, Object> config = new java.util.HashMap<>(CONSUMER_PROTOCOL);
        config.putAll(extra);
        return config;
    }

    @Test
    void queueMembersSharePartitionsAndTakeOverWhenOneLeavesOrDies() throws Exception {
        String topic = "queue848";
        Groups.createTopic(node.bootstrap(), topic, 6);
        Set<TopicPartition> all = Groups.partitions(topic, 6);
        Queue<GroupWorker.Consumed> sink = GroupWorker.sink();
        GroupWorker leaving = GroupWorker.start(node.bootstrap(), "queue848-group", topic, sink,
                consumerProtocol(Map.of()));
        GroupWorker staying = GroupWorker.start(node.bootstrap(), "queue848-group", topic, sink,
                consumerProtocol(Map.of()));
        // A static member closing leaves "temporarily" (epoch -2): its partitions move only when its session ends.
        GroupWorker dying = GroupWorker.start(node.bootstrap(), "queue848-group", topic, sink,
                consumerProtocol(Map.of("group.instance.id", "dying-848")));
        try {
            Groups.awaitAssignment(all, leaving, staying, dying);
            Set<String> expected = new HashSet<>(Groups.produce(node.bootstrap(), topic, "a", 0, 600));
            await().atMost(Duration.ofSeconds(30)).until(() -> Groups.values(sink).containsAll(expected));

            leaving.close();
            Groups.awaitAssignment(all, staying, dying);
            expected.addAll(Groups.produce(node.bootstrap(), topic, "b", 0, 300));
            await().atMost(Duration.ofSeconds(30)).until(() -> Groups.values(sink).containsAll(expected));

            dying.close();
            Groups.awaitAssignment(all, staying);
            expected.addAll(Groups.produce(node.bootstrap(), topic, "c", 0, 300));
            await().atMost(Duration.ofSeconds(30)).until(() -> Groups.values(sink).containsAll(expected));
            assertThat(Groups.values(sink)).isEqualTo(expected);
        } finally {
            staying.close();
            leaving.close();
            dying.close();
        }
    }

    @Test
    void twoGroupsEachReceiveEveryRecordAndRangeAssignorIsHonoured() throws Exception {
        String topic = "pubsub848";
        Groups.createTopic(node.bootstrap(), topic, 4);
        Queue<GroupWorker.Consumed> first = GroupWorker.sink();
        Queue<GroupWorker.Consumed> second = GroupWorker.sink();
        Set<String> expected = Groups.produce(node.bootstrap(), topic, "p", 0, 400);
        Map<String, Object> range = consumerProtocol(Map.of(ConsumerConfig.GROUP_REMOTE_ASSIGNOR_CONFIG, "range"));
        try (GroupWorker a1 = GroupWorker.start(node.bootstrap(), "sub848-1", topic, first, range);
             GroupWorker a2 = GroupWorker.start(node.bootstrap(), "sub848-1", topic, first, range);
             GroupWorker b1 = GroupWorker.start(node.bootstrap(), "sub848-2", topic, second,
                     consumerProtocol(Map.of()));
             Admin admin = Clients.admin(node.bootstrap())) {
            await().atMost(Duration.ofSeconds(30)).until(() -> Groups.values(first).equals(expected)
                    && Groups.values(second).equals(expected));
            assertThat(first).hasSize(400);
            assertThat(second).hasSize(400);
            Groups.awaitAssignment(Groups.partitions(topic, 4), a1, a2);
            // Range hands out contiguous blocks: {0,1} and {2,3}.
            assertThat(List.of(a1.assignment(), a2.assignment())).containsExactlyInAnyOrder(
                    Set.of(new TopicPartition(topic, 0), new TopicPartition(topic, 1)),
                    Set.of(new TopicPartition(topic, 2), new TopicPartition(topic, 3)));

            ConsumerGroupDescription description = admin.describeConsumerGroups(List.of("sub848-1"))
                    .describedGroups().get("sub848-1").get();
            assertThat(description.type()).isEqualTo(GroupType.CONSUMER);
            assertThat(description.partitionAssignor()).isEqualTo("range");
            assertThat(description.members()).hasSize(2);
            assertThat(admin.listGroups().all().get()).anySatisfy(g -> {
                assertThat(g.groupId()).isEqualTo("sub848-1");
                assertThat(g.type()).contains(GroupType.CONSUMER);
            });
        }
    }

    @Test
    void committedOffsetsSurviveANodeRestart() throws Exception {
        String topic = "durable848";
        Groups.createTopic(node.bootstrap(), topic, 3);
        Groups.produce(node.bootstrap(), topic, "d", 0, 300);
        Queue<GroupWorker.Consumed> before = GroupWorker.sink();
        try (GroupWorker worker = GroupWorker.start(node.bootstrap(), "durable848-group", topic, before,
                consumerProtocol(Map.of()))) {
            await().atMost(Duration.ofSeconds(30)).until(() -> before.size() == 300);
            try (Admin admin = Clients.admin(node.bootstrap())) {
                await().atMost(Duration.ofSeconds(10)).until(() -> admin.listConsumerGroupOffsets("durable848-group")
                        .partitionsToOffsetAndMetadata().get().values().stream()
                        .mapToLong(OffsetAndMetadata::offset).sum() == 300);
            }
        }
        node.restart();
        Set<String> after = Groups.produce(node.bootstrap(), topic, "e", 0, 100);
        Queue<GroupWorker.Consumed> sink = GroupWorker.sink();
        try (GroupWorker worker = GroupWorker.start(node.bootstrap(), "durable848-group", topic, sink,
                consumerProtocol(Map.of()))) {
            await().atMost(Duration.ofSeconds(30)).until(() -> sink.size() >= 100);
        }
        assertThat(Groups.values(sink)).isEqualTo(after);
    }
}
