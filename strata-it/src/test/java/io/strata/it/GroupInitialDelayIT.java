package io.strata.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code group.initial.rebalance.delay.ms} as Kafka applies it: the first rebalance of an empty group waits one
 * delay, and a member joining during a step adds one more whole step (not "delay after the last join").
 */
class GroupInitialDelayIT {

    private static final long DELAY_MS = 3_000;

    @TempDir
    Path dir;

    @Test
    void aJoinDuringTheDelayAddsOneWholeStep() throws Exception {
        try (TestNode node = TestNode.start(dir, Map.of("group.initial.rebalance.delay.ms", Long.toString(DELAY_MS),
                "offsets.topic.num.partitions", "1"));
             Admin admin = Clients.admin(node.bootstrap())) {
            admin.createTopics(List.of(new NewTopic("delayed", 2, (short) 1))).all().get();
            Map<String, Long> assignedAt = new ConcurrentHashMap<>();
            AtomicBoolean stop = new AtomicBoolean();
            long start = System.nanoTime();
            Thread first = pollInBackground(node, "first", assignedAt, stop);
            await().atMost(Duration.ofSeconds(30)).until(() -> admin.describeConsumerGroups(List.of("delayed-group"))
                    .all().get().get("delayed-group").groupState() == GroupState.PREPARING_REBALANCE);
            Thread second = pollInBackground(node, "second", assignedAt, stop);
            await().atMost(Duration.ofSeconds(60)).until(() -> assignedAt.size() == 2);
            stop.set(true);
            first.join();
            second.join();
            // The first member joined after `start`; the second during the first step, so the rebalance completes
            // two whole steps after the first join at the earliest.
            assertThat(assignedAt.values()).allSatisfy(at ->
                    assertThat(at - start).isGreaterThanOrEqualTo(2 * DELAY_MS * 1_000_000L));
        }
    }

    private static Thread pollInBackground(TestNode node, String name, Map<String, Long> assignedAt,
                                           AtomicBoolean stop) {
        return Thread.ofPlatform().name(name).start(() -> {
            try (KafkaConsumer<byte[], byte[]> consumer = Clients.consumer(node.bootstrap(),
                    Map.of("group.id", "delayed-group", "group.protocol", "classic"))) {
                consumer.subscribe(List.of("delayed"), new ConsumerRebalanceListener() {
                    @Override
                    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    }

                    @Override
                    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                        assignedAt.putIfAbsent(name, System.nanoTime());
                    }
                });
                while (!stop.get()) {
                    consumer.poll(Duration.ofMillis(100));
                }
            }
        });
    }
}
