package io.strata.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three real {@code strata server} processes, a topic of 6 partitions with replication factor 3 and
 * {@code min.insync.replicas=2}, and an idempotent acks=all producer writing sequential values all along while
 * brokers are killed ({@code kill -9}) and restarted, or frozen ({@code SIGSTOP}) and resumed. After each round every
 * partition, read from the beginning, holds every acknowledged value exactly once and in order.
 *
 * <p>{@code -Dstrata.failover.rounds=N} runs N rounds of each kind (default 1; the acceptance is 5).
 */
class ClusterFailoverIT {

    private static final String TOPIC = "failover";
    private static final int PARTITIONS = 6;
    private static final int ROUNDS = Integer.getInteger("strata.failover.rounds", 1);

    @TempDir
    Path dir;

    private final List<NodeProcess> nodes = new ArrayList<>();
    private final AtomicBoolean stop = new AtomicBoolean();
    /** Per partition, the sequence numbers acknowledged, in acknowledgement order. */
    private final Map<Integer, ConcurrentLinkedQueue<Integer>> acked = new ConcurrentHashMap<>();
    private final AtomicInteger failedSends = new AtomicInteger();
    private KafkaProducer<byte[], byte[]> producer;
    private Thread sender;

    @AfterEach
    void tearDown() throws Exception {
        stop.set(true);
        if (sender != null) {
            sender.join(30_000);
        }
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
        for (NodeProcess node : nodes) {
            node.close();
        }
    }

    @Test
    void noAcknowledgedWriteIsLostOrDuplicatedWhileBrokersDieAndFreeze() throws Exception {
        startCluster();
        try (Admin admin = Clients.admin(bootstrap())) {
            admin.createTopics(List.of(new NewTopic(TOPIC, PARTITIONS, (short) 3)
                    .configs(Map.of("min.insync.replicas", "2")))).all().get();
            awaitFullIsr(admin);
            startProducing();
            for (int round = 0; round < ROUNDS; round++) {
                int victim = leaderOf(admin, round % PARTITIONS);
                NodeProcess node = nodes.get(victim - 1);
                long ackedBefore = ackedCount();
                node.kill9();
                awaitProgress(ackedBefore + 200);
                node.start();
                awaitFullIsr(admin);
                verify();

                victim = leaderOf(admin, (round + 1) % PARTITIONS);
                node = nodes.get(victim - 1);
                ackedBefore = ackedCount();
                node.pause();
                awaitProgress(ackedBefore + 200);
                node.resume();
                awaitFullIsr(admin);
                verify();
            }
        }
        assertThat(ackedCount()).isGreaterThan(0);
    }

    private void startCluster() throws Exception {
        nodes.addAll(NodeProcess.cluster(dir, 3, Map.of("broker.session.timeout.ms", "3000",
                "replica.lag.time.max.ms", "5000", "replica.fetch.wait.max.ms", "100",
                "replica.socket.timeout.ms", "3000", "replica.fetch.backoff.ms", "200")));
        NodeProcess.startAll(nodes);
    }

    private String bootstrap() {
        return String.join(",", nodes.stream().map(NodeProcess::bootstrap).toList());
    }

    private void startProducing() {
        for (int p = 0; p < PARTITIONS; p++) {
            acked.put(p, new ConcurrentLinkedQueue<>());
        }
        producer = Clients.producer(bootstrap(), Map.of(ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true, ProducerConfig.LINGER_MS_CONFIG, 2,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000, ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000,
                ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5));
        int[] next = new int[PARTITIONS];
        sender = Thread.ofPlatform().name("failover-producer").start(() -> {
            int i = 0;
            while (!stop.get()) {
                int partition = i++ % PARTITIONS;
                int seq = next[partition]++;
                producer.send(new ProducerRecord<>(TOPIC, partition, null,
                        Integer.toString(seq).getBytes(StandardCharsets.UTF_8)), (meta, error) -> {
                            if (error == null) {
                                acked.get(partition).add(seq);
                            } else {
                                failedSends.incrementAndGet();
                            }
                        });
                if (i % 10 == 0) {
                    try {
                        Thread.sleep(5); // a steady rate (~2,000 records/s at most), not a test wait
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }
        });
    }

    private long ackedCount() {
        return acked.values().stream().mapToLong(ConcurrentLinkedQueue::size).sum();
    }

    /** Writes keep being acknowledged while a broker is down or frozen (two of three replicas remain). */
    private void awaitProgress(long target) {
        await().atMost(Duration.ofSeconds(60)).until(() -> ackedCount() >= target);
    }

    private static int leaderOf(Admin admin, int partition) throws Exception {
        return describe(admin).partitions().get(partition).leader().id();
    }

    private static TopicDescription describe(Admin admin) throws Exception {
        return admin.describeTopics(List.of(TOPIC)).allTopicNames().get().get(TOPIC);
    }

    private static void awaitFullIsr(Admin admin) {
        await().atMost(Duration.ofSeconds(90)).ignoreExceptions().until(() -> {
            for (TopicPartitionInfo p : describe(admin).partitions()) {
                if (p.leader() == null || p.isr().size() != 3) {
                    return false;
                }
            }
            return true;
        });
    }

    /** Every acknowledged value is in its partition exactly once, and each partition's values are in order. */
    private void verify() {
        Map<Integer, List<Integer>> expected = new LinkedHashMap<>();
        acked.forEach((p, q) -> expected.put(p, new ArrayList<>(q)));
        try (KafkaConsumer<byte[], byte[]> consumer = Clients.consumer(bootstrap(), Map.of())) {
            List<TopicPartition> all = new ArrayList<>();
            for (int p = 0; p < PARTITIONS; p++) {
                all.add(new TopicPartition(TOPIC, p));
            }
            consumer.assign(all);
            consumer.seekToBeginning(all);
            Map<TopicPartition, Long> ends = consumer.endOffsets(all);
            Map<Integer, List<Integer>> read = new HashMap<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!all.stream().allMatch(tp -> consumer.position(tp) >= ends.get(tp))
                    && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    read.computeIfAbsent(r.partition(), k -> new ArrayList<>())
                            .add(Integer.parseInt(new String(r.value(), StandardCharsets.UTF_8)));
                }
            }
            Map<TopicPartition, Long> positions = new HashMap<>();
            all.forEach(tp -> positions.put(tp, consumer.position(tp)));
            assertThat(all).as("positions %s reach the end offsets %s", positions, ends)
                    .allMatch(tp -> positions.get(tp) >= ends.get(tp));
            for (int p = 0; p < PARTITIONS; p++) {
                List<Integer> values = read.getOrDefault(p, List.of());
                assertThat(Set.copyOf(values)).as("duplicates in partition %d", p).hasSize(values.size());
                assertThat(values).as("order in partition %d", p).isSorted();
                Set<Integer> present = new HashSet<>(values);
                assertThat(expected.get(p).stream().filter(v -> !present.contains(v)).toList())
                        .as("acknowledged values missing from partition %d", p).isEmpty();
            }
        }
    }
}
