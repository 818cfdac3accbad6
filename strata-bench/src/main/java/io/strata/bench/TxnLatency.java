package io.strata.bench;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
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
 * Transactions end to end: {@code producers} transactional producers (one {@code transactional.id} each, a
 * platform thread each) commit transactions of {@code txnRecords} records as fast as they can (or, with a
 * {@code rate}, on a schedule: see below), record {@code i}
 * of a transaction going to partition {@code i % partitions}, so that every transaction has a marker to write on
 * every partition; a {@code read_committed} consumer in the same JVM, assigned to every partition (no group),
 * receives them. Each record carries the time it was handed to its producer ({@link System#nanoTime()}); the
 * consumer measures handed-to-received, which for a transactional record includes waiting for its commit, its
 * markers and the last stable offset to pass it. The first {@code warmupTxns} transactions of each producer are
 * not counted. The run checks exactly-once delivery: every committed record arrives once, none twice.
 *
 * <p>With a {@code rate} (committed records per second over all producers) each producer begins its transactions on
 * a fixed schedule ({@link Pacing}), the producers' schedules interleaved, and a record's latency counts from its
 * due time: the transaction's due start plus the record's offset from the transaction's actual start, so that a
 * producer held back by a slow commit adds its lateness to every record it then sends (no coordinated omission).
 * As fast as possible (rate 0), the run measures the brokers at saturation, where latency is mostly queueing.
 *
 * <p>Prints one line, the {@link E2eLatency} summary format: {@code E2E_US n=.. rate=.. avg=.. p50=.. p99=..
 * p999=.. max=..}, where {@code rate} is committed records per second over the counted transactions (from the
 * first counted {@code beginTransaction} to the last counted commit returning) and the percentiles are
 * microseconds from a {@link LatencyHistogram}. Exits 2 when a transaction fails, when records are missing 30 s
 * after the last commit, or on a duplicate.
 *
 * <p>Thread-safety: {@link #run} starts the producer threads and runs the consumer in the calling thread.
 *
 * <p>Run in its own JVM by the harness:
 * {@code TxnLatency BOOTSTRAP TOPIC PARTITIONS PRODUCERS TXNS_PER_PRODUCER TXN_RECORDS SIZE WARMUP_TXNS [RATE]}.
 */
public final class TxnLatency {

    /** A record's value starts with its send time (or {@link #WARMUP}), its producer and its number, 16 bytes. */
    static final int STAMP_BYTES = 16;
    /** The send time of a warm-up record: received but not measured. */
    static final long WARMUP = Long.MIN_VALUE;

    /** What the run is: the shape of the load. */
    record Load(String bootstrap, String topic, int partitions, int producers, int txns, int txnRecords, int size,
                int warmupTxns, double rate) {
        static Load parse(String[] args) {
            if (args.length != 8 && args.length != 9) {
                throw new IllegalArgumentException("usage: TxnLatency BOOTSTRAP TOPIC PARTITIONS PRODUCERS"
                        + " TXNS_PER_PRODUCER TXN_RECORDS SIZE WARMUP_TXNS [RATE]");
            }
            return new Load(args[0], args[1], Integer.parseInt(args[2]), Integer.parseInt(args[3]),
                    Integer.parseInt(args[4]), Integer.parseInt(args[5]),
                    Math.max(STAMP_BYTES, Integer.parseInt(args[6])), Integer.parseInt(args[7]),
                    args.length == 9 ? Double.parseDouble(args[8]) : 0);
        }

        /** Each producer's transactions per second, 0 for as fast as possible. */
        double txnsPerSecondPerProducer() {
            return rate / txnRecords / producers;
        }

        int recordsPerProducer() {
            return (warmupTxns + txns) * txnRecords;
        }

        long measuredRecords() {
            return (long) producers * txns * txnRecords;
        }
    }

    private TxnLatency() {
    }

    /**
     * What a run measured.
     *
     * @param failure    why the run failed (a transaction, missing or duplicate records), empty when it did not
     * @param received   committed records received, warm-up included
     * @param rate       counted committed records per second
     * @param latencies  send-to-received latency of every counted record
     */
    record Outcome(Optional<String> failure, long received, double rate, LatencyHistogram latencies) {
    }

    public static void main(String[] args) throws Exception {
        Load load;
        try {
            load = Load.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(1);
            return;
        }
        Outcome o = run(load);
        if (o.failure().isPresent()) {
            System.err.println(o.failure().get());
            System.exit(2);
        }
        System.out.println(E2eLatency.summary(o.rate(), o.latencies().percentiles()));
    }

    /** Runs the load against the broker; returns once every committed record arrived or the run failed. */
    static Outcome run(Load load) throws InterruptedException {
        String run = Long.toString(System.currentTimeMillis(), 36);
        List<TopicPartition> partitions = IntStream.range(0, load.partitions())
                .mapToObj(p -> new TopicPartition(load.topic(), p)).toList();
        LatencyHistogram latencies = new LatencyHistogram();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicLong firstBegin = new AtomicLong(Long.MAX_VALUE);
        AtomicLong lastCommit = new AtomicLong(Long.MIN_VALUE);
        List<Thread> producers = new ArrayList<>();
        long received = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProps(load.bootstrap()))) {
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position); // resolve now, so that no record sent below is skipped
            for (int i = 0; i < load.producers(); i++) {
                int id = i;
                producers.add(Thread.ofPlatform().daemon(true).name("txn-producer-" + i).start(() -> {
                    try {
                        produce(load, id, "bench-txn-" + run + "-" + id, firstBegin, lastCommit);
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                    }
                }));
            }
            BitSet[] seen = new BitSet[load.producers()];
            for (int i = 0; i < seen.length; i++) {
                seen[i] = new BitSet(load.recordsPerProducer());
            }
            long expected = (long) load.producers() * load.recordsPerProducer();
            long deadline = Long.MAX_VALUE;
            while (received < expected) {
                if (failure.get() != null) {
                    return failed("transaction failed: " + failure.get(), received, producers);
                }
                if (deadline == Long.MAX_VALUE && producers.stream().noneMatch(Thread::isAlive)) {
                    deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                }
                if (System.nanoTime() > deadline) {
                    return failed("only " + received + " of " + expected + " committed records arrived", received,
                            producers);
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    long now = System.nanoTime();
                    ByteBuffer v = ByteBuffer.wrap(r.value());
                    long sent = v.getLong(0);
                    int producer = v.getInt(8);
                    int n = v.getInt(12);
                    if (seen[producer].get(n)) {
                        return failed("record " + n + " of producer " + producer + " received twice", received,
                                producers);
                    }
                    seen[producer].set(n);
                    if (sent != WARMUP) {
                        latencies.recordNanos(now - sent);
                    }
                    received++;
                }
            }
        }
        for (Thread t : producers) {
            t.join();
        }
        double seconds = Math.max(1e-9, (lastCommit.get() - firstBegin.get()) / 1e9);
        return new Outcome(Optional.empty(), received, load.measuredRecords() / seconds, latencies);
    }

    private static Outcome failed(String why, long received, List<Thread> producers) {
        // The producers may be blocked on the broker: interrupted, and daemons, they do not keep the JVM alive.
        producers.forEach(Thread::interrupt);
        return new Outcome(Optional.of(why), received, 0, new LatencyHistogram());
    }

    /** One producer's transactions; the counted ones move {@code firstBegin} and {@code lastCommit}. */
    private static void produce(Load load, int id, String transactionalId, AtomicLong firstBegin,
                                AtomicLong lastCommit) throws InterruptedException {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProps(load.bootstrap(),
                transactionalId))) {
            producer.initTransactions();
            Pacing pacing = schedule(load, id);
            int n = 0;
            for (int t = 0; t < load.warmupTxns() + load.txns(); t++) {
                boolean counted = t >= load.warmupTxns();
                long due = pacing.awaitSend(t);
                long begun = System.nanoTime();
                if (counted) {
                    firstBegin.accumulateAndGet(begun, Math::min);
                }
                // A record's latency counts from the transaction's due time plus its offset into the transaction.
                long origin = pacing.latencyOrigin(due, begun);
                producer.beginTransaction();
                for (int i = 0; i < load.txnRecords(); i++) {
                    byte[] payload = new byte[load.size()];
                    stamp(payload, counted ? origin + (System.nanoTime() - begun) : WARMUP, id, n++);
                    producer.send(new ProducerRecord<>(load.topic(), i % load.partitions(), null, payload));
                }
                producer.commitTransaction();
                if (counted) {
                    long now = System.nanoTime();
                    lastCommit.accumulateAndGet(now, Math::max);
                }
            }
        }
    }

    /**
     * Producer {@code id}'s schedule: as fast as possible, or its share of the rate, the producers' due times
     * spread evenly over one interval so that they do not all begin at once.
     */
    static Pacing schedule(Load load, int id) {
        double perSecond = load.txnsPerSecondPerProducer();
        if (perSecond == 0) {
            return Pacing.of(0, NanoClock.SYSTEM);
        }
        long interval = Math.max(1, Math.round(1e9 / perSecond));
        return new Pacing.FixedRate(NanoClock.SYSTEM, System.nanoTime() + interval * id / load.producers(),
                interval);
    }

    /** Writes the send time, the producer and the record's number into the first 16 bytes. */
    static void stamp(byte[] payload, long sentNanos, int producer, int n) {
        ByteBuffer.wrap(payload).putLong(0, sentNanos).putInt(8, producer).putInt(12, n);
    }

    private static Properties producerProps(String bootstrap, String transactionalId) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return p;
    }

    private static Properties consumerProps(String bootstrap) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "500");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return p;
    }
}
