package io.strata.server.metrics;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Kafka's {@code kafka.server:type=BrokerTopicMetrics} per topic: bytes and messages in (produce), bytes out to
 * consumers and to follower replicas (fetch). Exposed as the Prometheus JMX exporter's Kafka rules name them, e.g.
 * {@code kafka_server_brokertopicmetrics_bytesin_total{topic="orders"}}.
 *
 * <p>Thread-safe and cheap on the produce and fetch paths: one map lookup and a {@link LongAdder} add per topic and
 * request, no lock; the counters are read only when {@code /metrics} is scraped.
 */
public final class BrokerTopicMetrics {

    /** One topic's counters. */
    private record Counters(LongAdder bytesIn, LongAdder messagesIn, LongAdder bytesOut,
                            LongAdder replicationBytesOut) {
        Counters() {
            this(new LongAdder(), new LongAdder(), new LongAdder(), new LongAdder());
        }
    }

    private final ConcurrentMap<String, Counters> topics = new ConcurrentHashMap<>();
    private volatile Predicate<String> exists = topic -> true;
    private final boolean recording;

    /** Counters that record every produce and fetch. */
    public BrokerTopicMetrics() {
        this(true);
    }

    /**
     * @param recording false for a node that exposes no metrics (no HTTP listener, hence no console either): the
     *                  produce and fetch paths then record nothing
     */
    public BrokerTopicMetrics(boolean recording) {
        this.recording = recording;
    }

    /** Records an append of {@code messages} records in {@code bytes} bytes (record batches as sent) to a topic. */
    public void recordProduce(String topic, long bytes, long messages) {
        if (!recording) {
            return;
        }
        Counters c = counters(topic);
        c.bytesIn.add(bytes);
        c.messagesIn.add(messages);
    }

    /** Records {@code bytes} of record batches fetched from a topic, by a consumer or by a follower replica. */
    public void recordFetch(String topic, long bytes, boolean byReplica) {
        if (recording && bytes > 0) {
            Counters c = counters(topic);
            (byReplica ? c.replicationBytesOut : c.bytesOut).add(bytes);
        }
    }

    /**
     * Which topics exist: at each scrape the counters of the others (deleted topics) are dropped, so that their
     * series stop, as Kafka removes a deleted topic's metrics.
     */
    void retainExisting(Predicate<String> exists) {
        this.exists = exists;
    }

    /** Every topic's counters summed: what the node has taken in and served to consumers so far. */
    public record Totals(long bytesIn, long messagesIn, long bytesOut) {
    }

    /** The sums of the live topics' counters now; they drop when a topic is deleted (its counters go). */
    public Totals totals() {
        long bytesIn = 0;
        long messagesIn = 0;
        long bytesOut = 0;
        for (Counters c : topics.values()) {
            bytesIn += c.bytesIn.sum();
            messagesIn += c.messagesIn.sum();
            bytesOut += c.bytesOut.sum();
        }
        return new Totals(bytesIn, messagesIn, bytesOut);
    }

    private Counters counters(String topic) {
        Counters c = topics.get(topic);
        return c != null ? c : topics.computeIfAbsent(topic, t -> new Counters());
    }

    /** Registers the counter families, read at scrape time. */
    void register(PrometheusRegistry registry) {
        family(registry, "bytesin", "Bytes of record batches produced to the topic (BytesInPerSec).", Counters::bytesIn);
        family(registry, "messagesin", "Records produced to the topic (MessagesInPerSec).", Counters::messagesIn);
        family(registry, "bytesout", "Bytes of record batches fetched by consumers (BytesOutPerSec).",
                Counters::bytesOut);
        family(registry, "replicationbytesout", "Bytes fetched by follower replicas (ReplicationBytesOutPerSec).",
                Counters::replicationBytesOut);
    }

    private void family(PrometheusRegistry registry, String name, String help,
                        Function<Counters, LongAdder> counter) {
        CounterWithCallback.builder().name("kafka_server_brokertopicmetrics_" + name).help(help).labelNames("topic")
                .callback(cb -> {
                    Predicate<String> live = exists;
                    topics.keySet().removeIf(live.negate());
                    topics.forEach((topic, c) -> cb.call(counter.apply(c).sum(), topic));
                })
                .register(registry);
    }
}
