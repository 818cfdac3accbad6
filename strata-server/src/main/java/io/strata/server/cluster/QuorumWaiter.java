package io.strata.server.cluster;

import io.strata.metadata.MetadataPublishing;
import io.strata.metadata.MetadataQuorum;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.UnknownServerException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Waits for a metadata write with {@code metadata.request.timeout.ms}, turning failures into Kafka API exceptions
 * that handlers can answer with. Once the write is applied, it also waits until this node has published the image
 * to its partitions and coordinators, so that a client told "created" can produce to the new partitions here at
 * once; but only within the same time limit: a committed write is answered as done even when publishing it takes
 * longer (creating thousands of partitions' logs, each with its fsynced {@code partition.metadata}, can), since the
 * change is then the cluster's truth and a retry would only be told that it exists. Clients retry what is not
 * there yet, as they do against Kafka, whose controller answers once the records are committed. Thread-safe
 * (immutable).
 */
public record QuorumWaiter(long timeoutMs, Supplier<CompletableFuture<Void>> published) {

    private static final Logger log = LoggerFactory.getLogger(QuorumWaiter.class);

    /** Waits for writes to {@code quorum} and for {@code publishing} to pass the image they lead to. */
    public static QuorumWaiter of(long timeoutMs, MetadataQuorum quorum, MetadataPublishing publishing) {
        return new QuorumWaiter(timeoutMs, () -> publishing.awaitPublished(quorum.image().version()));
    }

    /** Waits for writes only: for tests of handlers over a quorum without publishers. */
    public static QuorumWaiter withoutPublishing(long timeoutMs) {
        return new QuorumWaiter(timeoutMs, () -> CompletableFuture.completedFuture(null));
    }

    /** The same wait with another time limit. */
    public QuorumWaiter withTimeout(long newTimeoutMs) {
        return new QuorumWaiter(newTimeoutMs, published);
    }

    /**
     * The wait of a request with its own time limit ({@code timeoutMs} of ElectLeaders, UpdateFeatures and the
     * like): that limit where it is positive and shorter than this one, else this one.
     */
    public QuorumWaiter forRequest(int requestTimeoutMs) {
        return requestTimeoutMs > 0 && requestTimeoutMs < timeoutMs ? withTimeout(requestTimeoutMs) : this;
    }

    public <T> T await(CompletableFuture<T> future) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        T result = get(future, deadline);
        try {
            get(published.get(), deadline);
        } catch (TimeoutException e) {
            log.info("A metadata write committed, but this node has not applied it to its partitions within {} ms;"
                    + " answering it as done", timeoutMs);
        }
        return result;
    }

    private <T> T get(CompletableFuture<T> future, long deadline) {
        try {
            return future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new TimeoutException("The metadata quorum did not answer within " + timeoutMs + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TimeoutException("Interrupted while waiting for the metadata quorum");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof ApiException api) {
                throw api;
            }
            throw new UnknownServerException("Metadata write failed: " + e.getCause(), e.getCause());
        }
    }
}
