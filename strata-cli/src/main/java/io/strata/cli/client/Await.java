package io.strata.cli.client;

import java.util.concurrent.ExecutionException;
import org.apache.kafka.common.KafkaFuture;

/** Waits for Admin futures and rethrows their failure itself, not wrapped. Stateless and thread-safe. */
public final class Await {

    private Await() {
    }

    /**
     * The future's value. The Admin client bounds every call by {@code default.api.timeout.ms}, so no timeout is
     * needed here.
     */
    public static <T> T get(KafkaFuture<T> future) {
        try {
            return future.get();
        } catch (ExecutionException e) {
            Throwable cause = Errors.unwrap(e);
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            throw new CliException(Errors.describe(cause, java.util.Optional.empty()), cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted");
        }
    }
}
