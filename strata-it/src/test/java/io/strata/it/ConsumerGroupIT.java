package io.strata.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Consumer groups with real KafkaConsumers on the classic protocol: a group is a queue whose members share the
 * partitions and take over those of a member that leaves or dies; several groups are publish/subscribe; Kafka's
 * own ConsumerGroupCommand lists and describes groups.
 */
class ConsumerGroupIT {

    @TempDir
    static Path dir;
    static TestNode node;

    @BeforeAll
    static void startNode() throws Exception {
        // No initial rebalance delay, and a short minimum session so that a dead member expires quickly.
        node = TestNode.start(dir, Map.of("group.initial.rebalance.delay.ms", "0",
                "group.min.session.timeout.ms", "1000"));
    }

    @AfterAll
    static void stopNode() {
        node.close();
    }

    @Test
    void queueMembersSharePartitionsAndTakeOverWhenOneLeavesOrDies() throws Exception {
        String topic = "queue";
        Groups.createTopic(node.bootstrap(), topic, 6);
        Set<TopicPartition> all = Groups.partitions(topic, 6);
        Queue<GroupWorker.Consumed> sink = GroupWorker.sink();
        GroupWorker leaving = GroupWorker.start(node.bootstrap(), "queue-group", topic, sink, Map.of());
        GroupWorker staying = GroupWorker.start(node.bootstrap(), "queue-group", topic, sink, Map.of());
        // A static member does not leave the group on close: the coordinator notices only by its session timeout.
        GroupWorker dying = GroupWorker.start(node.bootstrap(), "queue-group", topic, sink, Map.of(
                "group.instance.id", "dying-1", "session.timeout.ms", 2000));
        try {
            Groups.awaitAssignment(all, leaving, staying, dying);

            Set<String> expected = new HashSet<>(Groups.produce(node.bootstrap(), topic, "a", 0, 600));
            await().atMost(Duration.ofSeconds(30)).until(() -> Groups.values(sink).containsAll(expected));

            leaving.close();
            Groups.awaitAssignment(all, staying, dying);
            expected.addAll(Groups.produce(node.bootstrap(), topic, "b", 0, 300));
            await().atMost(Duration.ofSeconds(30)).until(() -> Groups.values(sink).containsAll(expected));

            long diedAt = System.nanoTime();
            dying.close();
            Groups.awaitAssignment(all, staying);
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - diedAt)).isGreaterThanOrEqualTo(1500);
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
    void twoGroupsEachReceiveEveryRecord() throws Exception {
        String topic = "pubsub";
        Groups.createTopic(node.bootstrap(), topic, 3);
        Queue<GroupWorker.Consumed> first = GroupWorker.sink();
        Queue<GroupWorker.Consumed> second = GroupWorker.sink();
        Set<String> expected = Groups.produce(node.bootstrap(), topic, "p", 0, 500);
        try (GroupWorker a1 = GroupWorker.start(node.bootstrap(), "sub-1", topic, first, Map.of());
             GroupWorker a2 = GroupWorker.start(node.bootstrap(), "sub-1", topic, first, Map.of());
             GroupWorker b1 = GroupWorker.start(node.bootstrap(), "sub-2", topic, second, Map.of())) {
            await().atMost(Duration.ofSeconds(30)).until(() -> Groups.values(first).equals(expected)
                    && Groups.values(second).equals(expected));
            assertThat(first).hasSize(500);
            assertThat(second).hasSize(500);
            assertThat(List.of(a1, a2, b1)).allSatisfy(w -> assertThat(w.failure()).isNull());
        }
    }

    @Test
    void adminAndConsumerGroupCommandSeeGroupsMembersAndLag() throws Exception {
        String topic = "tooling";
        Groups.createTopic(node.bootstrap(), topic, 2);
        Groups.produce(node.bootstrap(), topic, "t", 0, 100);
        Queue<GroupWorker.Consumed> sink = GroupWorker.sink();
        try (GroupWorker worker = GroupWorker.start(node.bootstrap(), "tooling-group", topic, sink, Map.of());
             Admin admin = Clients.admin(node.bootstrap())) {
            await().atMost(Duration.ofSeconds(30)).until(() -> sink.size() == 100);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(admin
                    .listConsumerGroupOffsets("tooling-group").partitionsToOffsetAndMetadata().get().values()
                    .stream().mapToLong(OffsetAndMetadata::offset).sum()).isEqualTo(100));
            ConsumerGroupDescription description = admin.describeConsumerGroups(List.of("tooling-group"))
                    .describedGroups().get("tooling-group").get();
            assertThat(description.groupState()).isEqualTo(GroupState.STABLE);
            assertThat(description.members()).hasSize(1);
            assertThat(description.members().iterator().next().assignment().topicPartitions())
                    .isEqualTo(Groups.partitions(topic, 2));

            Command list = runConsumerGroupCommand("--list");
            assertThat(list.exitCode()).as(list.output()).isZero();
            assertThat(list.output().lines()).contains("tooling-group");

            Command describe = runConsumerGroupCommand("--describe", "--group", "tooling-group");
            assertThat(describe.exitCode()).as(describe.output()).isZero();
            List<String> rows = describe.output().lines().filter(l -> l.startsWith("tooling-group")).toList();
            assertThat(rows).hasSize(2);
            // GROUP TOPIC PARTITION CURRENT-OFFSET LOG-END-OFFSET LAG CONSUMER-ID HOST CLIENT-ID
            assertThat(rows).allSatisfy(row -> {
                String[] cols = row.trim().split("\\s+");
                assertThat(cols[1]).isEqualTo(topic);
                assertThat(cols[3]).isEqualTo(cols[4]);
                assertThat(cols[5]).isEqualTo("0");
                assertThat(cols[6]).isNotEqualTo("-");
            });
        }
        try (Admin admin = Clients.admin(node.bootstrap())) {
            // The worker left: the group is empty, and can lose offsets and then be deleted.
            await().atMost(Duration.ofSeconds(10)).until(() -> admin.describeConsumerGroups(List.of("tooling-group"))
                    .describedGroups().get("tooling-group").get().groupState() == GroupState.EMPTY);
            admin.deleteConsumerGroupOffsets("tooling-group", Set.of(new TopicPartition(topic, 0))).all().get();
            assertThat(admin.listConsumerGroupOffsets("tooling-group").partitionsToOffsetAndMetadata().get())
                    .containsOnlyKeys(new TopicPartition(topic, 1));
            admin.deleteConsumerGroups(List.of("tooling-group")).all().get();
            assertThat(admin.listGroups().all().get()).noneMatch(g -> g.groupId().equals("tooling-group"));
        }
    }

    record Command(int exitCode, String output) {
    }

    /** Runs Kafka's kafka-consumer-groups tool in its own JVM against the node. */
    static Command runConsumerGroupCommand(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-cp", System.getProperty("java.class.path"),
                "org.apache.kafka.tools.consumer.group.ConsumerGroupCommand", "--bootstrap-server", node.bootstrap()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        process.getInputStream().transferTo(out);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Command(process.exitValue(), out.toString(StandardCharsets.UTF_8));
    }
}
