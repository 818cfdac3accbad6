package io.strata.server.console;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.KafkaFuture;

/** Waits for Admin results within the console's bound, unwrapping the Kafka exception that failed them. */
final class KafkaCalls {

    private KafkaCalls() {
    }

    /**
     * The future's value, waited for at most {@link ConsoleClients#TIMEOUT}.
     *
     * @throws RuntimeException the Kafka exception (an {@code ApiException} carrying Kafka's error) that failed it
     */
    static <T> T await(KafkaFuture<T> future) {
        try {
            return future.get(ConsoleClients.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException cause ? cause : new IllegalStateException(e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new org.apache.kafka.common.errors.TimeoutException("the cluster did not answer within "
                    + ConsoleClients.TIMEOUT.toSeconds() + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new org.apache.kafka.common.errors.InterruptException(e);
        }
    }
}
