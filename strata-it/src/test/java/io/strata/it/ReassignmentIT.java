package io.strata.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewPartitionReassignment;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.PartitionReassignment;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.InvalidReplicaAssignmentException;
import org.apache.kafka.common.errors.NoReassignmentInProgressException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.tools.reassign.ReassignPartitionsCommand;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Partition reassignment (KIP-455) on four nodes in this JVM, through the Admin API and Kafka's
 * {@code kafka-reassign-partitions} tool ({@code --execute}, {@code --verify}, {@code --list}, {@code --cancel}):
 * new replicas catch up and join the ISR, the reassignment then completes (moving leadership off a removed leader),
 * removed replicas delete their copy, and every acknowledged record is read back from the new replicas alone.
 */
class ReassignmentIT {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private List<TestNode> nodes = List.of();

    @AfterEach
    void stop() {
        nodes.forEach(TestNode::close);
    }

    private String startCluster() throws Exception {
        nodes = TestNode.cluster(dir, 4, Map.of("replica.fetch.wait.max.ms", "100",
                "broker.session.timeout.ms", "3000"));
        TestNode.startAll(nodes);
        return nodes.get(1).bootstrap();
    }

    private TestNode node(int id) {
        return nodes.get(id - 1);
    }

    @Test
    void movesReplicasFromOneAndTwoToTwoAndThreeAndReadsEveryRecordFromTheNewReplicas() throws Exception {
        String bootstrap = startCluster();
        try (Admin admin = Clients.admin(bootstrap)) {
            // Partition 0 keeps its leader 2; partition 1 loses its leader 1.
            admin.createTopics(List.of(new NewTopic("moved", Map.of(0, List.of(2, 1), 1, List.of(1, 2)))))
                    .all().get();
            int count = 500;
            Map<Integer, List<String>> before = produce(bootstrap, "moved", 2, count, "before");

            TopicPartition p0 = new TopicPartition("moved", 0);
            TopicPartition p1 = new TopicPartition("moved", 1);
            Optional<NewPartitionReassignment> target = Optional.of(new NewPartitionReassignment(List.of(2, 3)));
            Map<Integer, List<String>> during = new TreeMap<>();
            List<Future<RecordMetadata>> duringAcks = new ArrayList<>();
            try (KafkaProducer<byte[], byte[]> producer = Clients.producer(bootstrap,
                    Map.of(ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.LINGER_MS_CONFIG, 5))) {
                admin.alterPartitionReassignments(Map.of(p0, target, p1, target)).all().get();
                // Writes keep flowing while the replicas move and partition 1's leadership changes hands.
                await().atMost(WAIT).until(() -> {
                    for (int i = 0; i < 20; i++) {
                        int partition = duringAcks.size() % 2;
                        String value = "during-" + duringAcks.size();
                        during.computeIfAbsent(partition, k -> new ArrayList<>()).add(value);
                        duringAcks.add(producer.send(new ProducerRecord<>("moved", partition, null,
                                value.getBytes(StandardCharsets.UTF_8))));
                    }
                    return admin.listPartitionReassignments().reassignments().get().isEmpty();
                });
                for (Future<RecordMetadata> ack : duringAcks) {
                    ack.get();
                }
            }
            await().atMost(WAIT).untilAsserted(() -> {
                TopicDescription moved = admin.describeTopics(List.of("moved")).allTopicNames().get().get("moved");
                for (TopicPartitionInfo p : moved.partitions()) {
                    assertThat(ids(p.replicas())).containsExactly(2, 3);
                    assertThat(ids(p.isr())).containsExactlyInAnyOrder(2, 3);
                    assertThat(p.leader().id()).isEqualTo(2);
                }
            });
            // The removed replica stopped and deleted its copy; the new one holds every record.
            for (TopicPartition tp : List.of(p0, p1)) {
                await().atMost(WAIT).until(() -> node(1).server().replicas().partition(tp).isEmpty());
                assertThat(Files.exists(dir.resolve("node-1/logs/" + tp))).isFalse();
                long end = (count + duringAcks.size()) / 2;
                await().atMost(WAIT).until(() -> node(3).server().replicas().partition(tp).orElseThrow().log()
                        .logEndOffset() == end);
            }

            node(1).close();
            // The new replica set takes acks=all writes.
            Map<Integer, List<String>> after = produce(bootstrap, "moved", 2, 100, "after");
            node(2).close(); // the leader: 3, the new replica, must take over with everything
            String survivor = node(3).bootstrap();
            await().atMost(WAIT).untilAsserted(() -> {
                try (Admin other = Clients.admin(survivor)) {
                    assertThat(other.describeTopics(List.of("moved")).allTopicNames().get().get("moved")
                            .partitions()).allMatch(p -> p.leader() != null && p.leader().id() == 3);
                }
            });
            assertThat(consumeAll(survivor, List.of(p0, p1), count + duringAcks.size() + 100))
                    .isEqualTo(concat(concat(before, during), after));
        }
    }

