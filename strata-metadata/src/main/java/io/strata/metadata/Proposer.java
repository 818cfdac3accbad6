package io.strata.metadata;

import io.strata.metadata.controller.Decision;
import io.strata.metadata.ratis.ApplyResult;
import io.strata.metadata.ratis.MetadataStateMachine;
import io.strata.metadata.records.RecordSerde;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.NotControllerException;
import org.apache.kafka.common.errors.PolicyViolationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.UnknownServerException;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes controller decisions to the metadata log. This node's proposals are chained (asynchronously, no thread
 * waits) so that each one decides on an image including the previous one: they never conflict with each other, only
 * with other nodes' proposals. If the state machine rejected a batch (its preconditions no longer held because
 * another node's change committed first), the request is decided again on the newer image, up to
 * {@value #MAX_ATTEMPTS} times.
 *
 * <p>Thread-safe.
 */
final class Proposer {

    private static final Logger log = LoggerFactory.getLogger(Proposer.class);
    static final int MAX_ATTEMPTS = 10;

    private final MetadataStateMachine stateMachine;
    private final Supplier<RaftClient> client;
    private final Duration requestTimeout;
    private final int maxEntryBytes;
    private final ReentrantLock decideLock = new ReentrantLock();
    /**
     * Runs write continuations off the Ratis apply thread. The virtual-thread executor keeps no idle threads and is
     * never shut down, so that late callbacks can still fail their futures instead of being rejected.
     */
    private final ExecutorService executor =
            Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("strata-metadata-", 0).factory());
    /** Completes when the latest local proposal has finished; guarded by {@link #decideLock}. */
    private CompletableFuture<Void> tail = CompletableFuture.completedFuture(null);

    /**
     * @param client        the started Raft client; throws {@code NotControllerException} when there is none
     * @param maxEntryBytes the largest entry the metadata log takes
     */
    Proposer(MetadataStateMachine stateMachine, Supplier<RaftClient> client, Duration requestTimeout,
             int maxEntryBytes) {
        this.stateMachine = stateMachine;
        this.client = client;
        this.requestTimeout = requestTimeout;
        this.maxEntryBytes = maxEntryBytes;
    }

    /**
     * Decides with {@code decider} on the current image and writes the records, deciding again on a newer image
     * after a conflict.
     *
     * @return completes with the decision's result once its records are applied locally (at once if there are
     *         none), or fails with a Kafka {@link ApiException}: {@link TimeoutException} after the request timeout
     *         (the entry may still commit later), {@code NotControllerException} when the quorum is unavailable
     */
    <T> CompletableFuture<T> submit(String operation, Function<MetadataImage, Decision<T>> decider) {
        CompletableFuture<T> result = new CompletableFuture<>();
        long timeoutMs = requestTimeout.toMillis();
        CompletableFuture.delayedExecutor(timeoutMs, TimeUnit.MILLISECONDS).execute(() -> result.completeExceptionally(
                new TimeoutException(operation + " did not complete within " + timeoutMs + " ms")));
        // Local proposals run one after the other (without blocking a thread), each deciding on an image that
        // includes the previous one: they never conflict with each other, only with other nodes' proposals.
        CompletableFuture<Void> previous;
        CompletableFuture<Void> done = new CompletableFuture<>();
        decideLock.lock();
        try {
            previous = tail;
            tail = done;
        } finally {
            decideLock.unlock();
        }
        result.whenComplete((v, e) -> done.complete(null));
        previous.whenCompleteAsync((v, e) -> attempt(operation, decider, 1, result), executor);
        return result;
    }

    private <T> void attempt(String operation, Function<MetadataImage, Decision<T>> decider, int attempt,
                             CompletableFuture<T> result) {
        if (result.isDone()) {
            return;
        }
        Decision<T> decision;
        CompletableFuture<RaftClientReply> reply;
        decideLock.lock();
        try {
            RaftClient c = client.get();
            decision = decider.apply(stateMachine.image());
            if (decision.records().isEmpty()) {
                result.complete(decision.result());
                return;
            }
            byte[] batch = RecordSerde.encodeBatch(decision.records());
            if (batch.length > maxEntryBytes) {
                // Ratis would fail its log writer on an entry larger than its write buffer: refuse it here.
                throw new PolicyViolationException(operation + " needs a metadata entry of " + batch.length
                        + " bytes, more than the largest the metadata log takes (" + maxEntryBytes
                        + "); split the request.");
            }
            reply = c.async().send(Message.valueOf(ByteString.copyFrom(batch)));
        } catch (RuntimeException e) {
            result.completeExceptionally(translate(e));
            return;
        } finally {
            decideLock.unlock();
        }
        reply.thenCompose(r -> {
            if (!r.isSuccess()) {
                throw new CompletionException(r.getException());
            }
            ApplyResult applied = ApplyResult.parse(r.getMessage().getContent());
            return stateMachine.awaitApplied(r.getLogIndex()).thenApply(v -> applied);
        }).whenCompleteAsync((applied, error) -> {
            if (error != null) {
                result.completeExceptionally(translate(error));
            } else if (applied.applied()) {
                result.complete(decision.result());
            } else if (attempt < MAX_ATTEMPTS) {
                log.debug("{} conflicted ({}); deciding again (attempt {})", operation, applied.reason(),
                        attempt + 1);
                attempt(operation, decider, attempt + 1, result);
            } else {
                result.completeExceptionally(new UnknownServerException(operation + " kept conflicting with "
                        + "concurrent metadata changes: " + applied.reason()));
            }
        }, executor);
    }

    private static Throwable translate(Throwable error) {
        Throwable cause = error;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof ApiException) {
            return cause;
        }
        if (cause instanceof IOException) {
            return new NotControllerException("Metadata quorum unavailable: " + cause);
        }
        return new UnknownServerException(cause.toString(), cause);
    }
}
