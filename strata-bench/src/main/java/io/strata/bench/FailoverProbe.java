package io.strata.bench;

import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * A steady {@code acks=all} producer (a real {@link KafkaProducer}, idempotent, {@code linger.ms=0}, other settings the
 * client's defaults) writing one small record to every partition of a topic at a fixed rate, and the measurement of a
 * failover on it: the time from a kill to the first acknowledged write, sent after the kill, on each partition.
 *
 * <p>Thread-safe for one harness thread calling {@link #measure} while its own sender thread produces.
 */
final class FailoverProbe implements AutoCloseable {

    /** Something that kills a node and returns once the process is gone. */
    @FunctionalInterface
    interface Kill {
        void run() throws Exception;
    }

    static final int RECORD_SIZE = 100;

    private final String topic;
    private final int partitions;
    private final Pacing pacing;
    private final KafkaProducer<byte[], byte[]> producer;
    private final FirstAcks acks;
    private final LongAdder acked = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final Thread sender;

    /** Starts producing {@code perPartitionPerSec} records a second to each of the topic's partitions. */
    FailoverProbe(String bootstrap, String topic, int partitions, int perPartitionPerSec) {
        this.topic = topic;
        this.partitions = partitions;
        this.pacing = Pacing.of(perPartitionPerSec, NanoClock.SYSTEM);
        this.acks = new FirstAcks(partitions);
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "bench-failover");
        this.producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
        this.sender = Thread.ofPlatform().name("bench-failover-producer").daemon().start(this::produce);
    }

    private void produce() {
        byte[] value = new byte[RECORD_SIZE];
        try {
            for (long i = 0; !stop.get(); i++) {
                pacing.awaitSend(i);
                for (int p = 0; p < partitions && !stop.get(); p++) {
                    int partition = p;
                    long sent = System.nanoTime();
                    try {
                        producer.send(new ProducerRecord<>(topic, partition, null, value), (md, e) -> {
                            if (e == null) {
                                acks.acked(partition, sent, System.nanoTime());
                                acked.increment();
                            } else {
                                failed.increment();
                            }
                        });
                    } catch (RuntimeException e) {
                        failed.increment();
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Writes acknowledged so far. */
    long acked() {
        return acked.sum();
    }

    /** Writes that failed (delivery timeout, or refused) so far. */
    long failed() {
        return failed.sum();
    }

    /**
     * Runs {@code kill} and waits (at most {@code timeout}) until every one of {@code led} has acknowledged a write
     * sent after it. Returns, per partition, milliseconds from just before the kill to that acknowledgement; a
     * partition without one within the timeout is missing from the map.
     */
    Map<Integer, Double> measure(Kill kill, Collection<Integer> led, Duration timeout) throws Exception {
        long t0 = System.nanoTime();
        kill.run();
        acks.arm(System.nanoTime());
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!acks.allAcked(led) && System.nanoTime() < deadline) {
            // The times come from the acknowledgement callbacks; how often this loop looks does not change them.
            Thread.sleep(5);
        }
        Map<Integer, Double> recovery = new LinkedHashMap<>();
        for (int p : led) {
            OptionalLong at = acks.firstAck(p);
            if (at.isPresent()) {
                recovery.put(p, (at.getAsLong() - t0) / 1e6);
            }
        }
        return recovery;
    }

    @Override
    public void close() throws InterruptedException {
        stop.set(true);
        sender.join(10_000);
        producer.close(Duration.ofSeconds(10));
    }
}