    @Test
    void cancelsAReassignmentThatCannotCatchUpAndRefusesWhatKafkaRefuses() throws Exception {
        String bootstrap = startCluster();
        try (Admin admin = Clients.admin(bootstrap)) {
            admin.createTopics(List.of(new NewTopic("stuck", Map.of(0, List.of(1, 2))))).all().get();
            Map<Integer, List<String>> before = produce(bootstrap, "stuck", 1, 50, "before");
            node(4).close(); // registered, but it will never catch up
            TopicPartition tp = new TopicPartition("stuck", 0);
            admin.alterPartitionReassignments(Map.of(tp, Optional.of(new NewPartitionReassignment(List.of(1, 4)))))
                    .all().get();

            await().atMost(WAIT).untilAsserted(() -> {
                PartitionReassignment ongoing = admin.listPartitionReassignments().reassignments().get().get(tp);
                assertThat(ongoing.replicas()).containsExactly(1, 4, 2);
                assertThat(ongoing.addingReplicas()).containsExactly(4);
                assertThat(ongoing.removingReplicas()).containsExactly(2);
            });
            // While it moves the partition reports every replica it has, no more in sync than are.
            TopicPartitionInfo moving = admin.describeTopics(List.of("stuck")).allTopicNames().get().get("stuck")
                    .partitions().get(0);
            assertThat(ids(moving.replicas())).containsExactly(1, 4, 2);
            assertThat(ids(moving.isr())).containsExactlyInAnyOrder(1, 2);
            // The reassignment is metadata: a node that restarts reads it back from the metadata log.
            node(2).restart();
            try (Admin restarted = Clients.admin(node(2).bootstrap())) {
                PartitionReassignment reread = restarted.listPartitionReassignments().reassignments().get().get(tp);
                assertThat(reread.replicas()).containsExactly(1, 4, 2);
                assertThat(reread.addingReplicas()).containsExactly(4);
            }
            Map<Integer, List<String>> during = produce(bootstrap, "stuck", 1, 50, "during");

            InProcessTool listed = InProcessTool.run(() -> ReassignPartitionsCommand.main(new String[] {
                    "--bootstrap-server", bootstrap, "--list"}));
            assertThat(listed.status()).as(listed.err()).isZero();
            assertThat(listed.out()).contains("Current partition reassignments:", "stuck-0");

            Path plan = dir.resolve("stuck.json");
            Files.writeString(plan, "{\"version\":1,\"partitions\":[{\"topic\":\"stuck\",\"partition\":0,"
                    + "\"replicas\":[1,4]}]}");
            // Without --preserve-throttles the tool clears throttles on every broker of the plan, 4 included, whose
            // configs only broker 4 itself can change: against Kafka, too, that would wait for the stopped broker.
            InProcessTool cancelled = InProcessTool.run(() -> ReassignPartitionsCommand.main(new String[] {
                    "--bootstrap-server", bootstrap, "--reassignment-json-file", plan.toString(), "--cancel",
                    "--preserve-throttles"}));
            assertThat(cancelled.status()).as(cancelled.err()).isZero();
            assertThat(cancelled.out()).contains("Successfully cancelled partition reassignment", "stuck-0");
            await().atMost(WAIT).until(() -> admin.listPartitionReassignments().reassignments().get().isEmpty());
            TopicPartitionInfo reverted = admin.describeTopics(List.of("stuck")).allTopicNames().get().get("stuck")
                    .partitions().get(0);
            assertThat(ids(reverted.replicas())).containsExactly(1, 2);
            assertThat(reverted.leader().id()).isEqualTo(1);

            assertThatThrownBy(() -> admin.alterPartitionReassignments(Map.of(tp, Optional.empty())).all().get())
                    .isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(NoReassignmentInProgressException.class);
            assertThatThrownBy(() -> admin.alterPartitionReassignments(Map.of(tp,
                    Optional.of(new NewPartitionReassignment(List.of(1, 9))))).all().get())
                    .hasCauseInstanceOf(InvalidReplicaAssignmentException.class);
            assertThatThrownBy(() -> admin.alterPartitionReassignments(Map.of(tp,
                    Optional.of(new NewPartitionReassignment(List.of(1, 1))))).all().get())
                    .hasCauseInstanceOf(InvalidReplicaAssignmentException.class);
            assertThatThrownBy(() -> admin.alterPartitionReassignments(Map.of(new TopicPartition("stuck", 5),
                    Optional.of(new NewPartitionReassignment(List.of(1, 2))))).all().get())
                    .hasCauseInstanceOf(UnknownTopicOrPartitionException.class);
            assertThat(consumeAll(bootstrap, List.of(tp), 100)).isEqualTo(concat(before, during));
        }
    }

