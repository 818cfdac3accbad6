package io.strata.server.rest;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's v2 consumer instances by group and id: at most {@code rest.consumer.max.instances} of them (each holds
 * a Kafka consumer, its buffers and a group membership, so a client must not create them without bound), and those
 * unused for {@code rest.consumer.instance.timeout.ms} are closed, as Confluent's proxy does. Thread-safe.
 */
final class ConsumerInstances implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ConsumerInstances.class);

    /** A group and an instance id. */
    record Key(String group, String id) {
    }

    private final Map<Key, ConsumerInstance> instances = new ConcurrentHashMap<>();
    /** Serialises creation so that the count check and the insert are one step. */
    private final ReentrantLock createLock = new ReentrantLock();
    private final int maxInstances;
    private final Duration timeout;
    private final ScheduledExecutorService expiry;

    ConsumerInstances(int maxInstances, Duration timeout) {
        this.maxInstances = maxInstances;
        this.timeout = timeout;
        this.expiry = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon()
                .name("strata-rest-consumer-expiry").factory());
        long period = Math.max(100, Math.min(timeout.toMillis() / 4, 5_000));
        expiry.scheduleWithFixedDelay(this::expire, period, period, TimeUnit.MILLISECONDS);
    }

    /**
     * Adds the instance {@code create} makes; 409 (40902) if the group already has that id, 429 (42901) when the
     * node has its maximum of instances. {@code create} runs only when the instance may be added.
     */
    ConsumerInstance add(String group, String id, Supplier<ConsumerInstance> create) {
        Key key = new Key(group, id);
        createLock.lock();
        try {
            if (instances.containsKey(key)) {
                throw new RestException(409, 40902, "Consumer instance with the specified name already exists.");
            }
            if (instances.size() >= maxInstances) {
                throw new RestException(429, 42901, "This node already has rest.consumer.max.instances ("
                        + maxInstances + ") consumer instances; delete unused ones or wait for them to expire");
            }
            ConsumerInstance instance = create.get();
            instances.put(key, instance);
            return instance;
        } finally {
            createLock.unlock();
        }
    }

    /** The instance; 40403 when this node has none by that name (it may live on the node that created it). */
    ConsumerInstance get(String group, String id) {
        return Optional.ofNullable(instances.get(new Key(group, id))).orElseThrow(RestException::instanceNotFound);
    }

    /** Removes and closes the instance; 40403 when there is none. */
    void remove(String group, String id) {
        ConsumerInstance instance = instances.remove(new Key(group, id));
        if (instance == null) {
            throw RestException.instanceNotFound();
        }
        instance.close();
    }

    int size() {
        return instances.size();
    }

    /** Closes the instances idle for the timeout. Runs on the expiry thread. */
    void expire() {
        long now = System.nanoTime();
        for (Map.Entry<Key, ConsumerInstance> entry : List.copyOf(instances.entrySet())) {
            if (entry.getValue().idleFor(timeout, now) && instances.remove(entry.getKey(), entry.getValue())) {
                log.info("Closing HTTP proxy consumer instance {} of group {}: unused for {} ms", entry.getKey().id(),
                        entry.getKey().group(), timeout.toMillis());
                try {
                    entry.getValue().close();
                } catch (RuntimeException e) {
                    log.warn("Closing expired consumer instance {} failed", entry.getKey(), e);
                }
            }
        }
    }

    @Override
    public void close() {
        expiry.shutdownNow();
        for (Key key : List.copyOf(instances.keySet())) {
            ConsumerInstance instance = instances.remove(key);
            if (instance != null) {
                instance.close();
            }
        }
    }
}
