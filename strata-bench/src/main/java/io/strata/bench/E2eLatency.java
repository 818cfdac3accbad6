package io.strata.bench;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * End-to-end latency at a fixed rate, with microsecond percentiles (Kafka's EndToEndLatency has one record in
 * flight and whole-millisecond percentiles). A producer sends {@code size}-byte records to partition 0 at
 * {@code rate} records/s, each carrying its send time ({@link System#nanoTime()}); a consumer in the same JVM,
 * assigned to the partition (no consumer group needed), measures send-to-poll latency. The first
 * {@code warmup} records are not counted. Prints one line:
 * {@code E2E_US n=.. rate=.. avg=.. p50=.. p99=.. p999=.. max=..}; exits 2 if records do not all arrive within
 * the expected time plus 30 s.
 *
 * <p>Run in its own JVM by the harness: {@code E2eLatency BOOTSTRAP TOPIC N RATE ACKS SIZE WARMUP}.
 */
public final class E2eLatency {

    private E2eLatency() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 7) {
            System.err.println("usage: E2eLatency BOOTSTRAP TOPIC N RATE ACKS(1|all) SIZE WARMUP");
            System.exit(1);
        }
        String bootstrap = args[0];
        String topic = args[1];
        int n = Integer.parseInt(args[2]);
        int rate = Integer.parseInt(args[3]);
        String acks = args[4];
        int size = Math.max(8, Integer.parseInt(args[5]));
        int warmup = Integer.parseInt(args[6]);
        int total = warmup + n;

        TopicPartition tp = new TopicPartition(topic, 0);
        long[] latencyNs = new long[n];
        AtomicReference<Throwable> sendError = new AtomicReference<>();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProps(bootstrap, acks));
             KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProps(bootstrap))) {
            consumer.assign(List.of(tp));
            consumer.seekToEnd(List.of(tp));
            consumer.position(tp); // resolve now, so that no record sent below is skipped
            Thread sender = Thread.ofPlatform().name("e2e-sender").start(() -> {
                long period = TimeUnit.SECONDS.toNanos(1) / rate;
                long start = System.nanoTime();
                for (int i = 0; i < total && sendError.get() == null; i++) {
                    long due = start + i * period;
                    long wait;
                    while ((wait = due - System.nanoTime()) > 0) {
                        LockSupport.parkNanos(wait);
                    }
                    byte[] payload = new byte[size];
                    long now = System.nanoTime();
                    for (int b = 0; b < 8; b++) {
                        payload[b] = (byte) (now >>> (56 - 8 * b));
                    }
                    producer.send(new ProducerRecord<>(topic, 0, null, payload), (md, e) -> {
                        if (e != null) {
                            sendError.compareAndSet(null, e);
                        }
                    });
                }
            });
            long firstSent = 0;
            long lastSent = 0;
            int received = 0;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30) + (long) total * 1_000_000_000L / rate;
            while (received < total) {
                if (sendError.get() != null) {
                    System.err.println("send failed: " + sendError.get());
                    System.exit(2);
                }
                if (System.nanoTime() > deadline) {
                    System.err.println("only " + received + " of " + total + " records arrived in time");
                    System.exit(2);
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    long now = System.nanoTime();
                    byte[] v = r.value();
                    long sent = 0;
                    for (int b = 0; b < 8; b++) {
                        sent = (sent << 8) | (v[b] & 0xff);
                    }
                    if (received >= warmup) {
                        latencyNs[received - warmup] = now - sent;
                        lastSent = sent;
                        if (received == warmup) {
                            firstSent = sent;
                        }
                    }
                    received++;
                }
            }
            sender.join();
            Arrays.sort(latencyNs);
            // The achieved send rate over the counted records (arrivals bunch up behind a slow fetch).
            double seconds = Math.max(1e-9, (lastSent - firstSent) / 1e9);
            System.out.printf("E2E_US n=%d rate=%.1f avg=%.1f p50=%d p99=%d p999=%d max=%d%n", n,
                    n > 1 ? (n - 1) / seconds : 0.0, Arrays.stream(latencyNs).average().orElse(0) / 1000.0,
                    percentileUs(latencyNs, 50), percentileUs(latencyNs, 99), percentileUs(latencyNs, 99.9),
                    latencyNs.length == 0 ? 0 : latencyNs[latencyNs.length - 1] / 1000);
        }
    }

    /** Nearest-rank percentile of sorted nanosecond values, in microseconds. */
    static long percentileUs(long[] sortedNs, double percentile) {
        if (sortedNs.length == 0) {
            return 0;
        }
        // The epsilon keeps 99.9 % of 1000 at rank 999 despite binary floating point (999.0000000000001).
        int rank = (int) Math.ceil(percentile * sortedNs.length / 100.0 - 1e-9);
        return sortedNs[Math.max(0, Math.min(sortedNs.length - 1, rank - 1))] / 1000;
    }

    private static Properties producerProps(String bootstrap, String acks) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, acks);
        p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return p;
    }

    private static Properties consumerProps(String bootstrap) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "500");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return p;
    }
}