    @Test
    void kafkaReassignPartitionsToolExecutesAndVerifies() throws Exception {
        String bootstrap = startCluster();
        try (Admin admin = Clients.admin(bootstrap)) {
            admin.createTopics(List.of(new NewTopic("tool", Map.of(0, List.of(1, 2), 1, List.of(2, 1)))))
                    .all().get();
        }
        Map<Integer, List<String>> sent = produce(bootstrap, "tool", 2, 200, "tool");
        Path plan = dir.resolve("reassign.json");
        Files.writeString(plan, "{\"version\":1,\"partitions\":["
                + "{\"topic\":\"tool\",\"partition\":0,\"replicas\":[3,4]},"
                + "{\"topic\":\"tool\",\"partition\":1,\"replicas\":[2,3]}]}");

        InProcessTool executed = InProcessTool.run(() -> ReassignPartitionsCommand.main(new String[] {
                "--bootstrap-server", bootstrap, "--reassignment-json-file", plan.toString(), "--execute"}));
        assertThat(executed.status()).as(executed.err()).isZero();
        assertThat(executed.out()).contains("Current partition replica assignment",
                "Successfully started partition reassignments for ").contains("tool-0", "tool-1");

        await().atMost(WAIT).untilAsserted(() -> {
            InProcessTool verified = InProcessTool.run(() -> ReassignPartitionsCommand.main(new String[] {
                    "--bootstrap-server", bootstrap, "--reassignment-json-file", plan.toString(), "--verify"}));
            assertThat(verified.status()).as(verified.err()).isZero();
            assertThat(verified.out()).contains("Reassignment of partition tool-0 is completed.",
                    "Reassignment of partition tool-1 is completed.");
        });
        try (Admin admin = Clients.admin(bootstrap)) {
            List<TopicPartitionInfo> partitions = admin.describeTopics(List.of("tool")).allTopicNames().get()
                    .get("tool").partitions();
            assertThat(ids(partitions.get(0).replicas())).containsExactly(3, 4);
            assertThat(ids(partitions.get(1).replicas())).containsExactly(2, 3);
        }
        assertThat(consumeAll(bootstrap, List.of(new TopicPartition("tool", 0), new TopicPartition("tool", 1)),
                200)).isEqualTo(sent);
    }

    private static List<Integer> ids(List<Node> nodes) {
        return nodes.stream().map(Node::id).toList();
    }

    /**
     * Sends {@code count} records with acks=all, round robin over the partitions, and waits for every
     * acknowledgement.
     *
     * @return the acknowledged values ("{prefix}-{i}") per partition, in offset order
     */
    private static Map<Integer, List<String>> produce(String bootstrap, String topic, int partitions, int count,
                                                      String prefix) throws Exception {
        Map<Integer, List<String>> sent = new TreeMap<>();
        List<Future<RecordMetadata>> acks = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(bootstrap,
                Map.of(ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.LINGER_MS_CONFIG, 5))) {
            for (int i = 0; i < count; i++) {
                String value = prefix + "-" + i;
                sent.computeIfAbsent(i % partitions, p -> new ArrayList<>()).add(value);
                acks.add(producer.send(new ProducerRecord<>(topic, i % partitions, null,
                        value.getBytes(StandardCharsets.UTF_8))));
            }
            for (Future<RecordMetadata> ack : acks) {
                ack.get();
            }
        }
        return sent;
    }

    /** Every record of the partitions from the beginning: values per partition, in offset order. */
    private static Map<Integer, List<String>> consumeAll(String bootstrap, List<TopicPartition> partitions,
                                                         int expected) {
        Map<Integer, List<String>> read = new TreeMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = Clients.consumer(bootstrap, Map.of())) {
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            for (ConsumerRecord<byte[], byte[]> r : Clients.poll(consumer, expected)) {
                read.computeIfAbsent(r.partition(), p -> new ArrayList<>())
                        .add(new String(r.value(), StandardCharsets.UTF_8));
            }
        }
        return read;
    }

    /** {@code first} followed, per partition, by {@code then}. */
    private static Map<Integer, List<String>> concat(Map<Integer, List<String>> first,
                                                     Map<Integer, List<String>> then) {
        Map<Integer, List<String>> all = new TreeMap<>();
        first.forEach((p, values) -> all.computeIfAbsent(p, k -> new ArrayList<>()).addAll(values));
        then.forEach((p, values) -> all.computeIfAbsent(p, k -> new ArrayList<>()).addAll(values));
        return all;
    }
}
