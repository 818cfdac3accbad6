package io.strata.server.rest;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.KafkaConsumer;

/**
 * One v2 consumer instance: a real {@link KafkaConsumer} in its group, the embedded format its records are returned
 * in, and when it was last used. Thread-safe: the consumer, which is not, is only used under the instance's lock, so
 * that concurrent requests to one instance run one after another as Confluent's do.
 */
final class ConsumerInstance {

    private final EmbeddedFormat format;
    private final Duration requestTimeout;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final ReentrantLock lock = new ReentrantLock();
    private volatile long lastUsedNanos = System.nanoTime();
    private boolean closed;

    ConsumerInstance(EmbeddedFormat format, Duration requestTimeout, KafkaConsumer<byte[], byte[]> consumer) {
        this.format = format;
        this.requestTimeout = requestTimeout;
        this.consumer = consumer;
    }

    EmbeddedFormat format() {
        return format;
    }

    /** GET records' wait when the request names no {@code timeout}. */
    Duration requestTimeout() {
        return requestTimeout;
    }

    /**
     * Runs {@code action} on the consumer, alone; 40403 once the instance is closed (deleted or expired meanwhile).
     */
    <T> T use(Function<KafkaConsumer<byte[], byte[]>, T> action) {
        lock.lock();
        try {
            if (closed) {
                throw RestException.instanceNotFound();
            }
            lastUsedNanos = System.nanoTime();
            try {
                return action.apply(consumer);
            } finally {
                lastUsedNanos = System.nanoTime();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Whether the instance has been unused for {@code timeout} and no request is using it now. */
    boolean idleFor(Duration timeout, long nowNanos) {
        return !lock.isLocked() && nowNanos - lastUsedNanos >= timeout.toNanos();
    }

    /** Leaves the group and closes the consumer, once the request using it (if any) is done. Idempotent. */
    void close() {
        try {
            if (!lock.tryLock(30, TimeUnit.SECONDS)) {
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        try {
            if (!closed) {
                closed = true;
                consumer.close(Duration.ofSeconds(5));
            }
        } finally {
            lock.unlock();
        }
    }
}
