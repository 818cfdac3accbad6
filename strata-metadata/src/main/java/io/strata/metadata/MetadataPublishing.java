package io.strata.metadata;

import io.strata.metadata.image.ImageDelta;
import io.strata.metadata.ratis.AppliedIndexWaiters;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes metadata images to the node's {@link MetadataPublisher}s on a thread of its own, off the consensus
 * thread (Kafka's {@code MetadataLoader}): the quorum hands over each new image with {@link #offer} and returns at
 * once; the publisher thread computes the {@link ImageDelta} from what each publisher last received to the newest
 * image (images that arrive while it works are coalesced) and calls the publishers in registration order.
 *
 * <p>Failure: when a publisher throws, it and the publishers after it keep their last image and the delta is
 * retried after a back-off that doubles from {@code initialBackoffMs}; after {@code maxAttempts} failed attempts
 * the fatal handler is called (the node stops loudly) and publishing ends. A delta is never skipped.
 *
 * <p>Thread-safety: {@link #register} before {@link #start}; {@link #offer}, {@link #awaitPublished} and
 * {@link #close} from any thread.
 */
public final class MetadataPublishing implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(MetadataPublishing.class);

    private final List<Slot> slots = new ArrayList<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition offered = lock.newCondition();
    private final AppliedIndexWaiters published = new AppliedIndexWaiters();
    private final int maxAttempts;
    private final long initialBackoffMs;
    private final Consumer<Throwable> fatal;
    private MetadataImage newest;
    private boolean closed;
    private Thread thread;

    /** What one publisher has been given so far. Publisher thread only. */
    private static final class Slot {
        final MetadataPublisher publisher;
        MetadataImage published;

        Slot(MetadataPublisher publisher) {
            this.publisher = publisher;
        }
    }

    /**
     * @param maxAttempts      attempts of one delta before the failure is fatal
     * @param initialBackoffMs the first wait between attempts
     * @param fatal            called once, on the publisher thread, when a delta cannot be published
     */
    public MetadataPublishing(int maxAttempts, long initialBackoffMs, Consumer<Throwable> fatal) {
        this.maxAttempts = maxAttempts;
        this.initialBackoffMs = initialBackoffMs;
        this.fatal = fatal;
    }

    /** Adds a publisher; it first receives everything in the first image as new. Before {@link #start} only. */
    public void register(MetadataPublisher publisher) {
        if (thread != null) {
            throw new IllegalStateException("Publishers are registered before start");
        }
        slots.add(new Slot(publisher));
    }

    public void start() {
        thread = Thread.ofPlatform().name("metadata-publisher").daemon().start(this::run);
    }

    /** Hands over a newer image; returns at once. Older or equal versions than the last offered are ignored. */
    public void offer(MetadataImage image) {
        lock.lock();
        try {
            if (newest == null || image.version() > newest.version()) {
                newest = image;
                offered.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Completes once every publisher has received an image of at least {@code version}. */
    public CompletableFuture<Void> awaitPublished(long version) {
        return published.await(version);
    }

    private void run() {
        MetadataImage done = null;
        try {
            while (true) {
                MetadataImage target = next(done);
                if (target == null) {
                    return;
                }
                publishWithRetries(target);
                done = target;
                published.advance(target.version());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | Error e) {
            log.error("Metadata publishing failed", e);
            published.close(e);
            fatal.accept(e);
        }
    }

    /** Waits for an image newer than {@code done}; null once closed. */
    private MetadataImage next(MetadataImage done) throws InterruptedException {
        lock.lock();
        try {
            while (!closed && (newest == null || (done != null && newest.version() <= done.version()))) {
                offered.await();
            }
            return closed ? null : newest;
        } finally {
            lock.unlock();
        }
    }

    private void publishWithRetries(MetadataImage target) throws InterruptedException {
        long backoff = initialBackoffMs;
        for (int attempt = 1; ; attempt++) {
            // Retries pick up images that arrived meanwhile, so a retried delta is merged with newer changes.
            MetadataImage image = attempt == 1 ? target : latest(target);
            Exception failure = publishOnce(image);
            if (failure == null) {
                return;
            }
            if (attempt >= maxAttempts) {
                throw new IllegalStateException("Metadata version " + image.version() + " could not be applied after "
                        + attempt + " attempts", failure);
            }
            log.warn("Applying metadata version {} failed (attempt {} of {}); retrying in {} ms", image.version(),
                    attempt, maxAttempts, backoff, failure);
            lock.lock();
            try {
                if (!closed) {
                    offered.awaitNanos(backoff * 1_000_000L);
                }
                if (closed) {
                    throw new InterruptedException("closed");
                }
            } finally {
                lock.unlock();
            }
            backoff = Math.min(backoff * 2, 10_000);
        }
    }

    private MetadataImage latest(MetadataImage fallback) {
        lock.lock();
        try {
            return newest != null && newest.version() > fallback.version() ? newest : fallback;
        } finally {
            lock.unlock();
        }
    }

    /** Publishes to every slot behind {@code image}, in order; stops at the first failure and returns it. */
    private Exception publishOnce(MetadataImage image) {
        for (Slot slot : slots) {
            MetadataImage from = slot.published;
            if (from == image) {
                continue;
            }
            ImageDelta delta = from == null ? ImageDelta.full(image) : ImageDelta.between(from, image);
            try {
                slot.publisher.publish(delta);
                slot.published = image;
            } catch (Exception e) {
                return new Exception(slot.publisher.name() + " failed at metadata version " + image.version(), e);
            }
        }
        return null;
    }

    /** Stops the publisher thread; pending {@link #awaitPublished} futures fail. */
    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            offered.signalAll();
        } finally {
            lock.unlock();
        }
        if (thread != null) {
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        published.close(new IllegalStateException("Metadata publishing closed"));
    }
}
