package io.strata.it;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;

/**
 * A real KafkaConsumer in a consumer group, polling on its own thread (consumers are single-threaded) and
 * committing synchronously after each non-empty poll. Records what it consumed and its current assignment.
 */
final class GroupWorker implements AutoCloseable {

    /** A consumed record: where it came from and its value. */
    record Consumed(TopicPartition partition, long offset, String value) {
    }

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Thread thread;
    private final Queue<Consumed> consumed;
    private final AtomicReference<Set<TopicPartition>> assignment = new AtomicReference<>(Set.of());
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile boolean running = true;

    private GroupWorker(KafkaConsumer<byte[], byte[]> consumer, String topic, Queue<Consumed> consumed) {
        this.consumer = consumer;
        this.consumed = consumed;
        this.thread = new Thread(() -> run(topic), "group-worker");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Starts a worker in {@code group} on {@code topic}, adding what it consumes to {@code sink}.
     *
     * @param overrides extra consumer configs (group.protocol, session timeout, group.instance.id...)
     */
    static GroupWorker start(String bootstrap, String group, String topic, Queue<Consumed> sink,
                             Map<String, Object> overrides) {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        config.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "classic");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        if (!"consumer".equals(overrides.get(ConsumerConfig.GROUP_PROTOCOL_CONFIG))) {
            // The consumer protocol takes these from the broker and rejects them in the client.
            config.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 6000);
            config.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 500);
        }
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 200);
        config.putAll(overrides);
        return new GroupWorker(Clients.consumer(bootstrap, config), topic, sink);
    }

    static Queue<Consumed> sink() {
        return new ConcurrentLinkedQueue<>();
    }

    private void run(String topic) {
        try {
            // As Kafka recommends: commit what was consumed before partitions move, so that their next owner does
            // not read it again; a commit racing a rebalance fails (CommitFailedException) and is retried there.
            consumer.subscribe(List.of(topic), new org.apache.kafka.clients.consumer.ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(java.util.Collection<TopicPartition> partitions) {
                    try {
                        consumer.commitSync();
                    } catch (org.apache.kafka.clients.consumer.CommitFailedException e) {
                        // Already fenced: the partitions' next owner resumes from the last commit.
                    }
                }

                @Override
                public void onPartitionsAssigned(java.util.Collection<TopicPartition> partitions) {
                }
            });
            while (running) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(100));
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    consumed.add(new Consumed(new TopicPartition(r.topic(), r.partition()), r.offset(),
                            new String(r.value(), StandardCharsets.UTF_8)));
                }
                if (!records.isEmpty()) {
                    try {
                        consumer.commitSync();
                    } catch (org.apache.kafka.clients.consumer.CommitFailedException e) {
                        // A rebalance is under way; the revocation callback commits with the new member epoch.
                    }
                }
                assignment.set(Set.copyOf(consumer.assignment()));
            }
        } catch (WakeupException e) {
            // close() asked us to stop.
        } catch (Throwable t) {
            failure.set(t);
        } finally {
            consumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(10)));
            assignment.set(Set.of());
        }
    }

    Set<TopicPartition> assignment() {
        return assignment.get();
    }

    /** The exception that stopped the worker, if any. */
    Throwable failure() {
        return failure.get();
    }

    /** Stops polling and closes the consumer (a dynamic member leaves the group; a static one does not). */
    @Override
    public void close() throws InterruptedException {
        running = false;
        consumer.wakeup();
        thread.join(30_000);
    }
}
