package io.strata.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An idempotent {@code acks=all} producer writing ascending integers (as text) to every partition of a topic in
 * turn, at about 1,000 records/s, that remembers which values were acknowledged; and the check, after brokers died,
 * froze and came back, that every acknowledged value is in its partition exactly once and in order.
 *
 * <p>Thread-safe: the producer runs on its own thread; the other methods may be called from any thread.
 */
final class AckedWrites implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AckedWrites.class);
    /** How long verification may read nothing new before it gives up. */
    private static final Duration STALL_TIMEOUT = Duration.ofSeconds(30);

    private final String topic;
    private final int partitions;
    /** The bootstrap servers now: nodes restart on the same ports, but the caller owns the list. */
    private final Supplier<String> bootstrap;
    private final List<ConcurrentLinkedQueue<Integer>> acked = new ArrayList<>();
    private final AtomicLong failedSends = new AtomicLong();
    /** Acknowledgements of records sent after this time (nanoTime) are recorded in {@link #firstAck}. */
    private final AtomicLong firstAckAfter = new AtomicLong(Long.MAX_VALUE);
    /** Per partition, when the first record sent after {@link #firstAckAfter} was acknowledged, or 0. */
    private final AtomicLongArray firstAck;
    private final AtomicBoolean stop = new AtomicBoolean();
    private final KafkaProducer<byte[], byte[]> producer;
    private final Thread sender;

    private AckedWrites(Supplier<String> bootstrap, String topic, int partitions) {
        this.topic = topic;
        this.partitions = partitions;
        this.bootstrap = bootstrap;
        this.firstAck = new AtomicLongArray(partitions);
        for (int p = 0; p < partitions; p++) {
            acked.add(new ConcurrentLinkedQueue<>());
        }
        producer = Clients.producer(bootstrap.get(), Map.of(ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true, ProducerConfig.LINGER_MS_CONFIG, 2,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000, ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000,
                ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5));
        sender = Thread.ofPlatform().name("acked-writes-" + topic).start(this::produce);
    }

    /** Starts producing to partitions 0 to {@code partitions - 1} of {@code topic}. */
    static AckedWrites start(Supplier<String> bootstrap, String topic, int partitions) {
        return new AckedWrites(bootstrap, topic, partitions);
    }

    private void produce() {
        int[] next = new int[partitions];
        int i = 0;
        while (!stop.get()) {
            int partition = i++ % partitions;
            int seq = next[partition]++;
            long sentAt = System.nanoTime();
            producer.send(new ProducerRecord<>(topic, partition, null,
                    Integer.toString(seq).getBytes(StandardCharsets.UTF_8)), (meta, error) -> {
                        if (error == null) {
                            acked.get(partition).add(seq);
                            if (sentAt > firstAckAfter.get()) {
                                firstAck.compareAndSet(partition, 0, System.nanoTime());
                            }
                        } else {
                            failedSends.incrementAndGet();
                        }
                    });
            if (i % 5 == 0) {
                try {
                    Thread.sleep(5); // a steady ~1,000 records/s at most, not a test wait
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    /** How many values have been acknowledged so far. */
    long count() {
        return acked.stream().mapToLong(ConcurrentLinkedQueue::size).sum();
    }

    /** Waits until {@code target} values have been acknowledged (writes go on while a broker is down or frozen). */
    void awaitProgress(long target) {
        awaitProgress(target, Duration.ZERO);
    }

    /**
     * As {@link #awaitProgress(long)}, and not before {@code atLeast} has passed: how long a failure lasts is part
     * of a scenario, not a wait for a condition.
     */
    void awaitProgress(long target, Duration atLeast) {
        await().pollDelay(atLeast).atMost(atLeast.plusSeconds(60)).until(() -> count() >= target);
    }

    /** From now on, notes per partition when the first record sent after {@code sinceNanos} is acknowledged. */
    void watchFirstAcksAfter(long sinceNanos) {
        for (int p = 0; p < partitions; p++) {
            firstAck.set(p, 0);
        }
        firstAckAfter.set(sinceNanos);
    }

    /** When (nanoTime) partition {@code p}'s first record sent after the watched time was acknowledged, or 0. */
    long firstAck(int p) {
        return firstAck.get(p);
    }

    /**
     * Every acknowledged value is in its partition exactly once, and each partition's values are in order. The
     * partitions are read until every acknowledged value has been seen and then on to their end offsets, taken only
     * then: a node just resumed from {@code SIGSTOP} may for a moment still answer with its old image as leader and
     * its old high watermark, a stale but true prefix of the log, and its end offsets must not end the read early.
     */
    void verify() {
        Map<Integer, List<Integer>> expected = new TreeMap<>();
        for (int p = 0; p < partitions; p++) {
            expected.put(p, new ArrayList<>(acked.get(p)));
        }
        try (KafkaConsumer<byte[], byte[]> consumer = Clients.consumer(bootstrap.get(),
                Map.of(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 10_000))) {
            List<TopicPartition> all = new ArrayList<>();
            for (int p = 0; p < partitions; p++) {
                all.add(new TopicPartition(topic, p));
            }
            consumer.assign(all);
            consumer.seekToBeginning(all);
            Map<Integer, List<Integer>> read = new HashMap<>();
            Map<Integer, Set<Integer>> seen = new HashMap<>();
            Map<TopicPartition, Long> ends = null;
            long started = System.nanoTime();
            // Reading everything again gets longer as the test goes on: give up only when the reading stalls.
            long deadline = started + STALL_TIMEOUT.toNanos();
            while (System.nanoTime() < deadline) {
                int polled = 0;
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    int value = Integer.parseInt(new String(r.value(), StandardCharsets.UTF_8));
                    read.computeIfAbsent(r.partition(), k -> new ArrayList<>()).add(value);
                    seen.computeIfAbsent(r.partition(), k -> new HashSet<>()).add(value);
                    polled++;
                }
                if (polled > 0) {
                    deadline = System.nanoTime() + STALL_TIMEOUT.toNanos();
                }
                if (ends == null && missing(expected, seen).values().stream().allMatch(List::isEmpty)) {
                    ends = consumer.endOffsets(all);
                }
                Map<TopicPartition, Long> target = ends;
                if (target != null && all.stream().allMatch(tp -> consumer.position(tp) >= target.get(tp))) {
                    break;
                }
            }
            log.info("Verified {} records in {} ms ({} sends failed so far)",
                    read.values().stream().mapToInt(List::size).sum(),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), failedSends.get());
            Map<TopicPartition, Long> positions = new HashMap<>();
            all.forEach(tp -> positions.put(tp, consumer.position(tp)));
            assertThat(missing(expected, seen)).as("acknowledged values missing after reading to positions %s",
                    positions).allSatisfy((p, values) -> assertThat(values).as("partition %d", p).isEmpty());
            Map<TopicPartition, Long> target = ends;
            assertThat(all).as("positions %s reach the end offsets %s", positions, ends)
                    .allMatch(tp -> positions.get(tp) >= target.get(tp));
            for (int p = 0; p < partitions; p++) {
                List<Integer> values = read.getOrDefault(p, List.of());
                assertThat(Set.copyOf(values)).as("duplicates in partition %d", p).hasSize(values.size());
                assertThat(values).as("order in partition %d", p).isSorted();
            }
        }
    }

    /** Per partition, the acknowledged values not (yet) seen. */
    private static Map<Integer, List<Integer>> missing(Map<Integer, List<Integer>> expected,
                                                       Map<Integer, Set<Integer>> seen) {
        Map<Integer, List<Integer>> missing = new TreeMap<>();
        expected.forEach((p, values) -> {
            Set<Integer> present = seen.getOrDefault(p, Set.of());
            missing.put(p, values.stream().filter(v -> !present.contains(v)).toList());
        });
        return missing;
    }

    /** Stops producing and closes the producer. */
    @Override
    public void close() throws InterruptedException {
        stop.set(true);
        sender.join(30_000);
        producer.close(Duration.ofSeconds(5));
    }
}
