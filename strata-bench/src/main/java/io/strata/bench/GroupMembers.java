package io.strata.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The members of one consumer group in one JVM, each a real {@link KafkaConsumer} polling on its own thread, timed
 * until the group is stable ({@link GroupStability}). All consumers are created first; then they subscribe at once
 * and the clock starts at the first subscribe. Once the group has stayed stable for {@code SETTLE_MS} (so that a
 * late revocation would have been seen), the consumers are closed and the run ends.
 *
 * <p>Output on stdout, one event per line, read live by the harness: {@code SUBSCRIBING} just before the first
 * subscribe; {@code STABLE n} when stable period n starts; at the end {@code RESULT period=n stable_ms=..
 * first_p50_ms=.. first_max_ms=.. events=..} and exit 0, or {@code FAILED reason} (or {@code UNSUPPORTED reason}
 * when the broker refuses the group protocol) and exit 3.
 *
 * <p>Run in its own JVM by the harness: {@code GroupMembers BOOTSTRAP TOPIC PARTITIONS MEMBERS PROTOCOL GROUP
 * SETTLE_MS TIMEOUT_MS} with PROTOCOL {@code classic} or {@code consumer}. Other consumer settings keep the
 * client's defaults (so classic uses its default assignors, range then cooperative-sticky, and the consumer
 * protocol the broker's default server assignor).
 */
public final class GroupMembers {

    private GroupMembers() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 8) {
            System.err.println("usage: GroupMembers BOOTSTRAP TOPIC PARTITIONS MEMBERS classic|consumer GROUP SETTLE_MS"
                    + " TIMEOUT_MS");
            System.exit(1);
        }
        String bootstrap = args[0];
        String topic = args[1];
        int partitions = Integer.parseInt(args[2]);
        int n = Integer.parseInt(args[3]);
        String protocol = args[4];
        String group = args[5];
        long settleNs = TimeUnit.MILLISECONDS.toNanos(Long.parseLong(args[6]));
        long timeoutNs = TimeUnit.MILLISECONDS.toNanos(Long.parseLong(args[7]));

        GroupStability stability = new GroupStability(n, partitions);
        CountDownLatch created = new CountDownLatch(n);
        CountDownLatch go = new CountDownLatch(1);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<String> failure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int member = i;
            threads.add(Thread.ofPlatform().name("member-" + i).start(() -> {
                try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props(bootstrap, group, protocol,
                        member))) {
                    created.countDown();
                    go.await();
                    stability.subscribed(member, System.nanoTime());
                    consumer.subscribe(List.of(topic), listener(stability, member));
                    while (!stop.get()) {
                        consumer.poll(Duration.ofMillis(100));
                    }
                } catch (Exception e) {
                    // The broker refusing the protocol is a case it cannot serve, not a failed run.
                    failure.compareAndSet(null, (e instanceof UnsupportedVersionException ? "UNSUPPORTED " : "FAILED ")
                            + "member " + member + ": " + e);
                    created.countDown();
                }
            }));
        }
        created.await();
        if (failure.get() == null) {
            System.out.println("SUBSCRIBING");
            System.out.flush();
            go.countDown();
        }
        long deadline = System.nanoTime() + timeoutNs;
        boolean done = false;
        while (!done && failure.get() == null && System.nanoTime() < deadline) {
            done = stability.stableSince().stream().anyMatch(t -> System.nanoTime() - t >= settleNs);
            if (!done) {
                Thread.sleep(10);
            }
        }
        // Read before closing: leaving members revoke their partitions.
        String outcome;
        if (done) {
            GroupStability.Summary s = stability.summary();
            outcome = String.format(java.util.Locale.ROOT,
                    "RESULT period=%d stable_ms=%.1f first_p50_ms=%.1f first_max_ms=%.1f events=%d",
                    stability.period(), s.stableMs(), s.firstAssignmentP50Ms(), s.firstAssignmentMaxMs(), s.events());
        } else {
            outcome = failure.get() != null ? failure.get() : "FAILED not stable within "
                    + TimeUnit.NANOSECONDS.toMillis(timeoutNs) + " ms: " + stability.describe();
        }
        stop.set(true);
        go.countDown();
        for (Thread t : threads) {
            t.join(TimeUnit.SECONDS.toMillis(60));
        }
        System.out.println(outcome);
        System.out.flush();
        // Halt: a consumer thread still stuck in close must not keep the JVM (and the harness) waiting.
        Runtime.getRuntime().halt(done ? 0 : 3);
    }

    private static ConsumerRebalanceListener listener(GroupStability stability, int member) {
        return new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                stability.revoked(member, numbers(partitions), System.nanoTime()).ifPresent(GroupMembers::stable);
            }

            @Override
            public void onPartitionsLost(Collection<TopicPartition> partitions) {
                stability.revoked(member, numbers(partitions), System.nanoTime()).ifPresent(GroupMembers::stable);
            }

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                stability.assigned(member, numbers(partitions), System.nanoTime()).ifPresent(GroupMembers::stable);
            }
        };
    }

    /** Tells the harness now, so that it reads the broker's CPU and memory at this moment. */
    private static void stable(int period) {
        System.out.println("STABLE " + period);
        System.out.flush();
    }

    private static List<Integer> numbers(Collection<TopicPartition> partitions) {
        return partitions.stream().map(TopicPartition::partition).toList();
    }

    private static Properties props(String bootstrap, String group, String protocol, int member) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        p.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, protocol);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, group + "-" + member);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return p;
    }
}
