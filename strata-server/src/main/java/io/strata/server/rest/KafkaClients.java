package io.strata.server.rest;

import io.strata.server.security.SelfClientConfig;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The proxy's Kafka clients, connected to this node's own client listener: one producer and one Admin shared by
 * every request (both thread-safe), created on first use so that a node nobody asks over HTTP pays nothing, and a
 * consumer per consumer instance. Going through the Kafka protocol gives the proxy the cluster's view (partitions
 * led by other nodes, groups coordinated elsewhere) with no second code path. Thread-safe.
 */
final class KafkaClients implements AutoCloseable {

    private final SelfClientConfig kafka;
    private final String clientId;
    private final ReentrantLock lock = new ReentrantLock();
    private KafkaProducer<byte[], byte[]> producer;
    private Admin admin;
    private boolean closed;

    KafkaClients(SelfClientConfig kafka, int nodeId) {
        this.kafka = kafka;
        this.clientId = "strata-rest-proxy-" + nodeId;
    }

    KafkaProducer<byte[], byte[]> producer() {
        lock.lock();
        try {
            ensureOpen();
            if (producer == null) {
                Properties props = kafka.properties(Map.of());
                props.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
                props.put(ProducerConfig.ACKS_CONFIG, "all");
                // Answered well within the HTTP server's 60 s response limit.
                props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "10000");
                props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "30000");
                props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "15000");
                producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
            }
            return producer;
        } finally {
            lock.unlock();
        }
    }

    Admin admin() {
        lock.lock();
        try {
            ensureOpen();
            if (admin == null) {
                admin = Admin.create(kafka.properties(Map.of(
                        AdminClientConfig.CLIENT_ID_CONFIG, clientId + "-admin",
                        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "15000",
                        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000")));
            }
            return admin;
        } finally {
            lock.unlock();
        }
    }

    /** A new consumer of {@code group} with the instance's settings on top of the proxy's. */
    KafkaConsumer<byte[], byte[]> consumer(String group, String instance, Map<String, String> settings) {
        // The instance's settings first, so that the node's connection settings win.
        Map<String, Object> client = new HashMap<>(settings);
        client.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        client.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId + "-" + instance);
        Properties props = kafka.properties(client);
        return new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private void ensureOpen() {
        if (closed) {
            throw new RestException(503, 50301, "The node is shutting down");
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            if (producer != null) {
                producer.close(Duration.ofSeconds(5));
            }
            if (admin != null) {
                admin.close(Duration.ofSeconds(5));
            }
        } finally {
            lock.unlock();
        }
    }
}
