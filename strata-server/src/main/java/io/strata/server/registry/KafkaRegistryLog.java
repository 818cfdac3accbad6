package io.strata.server.registry;

import io.strata.metadata.BrokerRegistration;
import io.strata.metadata.MetadataImage;
import io.strata.metadata.PartitionImage;
import io.strata.metadata.TopicImage;
import io.strata.server.security.SelfClientConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry's records in a compacted single-partition topic ({@code _schemas} by default), read and written with
 * the Kafka clients through this node's own listener, so that every node serves the same registry and it survives
 * restarts. A reader thread applies every record in offset order to the node's {@link RegistryState}; writes wait
 * until the reader has applied them.
 *
 * <p>One writer: the leader of the topic's partition 0 (the metadata image says which node that is), or, when that
 * leader serves no registry (it has no HTTP server and published an empty URL), the lowest-numbered unfenced node that
 * does. Other nodes forward writes to it, at the URL it publishes in the topic ({@link RegistryRecord.Node}), so that
 * ids and versions are decided in one place, after catching up with the log; a new writer catches up before its first
 * decision.
 *
 * <p>Thread-safe. The topic is created on the first write, with {@code cleanup.policy=compact}, one partition and a
 * replication factor of up to 3 (as many as there are brokers).
 */
final class KafkaRegistryLog implements RegistryLog, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(KafkaRegistryLog.class);
    private static final Duration POLL = Duration.ofMillis(200);

    private final String topic;
    private final TopicPartition partition;
    private final int nodeId;
    /** Where this node serves the registry; empty on a node that only reads it (no HTTP server). */
    private final Optional<String> url;
    private final Supplier<MetadataImage> image;
    private final RegistryState state;
    private final long timeoutMs;
    private final Properties common;
    private final ReentrantLock clientsLock = new ReentrantLock();
    /** Created on first need: a node whose registry is never used opens no connection to itself. */
    private Clients clients;
    private final Thread reader;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition applied = lock.newCondition();
    /** The next offset the reader will apply; guarded by {@link #lock}. */
    private long position;
    /** Whether the reader has applied what the topic held at start; guarded by {@link #lock}. */
    private boolean loaded;
    private volatile boolean published;
    private volatile boolean closed;

    /**
     * @param kafka     how the log's Kafka clients reach the cluster
     * @param url       where this node serves the registry, published for forwarding; empty when it does not
     */
    KafkaRegistryLog(String topic, SelfClientConfig kafka, int nodeId, Optional<String> url, Supplier<MetadataImage> image,
                     RegistryState state, Duration timeout) {
        this.topic = topic;
        this.partition = new TopicPartition(topic, 0);
        this.nodeId = nodeId;
        this.url = url;
        this.image = image;
        this.state = state;
        this.timeoutMs = timeout.toMillis();
        this.common = kafka.properties(Map.of(AdminClientConfig.CLIENT_ID_CONFIG,
                "strata-schema-registry-" + nodeId));
        this.reader = Thread.ofPlatform().name("strata-schema-registry-reader").daemon().unstarted(this::read);
    }

    /** The Kafka clients the log reads and writes with. */
    private record Clients(Admin admin, KafkaProducer<byte[], byte[]> producer,
                           KafkaConsumer<byte[], byte[]> consumer) {

        void close() {
            consumer.close(Duration.ZERO);
            producer.close(Duration.ZERO);
            admin.close(Duration.ZERO);
        }
    }

    private Clients clients() {
        clientsLock.lock();
        try {
            if (closed) {
                throw RegistryException.storeError("the node is shutting down");
            }
            if (clients == null) {
                Properties producerProps = new Properties();
                producerProps.putAll(common);
                producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
                producerProps.put(ProducerConfig.LINGER_MS_CONFIG, 0);
                producerProps.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, timeoutMs);
                producerProps.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) Math.max(timeoutMs, 1000));
                producerProps.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.max(timeoutMs, 1000));
                Properties consumerProps = new Properties();
                consumerProps.putAll(common);
                consumerProps.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
                consumerProps.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
                // The broker would otherwise create the topic, uncompacted, on the reader's first metadata request.
                consumerProps.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
                clients = new Clients(Admin.create(common),
                        new KafkaProducer<>(producerProps, new ByteArraySerializer(), new ByteArraySerializer()),
                        new KafkaConsumer<>(consumerProps, new ByteArrayDeserializer(), new ByteArrayDeserializer()));
            }
            return clients;
        } finally {
            clientsLock.unlock();
        }
    }

    void start() {
        reader.start();
    }

    /**
     * The reader: waits for the topic, then applies its records in order for as long as the node runs. A failure
     * (the node's own listener refusing for a moment, say) is logged and reading resumes where it stopped.
     */
    private void read() {
        try {
            while (!closed && !topicExists()) {
                markLoaded();
                pause();
            }
            if (closed) {
                return;
            }
            KafkaConsumer<byte[], byte[]> consumer = clients().consumer();
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long loadedAt = consumer.endOffsets(List.of(partition), Duration.ofMillis(timeoutMs)).get(partition);
            while (!closed) {
                try {
                    poll(consumer, loadedAt);
                } catch (WakeupException | InterruptException e) {
                    throw e;
                } catch (KafkaException e) {
                    log.warn("Reading {} failed; resuming at offset {}: {}", topic, position, e.toString());
                    pause();
                    consumer.seek(partition, position);
                }
            }
        } catch (WakeupException | InterruptException | RegistryException e) {
            // closing
        } catch (RuntimeException e) {
            if (!closed) {
                log.error("The schema registry stopped reading {}", topic, e);
            }
        }
    }

    /** Applies one poll's records and wakes the requests waiting for them. */
    private void poll(KafkaConsumer<byte[], byte[]> consumer, long loadedAt) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
            try {
                RegistryRecord.decode(record.key(), record.value()).ifPresent(state::apply);
            } catch (IllegalArgumentException e) {
                log.warn("Skipping record {} of {}: {}", record.offset(), topic, e.getMessage());
            }
        }
        long next = consumer.position(partition);
        lock.lock();
        try {
            position = next;
            if (next >= loadedAt) {
                loaded = true;
            }
            applied.signalAll();
        } finally {
            lock.unlock();
        }
        publishUrl();
    }

    /**
     * Publishes where this node serves the registry, once the state is loaded and lacks it (asynchronously); an
     * empty URL for a node that serves nothing, so that others know not to wait for its URL when it leads the topic.
     */
    private void publishUrl() {
        String mine = url.orElse("");
        if (published || !isLoaded() || state.read(v -> v.nodeUrl(nodeId)).equals(Optional.of(mine))) {
            return;
        }
        published = true;
        byte[][] kv = new RegistryRecord.Node(nodeId, mine).encode();
        clients().producer().send(new ProducerRecord<>(topic, 0, kv[0], kv[1]), (metadata, error) -> {
            if (error != null) {
                log.warn("Could not publish the schema registry URL of node {}: {}", nodeId, error.toString());
                published = false;
            }
        });
    }

    /** Whether the reader has applied what the topic held at start (or found no topic); never waits. */
    boolean isLoaded() {
        lock.lock();
        try {
            return loaded;
        } finally {
            lock.unlock();
        }
    }

    private void markLoaded() {
        lock.lock();
        try {
            loaded = true;
            applied.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void pause() {
        lock.lock();
        try {
            // Woken early by close; the topic's creation shows in the image within this interval.
            applied.await(POLL.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closed = true;
        } finally {
            lock.unlock();
        }
    }

    private boolean topicExists() {
        return image.get().topic(topic).isPresent();
    }

    /** The leader of partition 0, if the topic exists and has one. */
    private Optional<Integer> leader() {
        return image.get().topic(topic).map(TopicImage::partitions).map(p -> p.get(0))
                .map(PartitionImage::leader).filter(l -> l >= 0);
    }

    @Override
    public void awaitLoaded() {
        await(() -> loaded, "loading " + topic);
    }

    @Override
    public void catchUp() {
        awaitLoaded();
        if (!topicExists()) {
            return;
        }
        long end;
        try {
            end = clients().admin().listOffsets(Map.of(partition, OffsetSpec.latest())).partitionResult(partition)
                    .get(timeoutMs, TimeUnit.MILLISECONDS).offset();
        } catch (ExecutionException e) {
            throw RegistryException.storeError("cannot read the end of " + topic + ": " + e.getCause());
        } catch (TimeoutException e) {
            throw RegistryException.timeout("reading the end of " + topic);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw RegistryException.timeout("interrupted");
        }
        await(() -> position >= end, "catching up with " + topic);
    }

    @Override
    public void write(List<RegistryRecord> records) {
        if (records.isEmpty()) {
            return;
        }
        ensureTopic();
        RecordMetadata last = null;
        try {
            List<Future<RecordMetadata>> sent = new ArrayList<>();
            for (RegistryRecord record : records) {
                byte[][] kv = record.encode();
                sent.add(clients().producer().send(new ProducerRecord<>(topic, 0, kv[0], kv[1])));
            }
            for (Future<RecordMetadata> f : sent) {
                last = f.get(timeoutMs, TimeUnit.MILLISECONDS);
            }
        } catch (ExecutionException e) {
            throw RegistryException.storeError("cannot write to " + topic + ": " + e.getCause());
        } catch (TimeoutException e) {
            throw RegistryException.timeout("writing to " + topic);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw RegistryException.timeout("interrupted");
        }
        long next = last.offset() + 1;
        await(() -> position >= next, "applying a write to " + topic);
    }

    @Override
    public Optional<String> forwardTo() {
        ensureTopic();
        int writer = awaitValue(this::writer, "the schema registry writer");
        if (writer == nodeId) {
            return Optional.empty();
        }
        return Optional.of(awaitValue(() -> state.read(v -> v.nodeUrl(writer)).filter(u -> !u.isEmpty()),
                "the schema registry URL of node " + writer));
    }

    /**
     * The node that decides ids: the leader of partition 0 once it has published a URL; if it published none (a node
     * without an HTTP server only reads the registry), the lowest-numbered unfenced node that serves the registry.
     * Empty while that is not known yet.
     */
    private Optional<Integer> writer() {
        return leader().flatMap(leader -> state.read(v -> {
            Optional<String> published = leader == nodeId ? Optional.of(url.orElse("")) : v.nodeUrl(leader);
            if (published.isEmpty() || !published.get().isEmpty()) {
                return published.map(u -> leader);
            }
            Map<Integer, BrokerRegistration> brokers = image.get().brokers();
            return v.nodeUrls().entrySet().stream().filter(e -> !e.getValue().isEmpty()).map(Map.Entry::getKey)
                    .filter(n -> brokers.containsKey(n) && !brokers.get(n).fenced()).min(Integer::compare);
        }));
    }

    /** Creates the topic unless it exists, and waits until its partition has a leader. */
    private void ensureTopic() {
        if (!topicExists()) {
            int brokers = Math.max(1, Math.min(3, image.get().brokers().size()));
            try {
                clients().admin().createTopics(List.of(new NewTopic(topic, 1, (short) brokers)
                        .configs(Map.of("cleanup.policy", "compact")))).all().get(timeoutMs, TimeUnit.MILLISECONDS);
                log.info("Created the schema registry topic {} with replication factor {}", topic, brokers);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw RegistryException.storeError("cannot create " + topic + ": " + e.getCause());
                }
            } catch (TimeoutException e) {
                throw RegistryException.timeout("creating " + topic);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw RegistryException.timeout("interrupted");
            }
        }
        awaitValue(() -> leader().filter(l -> topicExists()), "a leader of " + partition);
    }

    private <T> T awaitValue(Supplier<Optional<T>> value, String what) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (true) {
            Optional<T> v = value.get();
            if (v.isPresent()) {
                return v.get();
            }
            if (System.nanoTime() > deadline) {
                throw RegistryException.timeout("waiting for " + what);
            }
            lock.lock();
            try {
                applied.await(50, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw RegistryException.timeout("interrupted");
            } finally {
                lock.unlock();
            }
        }
    }

    /** Waits, under {@link #lock}, until {@code condition} holds. */
    private void await(BooleanSupplier condition, String what) {
        long remaining = TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        lock.lock();
        try {
            while (!condition.getAsBoolean()) {
                if (remaining <= 0 || closed) {
                    throw RegistryException.timeout(what);
                }
                remaining = applied.awaitNanos(remaining);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw RegistryException.timeout("interrupted");
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        closed = true;
        clientsLock.lock();
        try {
            if (clients != null) {
                clients.consumer().wakeup();
            }
        } finally {
            clientsLock.unlock();
        }
        lock.lock();
        try {
            applied.signalAll();
        } finally {
            lock.unlock();
        }
        try {
            reader.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        clientsLock.lock();
        try {
            if (clients != null) {
                clients.close();
            }
        } finally {
            clientsLock.unlock();
        }
    }
}
