package io.strata.bench;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
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
 * {@code rate} records/s; each record carries the time it was <em>scheduled</em> to be sent and the time it was
 * actually handed to the producer ({@link System#nanoTime()}). A consumer in the same JVM, assigned to the partition
 * (no consumer group needed), measures scheduled-send-to-poll latency, so that a stall (the broker's, the client's
 * or the JVM's) counts against every record it delayed, not just the first (see {@link Pacing}). The first
 * {@code warmup} records are not counted. Prints one line:
 * {@code E2E_US n=.. rate=.. avg=.. p50=.. p99=.. p999=.. max=..} (rate: the achieved send rate over the counted
 * records, from the actual send times; percentiles from a {@link LatencyHistogram}); exits 2 if records do not all
 * arrive within the expected time plus 30 s.
 *
 * <p>Run in its own JVM by the harness: {@code E2eLatency BOOTSTRAP TOPIC N RATE ACKS SIZE WARMUP}.
 */
public final class E2eLatency {

    /** A record's value starts with its scheduled and its actual send time, 8 bytes each. */
    static final int STAMP_BYTES = 16;

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
        int size = Math.max(STAMP_BYTES, Integer.parseInt(args[5]));
        int warmup = Integer.parseInt(args[6]);
        int total = warmup + n;

        TopicPartition tp = new TopicPartition(topic, 0);
        LatencyHistogram latencies = new LatencyHistogram();
        AtomicReference<Throwable> sendError = new AtomicReference<>();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProps(bootstrap, acks));
             KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProps(bootstrap))) {
            consumer.assign(List.of(tp));
            consumer.seekToEnd(List.of(tp));
            consumer.position(tp); // resolve now, so that no record sent below is skipped
            Thread sender = Thread.ofPlatform().name("e2e-sender").start(() -> {
                Pacing pacing = Pacing.of(rate, NanoClock.SYSTEM);
                try {
                    for (int i = 0; i < total && sendError.get() == null; i++) {
                        long due = pacing.awaitSend(i);
                        byte[] payload = new byte[size];
                        long sent = System.nanoTime();
                        stamp(payload, pacing.latencyOrigin(due, sent), sent);
                        producer.send(new ProducerRecord<>(topic, 0, null, payload), (md, e) -> {
                            if (e != null) {
                                sendError.compareAndSet(null, e);
                            }
                        });
                    }
                } catch (InterruptedException e) {
                    sendError.compareAndSet(null, e);
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
                    if (received >= warmup) {
                        ByteBuffer v = ByteBuffer.wrap(r.value());
                        latencies.recordNanos(now - v.getLong(0));
                        lastSent = v.getLong(8);
                        if (received == warmup) {
                            firstSent = lastSent;
                        }
                    }
                    received++;
                }
            }
            sender.join();
            // The achieved send rate over the counted records (arrivals bunch up behind a slow fetch).
            double seconds = Math.max(1e-9, (lastSent - firstSent) / 1e9);
            System.out.println(summary(n > 1 ? (n - 1) / seconds : 0.0, latencies.percentiles()));
        }
    }

    /** Writes the latency origin (the scheduled send time) and the actual send time into the first 16 bytes. */
    static void stamp(byte[] payload, long originNanos, long sentNanos) {
        ByteBuffer.wrap(payload).putLong(0, originNanos).putLong(8, sentNanos);
    }

    /** The summary line {@link ToolOutput#latency} parses. */
    static String summary(double sendRate, LatencyHistogram.Percentiles p) {
        return String.format(Locale.ROOT, "E2E_US n=%d rate=%.1f avg=%.1f p50=%d p99=%d p999=%d max=%d", p.count(),
                sendRate, p.meanNanos() / 1000.0, LatencyHistogram.Percentiles.micros(p.p50Nanos()),
                LatencyHistogram.Percentiles.micros(p.p99Nanos()), LatencyHistogram.Percentiles.micros(p.p999Nanos()),
                LatencyHistogram.Percentiles.micros(p.maxNanos()));
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
