package io.strata.server.console;

import io.strata.server.security.SelfClientConfig;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The Kafka clients the console works through, connected to the node's own client listener: one {@link Admin}
 * (created on first use, shared: it is thread-safe) and a pool of at most {@value #CONSUMERS} consumers for the
 * message browser (a consumer is not thread-safe, so each is lent to one request at a time). Going through the Kafka
 * API keeps the console's changes and reads exactly as validated, authorised and bounded as any client's.
 *
 * <p>Thread-safe. {@link #close} closes every client; a consumer returned after that is closed at once.
 */
final class ConsoleClients implements AutoCloseable {

    static final int CONSUMERS = 2;
    /** How long a console request waits for the cluster: far below the HTTP server's response limit. */
    static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final SelfClientConfig kafka;
    private final ReentrantLock lock = new ReentrantLock();
    private final Semaphore lendable = new Semaphore(CONSUMERS);
    private final BlockingQueue<KafkaConsumer<byte[], byte[]>> idle = new ArrayBlockingQueue<>(CONSUMERS);
    private Admin admin;
    private volatile boolean closed;

    ConsoleClients(SelfClientConfig kafka) {
        this.kafka = kafka;
    }

    /** The shared Admin client. */
    Admin admin() {
        lock.lock();
        try {
            if (closed) {
                throw new IllegalStateException("the console is closed");
            }
            if (admin == null) {
                admin = Admin.create(kafka.properties(Map.of(
                        AdminClientConfig.CLIENT_ID_CONFIG, "strata-console",
                        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis(),
                        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis())));
            }
            return admin;
        } finally {
            lock.unlock();
        }
    }

    /** A consumer lent to the caller, who must {@link #giveBack} it; 503 when all are lent out. */
    KafkaConsumer<byte[], byte[]> borrowConsumer() {
        if (!lendable.tryAcquire()) {
            throw new ConsoleExchange.Refusal(503, "the message browser is busy; try again");
        }
        KafkaConsumer<byte[], byte[]> consumer = idle.poll();
        if (consumer != null) {
            return consumer;
        }
        try {
            return new KafkaConsumer<>(kafka.properties(Map.of(
                    ConsumerConfig.CLIENT_ID_CONFIG, "strata-console-browser",
                    ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                    ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none",
                    // Bounded reads: a browser page never needs more than one fetch's worth.
                    ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 1024 * 1024,
                    ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 1024 * 1024,
                    // No long poll: the browser reads what is there, and a fetch left waiting at the end of a
                    // partition would hold up the next request's fetch from the same broker.
                    ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 0,
                    ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis(),
                    ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis())),
                    new ByteArrayDeserializer(), new ByteArrayDeserializer());
        } catch (RuntimeException e) {
            lendable.release();
            throw e;
        }
    }

    /** Returns a borrowed consumer; {@code broken} (it failed) closes it instead of keeping it for the next. */
    void giveBack(KafkaConsumer<byte[], byte[]> consumer, boolean broken) {
        try {
            if (!broken && !closed) {
                consumer.unsubscribe();
            }
            if (broken || closed || !idle.offer(consumer)) {
                consumer.close(Duration.ZERO);
            }
        } finally {
            lendable.release();
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            if (admin != null) {
                admin.close(Duration.ZERO);
            }
        } finally {
            lock.unlock();
        }
        KafkaConsumer<byte[], byte[]> consumer;
        while ((consumer = idle.poll()) != null) {
            consumer.close(Duration.ZERO);
        }
    }
}
