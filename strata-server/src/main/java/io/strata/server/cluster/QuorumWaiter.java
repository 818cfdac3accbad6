package io.strata.server.cluster;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.UnknownServerException;

/**
 * Waits for a metadata write with {@code metadata.request.timeout.ms}, turning failures into Kafka API exceptions
 * that handlers can answer with. Thread-safe (immutable).
 */
public record QuorumWaiter(long timeoutMs) {

    public <T> T await(CompletableFuture<T> future) {
        try {
            return future.get(timeoutMs, TimeUnit.MILLISECONDS);
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
