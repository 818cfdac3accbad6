package io.strata.server.coordinator.txn;

import io.strata.metadata.MetadataImage;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.NotCoordinatorException;
import org.apache.kafka.common.errors.NotEnoughReplicasAfterAppendException;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The transaction coordinator of this node (KIP-98, transactions version 1): the transactional ids whose
 * {@code __transaction_state} partition it leads, loaded when it gains leadership and dropped when it loses it.
 *
 * <p>Every state change is written first and applied once committed; while a write is in flight, other requests
 * for the id get CONCURRENT_TRANSACTIONS. EndTxn answers once PrepareCommit/PrepareAbort is committed; the markers
 * are then written to every partition's leader, retried until each is written (leader changes, NOT_LEADER, a node
 * down), and CompleteCommit/CompleteAbort follows. A load completes the transactions it finds preparing. A timer
 * aborts transactions older than their timeout (fencing their producer with an epoch bump, as Kafka does) and
 * forgets transactional ids idle for {@code transactional.id.expiration.ms}.
 *
 * <p>Thread-safe: each id's state is guarded by its own lock, never held while a write commits or markers travel.
 */
public final class TransactionCoordinator implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TransactionCoordinator.class);
    private static final long MARKER_BACKOFF_MIN_MS = 20;
    private static final long MARKER_BACKOFF_MAX_MS = 1000;

    private enum Load { LOADING, LOADED }

    /** The answer to InitProducerId. */
    public record InitResult(Errors error, long producerId, short producerEpoch) {
        static InitResult failed(Errors error) {
            return new InitResult(error, RecordBatch.NO_PRODUCER_ID, RecordBatch.NO_PRODUCER_EPOCH);
        }
    }

    /** A transactional id as DescribeTransactions and ListTransactions show it. */
    public record Description(String transactionalId, TxnValue value) {
    }

    private final int nodeId;
    private final TxnConfig config;
    private final TxnStore store;
    private final MarkerChannel markers;
    private final LongSupplier producerIds;
    private final Time time;
    private final ScheduledExecutorService scheduler;
    /** Marker writes and their retries: blocking calls, one virtual thread each. */
    private final ExecutorService senders = Executors.newVirtualThreadPerTaskExecutor();
    private final Map<String, TxnMetadata> txns = new ConcurrentHashMap<>();
    private final Map<Integer, Load> owned = new ConcurrentHashMap<>();
    private final Map<Integer, Integer> coordinatorEpochs = new ConcurrentHashMap<>();
    private final ReentrantLock loadLock = new ReentrantLock();

    /**
     * @param producerIds hands out producer ids never used before (the cluster's producer id blocks)
     * @param scheduler   runs loads and the timers; owned by the caller
     */
    TransactionCoordinator(int nodeId, TxnConfig config, TxnStore store, MarkerChannel markers,
                           LongSupplier producerIds, Time time, ScheduledExecutorService scheduler) {
        this.nodeId = nodeId;
        this.config = config;
        this.store = store;
        this.markers = markers;
        this.producerIds = producerIds;
        this.time = time;
        this.scheduler = scheduler;
        scheduler.scheduleWithFixedDelay(() -> guarded("Aborting timed-out transactions", this::abortTimedOut),
                config.abortCheckIntervalMs(), config.abortCheckIntervalMs(), TimeUnit.MILLISECONDS);
        scheduler.scheduleWithFixedDelay(() -> guarded("Expiring transactional ids", this::expireIds),
                config.expiryCheckIntervalMs(), config.expiryCheckIntervalMs(), TimeUnit.MILLISECONDS);
    }

    /** Runs a periodic task, logging its failure: an exception would cancel its next runs. */
    private static void guarded(String what, Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            log.error("{} failed", what, e);
        }
    }

    // ---------------------------------------------------------------------------------------------- ownership

    /** Follows the metadata: loads the partitions of {@code __transaction_state} this node leads, drops the rest. */
    void onMetadata(MetadataImage image) {
        Set<Integer> led = new HashSet<>();
        image.topic(TxnConfig.TOPIC).ifPresent(t -> t.partitions().forEach((index, p) -> {
            if (p.leader() == nodeId) {
                led.add(index);
            }
        }));
        lead(led);
    }

    /** Loads the partitions in {@code led} not loaded yet and unloads the others. */
    void lead(Set<Integer> led) {
        for (Integer partition : led) {
            if (owned.putIfAbsent(partition, Load.LOADING) == null) {
                scheduler.execute(() -> load(partition));
            }
        }
        for (Integer partition : new ArrayList<>(owned.keySet())) {
            if (!led.contains(partition)) {
                owned.remove(partition);
                unload(partition);
            }
        }
    }

    private void load(int partition) {
        loadLock.lock();
        try {
            if (owned.get(partition) != Load.LOADING) {
                return;
            }
            Optional<Map<String, TxnValue>> loaded = store.load(partition);
            if (loaded.isEmpty()) {
                // The replica manager follows the same image and has not created the log yet.
                scheduler.schedule(() -> load(partition), 50, TimeUnit.MILLISECONDS);
                return;
            }
            coordinatorEpochs.put(partition, store.coordinatorEpoch(partition));
            List<TxnMetadata> completing = new ArrayList<>();
            loaded.get().forEach((id, value) -> {
                TxnMetadata m = new TxnMetadata(id, partition, value);
                txns.put(id, m);
                if (value.state().isPreparing() || value.state() == TxnState.PREPARE_EPOCH_FENCE) {
                    completing.add(m);
                }
            });
            owned.replace(partition, Load.LOADING, Load.LOADED);
            if (!loaded.get().isEmpty()) {
                log.info("Loaded {} transactional ids of {}-{}; completing {} transactions", loaded.get().size(),
                        TxnConfig.TOPIC, partition, completing.size());
            }
            for (TxnMetadata m : completing) {
                m.lock.lock();
                try {
                    if (m.value.state() == TxnState.PREPARE_EPOCH_FENCE) {
                        // A fence written but not followed by its abort: the abort is what it was for.
                        m.value = withState(m.value, TxnState.PREPARE_ABORT);
                    }
                } finally {
                    m.lock.unlock();
                }
                sendMarkers(m, m.value, m.value.partitions(), MARKER_BACKOFF_MIN_MS);
            }
        } catch (RuntimeException e) {
            log.error("Failed to load {}-{}; retrying", TxnConfig.TOPIC, partition, e);
            scheduler.schedule(() -> load(partition), 1, TimeUnit.SECONDS);
        } finally {
            loadLock.unlock();
        }
    }

    private void unload(int partition) {
        coordinatorEpochs.remove(partition);
        int count = 0;
        for (TxnMetadata m : txns.values()) {
            if (m.partition != partition) {
                continue;
            }
            m.lock.lock();
            try {
                m.removed = true;
            } finally {
                m.lock.unlock();
            }
            txns.remove(m.transactionalId, m);
            count++;
        }
        if (count > 0) {
            log.info("Unloaded {} transactional ids of {}-{}", count, TxnConfig.TOPIC, partition);
        }
    }

    /**
     * NONE if this node coordinates the id now; else NOT_COORDINATOR or COORDINATOR_LOAD_IN_PROGRESS, or
     * INVALID_REQUEST for a missing id.
     */
    private Errors ownership(String transactionalId) {
        if (transactionalId == null || transactionalId.isEmpty()) {
            return Errors.INVALID_REQUEST;
        }
        Load load = owned.get(store.partitionFor(transactionalId));
        if (load == null) {
            return Errors.NOT_COORDINATOR;
        }
        return load == Load.LOADING ? Errors.COORDINATOR_LOAD_IN_PROGRESS : Errors.NONE;
    }

    // ---------------------------------------------------------------------------------------------- InitProducerId

    /**
     * InitProducerId with a transactional id: a new producer id, or the next epoch of the current one, fencing
     * every older incarnation. An open transaction of the previous incarnation is aborted first (the caller gets
     * CONCURRENT_TRANSACTIONS and retries). {@code expectedProducerId}/{@code expectedEpoch} (KIP-360, -1 if
     * absent) must name the current producer.
     */
    public InitResult initProducerId(String transactionalId, int timeoutMs, long expectedProducerId,
                                     short expectedEpoch) {
        if (transactionalId.isEmpty()) {
            return InitResult.failed(Errors.INVALID_REQUEST);
        }
        if (timeoutMs <= 0 || timeoutMs > config.maxTimeoutMs()) {
            return InitResult.failed(Errors.INVALID_TRANSACTION_TIMEOUT);
        }
        Errors owner = ownership(transactionalId);
        if (owner != Errors.NONE) {
            return InitResult.failed(owner);
        }
        TxnMetadata m = txns.get(transactionalId);
        if (m == null) {
            // Allocated outside the map's lock: it may wait for a metadata write (once per block of ids).
            long producerId = producerIds.getAsLong();
            m = txns.computeIfAbsent(transactionalId, id -> new TxnMetadata(id, store.partitionFor(id),
                    new TxnValue(producerId, -1, -1, RecordBatch.NO_PRODUCER_EPOCH, timeoutMs, TxnState.EMPTY,
                            Set.of(), time.milliseconds(), -1)));
        }
        TxnValue target;
        boolean fence = false;
        short previousEpoch;
        m.lock.lock();
        try {
            if (m.removed) {
                return InitResult.failed(Errors.NOT_COORDINATOR);
            }
            if (m.pending.isPresent()) {
                return InitResult.failed(Errors.CONCURRENT_TRANSACTIONS);
            }
            TxnValue v = m.value;
            if (expectedProducerId != RecordBatch.NO_PRODUCER_ID) {
                boolean current = expectedProducerId == v.producerId() && expectedEpoch == v.producerEpoch();
                boolean retried = (expectedProducerId == v.producerId() && expectedEpoch == m.lastProducerEpoch)
                        || (expectedProducerId == v.previousProducerId() && v.producerEpoch() == 0);
                if (retried && v.state().isIdle()) {
                    return new InitResult(Errors.NONE, v.producerId(), v.producerEpoch());
                }
                if (!current && !retried) {
                    return InitResult.failed(Errors.PRODUCER_FENCED);
                }
            }
            long now = time.milliseconds();
            switch (v.state()) {
                case PREPARE_COMMIT, PREPARE_ABORT, PREPARE_EPOCH_FENCE, DEAD -> {
                    return InitResult.failed(Errors.CONCURRENT_TRANSACTIONS);
                }
                case ONGOING -> {
                    // Fence the previous incarnation with a bumped epoch and abort its transaction; the producer
                    // retries and finds it CompleteAbort.
                    target = new TxnValue(v.producerId(), v.previousProducerId(), -1, bump(v.producerEpoch()),
                            v.timeoutMs(), TxnState.PREPARE_ABORT, v.partitions(), now, v.startMs());
                    fence = true;
                }
                default -> {
                    if (v.producerEpoch() >= Short.MAX_VALUE - 1) {
                        // Epoch exhausted: a new producer id starts at epoch 0.
                        target = new TxnValue(producerIds.getAsLong(), v.producerId(), -1, (short) 0, timeoutMs,
                                TxnState.EMPTY, Set.of(), now, -1);
                    } else {
                        target = new TxnValue(v.producerId(), v.previousProducerId(), -1,
                                (short) (v.producerEpoch() + 1), timeoutMs, TxnState.EMPTY, Set.of(), now, -1);
                    }
                }
            }
            m.pending = Optional.of(target);
            previousEpoch = v.producerEpoch();
        } finally {
            m.lock.unlock();
        }
        Errors written = awaitWrite(m, target);
        if (written != Errors.NONE) {
            return InitResult.failed(written);
        }
        if (fence) {
            sendMarkers(m, target, target.partitions(), MARKER_BACKOFF_MIN_MS);
            return InitResult.failed(Errors.CONCURRENT_TRANSACTIONS);
        }
        m.lock.lock();
        try {
            m.lastProducerEpoch = previousEpoch;
        } finally {
            m.lock.unlock();
        }
        return new InitResult(Errors.NONE, target.producerId(), target.producerEpoch());
    }

    private static short bump(short epoch) {
        // An epoch at its maximum stays there: the fence then rests on the state, and the next InitProducerId
        // rotates the producer id.
        return epoch >= Short.MAX_VALUE - 1 ? epoch : (short) (epoch + 1);
    }

    // ---------------------------------------------------------------------------------------------- partitions

    /**
     * AddPartitionsToTxn (and AddOffsetsToTxn, with the group's {@code __consumer_offsets} partition): adds the
     * partitions to the producer's transaction, starting it if none is open.
     */
    public Errors addPartitions(String transactionalId, long producerId, short producerEpoch,
                                Set<TopicPartition> partitions) {
        Errors owner = ownership(transactionalId);
        if (owner != Errors.NONE) {
            return owner;
        }
        TxnMetadata m = txns.get(transactionalId);
        if (m == null) {
            return Errors.INVALID_PRODUCER_ID_MAPPING;
        }
        TxnValue target;
        m.lock.lock();
        try {
            Errors error = validateProducer(m, producerId, producerEpoch);
            if (error != Errors.NONE) {
                return error;
            }
            TxnValue v = m.value;
            if (v.state().isPreparing() || v.state() == TxnState.PREPARE_EPOCH_FENCE || v.state() == TxnState.DEAD) {
                return Errors.CONCURRENT_TRANSACTIONS;
            }
            if (v.state() == TxnState.ONGOING && v.partitions().containsAll(partitions)) {
                return Errors.NONE;
            }
            Set<TopicPartition> all = new HashSet<>(v.partitions());
            all.addAll(partitions);
            long now = time.milliseconds();
            target = new TxnValue(v.producerId(), v.previousProducerId(), -1, v.producerEpoch(), v.timeoutMs(),
                    TxnState.ONGOING, all, now, v.state() == TxnState.ONGOING ? v.startMs() : now);
            m.pending = Optional.of(target);
        } finally {
            m.lock.unlock();
        }
        return awaitWrite(m, target);
    }

    /** Under the id's lock: the checks every request of a producer passes. */
    private static Errors validateProducer(TxnMetadata m, long producerId, short producerEpoch) {
        if (m.removed) {
            return Errors.NOT_COORDINATOR;
        }
        if (m.value.producerId() != producerId) {
            return Errors.INVALID_PRODUCER_ID_MAPPING;
        }
        if (m.value.producerEpoch() != producerEpoch) {
            return Errors.PRODUCER_FENCED;
        }
        if (m.pending.isPresent()) {
            return Errors.CONCURRENT_TRANSACTIONS;
        }
        return Errors.NONE;
    }

    // ---------------------------------------------------------------------------------------------- EndTxn

    /**
     * EndTxn: writes PrepareCommit or PrepareAbort and answers once it is committed; markers and the completion
     * follow in the background. A retry after the transaction completed the same way succeeds.
     */
    public Errors endTxn(String transactionalId, long producerId, short producerEpoch, boolean commit) {
        Errors owner = ownership(transactionalId);
        if (owner != Errors.NONE) {
            return owner;
        }
        TxnMetadata m = txns.get(transactionalId);
        if (m == null) {
            return Errors.INVALID_PRODUCER_ID_MAPPING;
        }
        TxnValue target;
        m.lock.lock();
        try {
            Errors error = validateProducer(m, producerId, producerEpoch);
            if (error != Errors.NONE) {
                return error;
            }
            TxnValue v = m.value;
            switch (v.state()) {
                case ONGOING -> {
                    target = withState(v, commit ? TxnState.PREPARE_COMMIT : TxnState.PREPARE_ABORT);
                    m.pending = Optional.of(target);
                }
                case COMPLETE_COMMIT -> {
                    return commit ? Errors.NONE : Errors.INVALID_TXN_STATE;
                }
                case COMPLETE_ABORT -> {
                    return commit ? Errors.INVALID_TXN_STATE : Errors.NONE;
                }
                case PREPARE_COMMIT -> {
                    return commit ? Errors.CONCURRENT_TRANSACTIONS : Errors.INVALID_TXN_STATE;
                }
                case PREPARE_ABORT -> {
                    return commit ? Errors.INVALID_TXN_STATE : Errors.CONCURRENT_TRANSACTIONS;
                }
                case PREPARE_EPOCH_FENCE, DEAD -> {
                    return Errors.CONCURRENT_TRANSACTIONS;
                }
                default -> {
                    return Errors.INVALID_TXN_STATE;
                }
            }
        } finally {
            m.lock.unlock();
        }
        Errors written = awaitWrite(m, target);
        if (written == Errors.NONE) {
            sendMarkers(m, target, target.partitions(), MARKER_BACKOFF_MIN_MS);
        }
        return written;
    }

    private TxnValue withState(TxnValue v, TxnState state) {
        return new TxnValue(v.producerId(), v.previousProducerId(), v.nextProducerId(), v.producerEpoch(),
                v.timeoutMs(), state, v.partitions(), time.milliseconds(), v.startMs());
    }

    // ---------------------------------------------------------------------------------------------- markers

    /**
     * Writes the markers of a prepared transaction to the partitions in {@code remaining}, on a virtual thread,
     * retrying the partitions not written yet with a growing back-off; then writes the completion. Stops if the
     * id is no longer coordinated here (the new coordinator completes the transaction on its load).
     */
    private void sendMarkers(TxnMetadata m, TxnValue prepared, Set<TopicPartition> remaining, long backoffMs) {
        try {
            senders.execute(() -> {
                if (isStale(m, prepared)) {
                    return;
                }
                Set<TopicPartition> left = new HashSet<>(remaining);
                if (!left.isEmpty()) {
                    Map<TopicPartition, Errors> outcome = markers.write(new MarkerChannel.Markers(
                            prepared.producerId(), prepared.producerEpoch(),
                            prepared.state() == TxnState.PREPARE_COMMIT,
                            coordinatorEpochs.getOrDefault(m.partition, -1), left));
                    if (outcome.containsValue(Errors.TRANSACTION_COORDINATOR_FENCED)) {
                        // A newer coordinator wrote markers for this producer: the transaction is its to complete.
                        log.info("Markers of {} refused: this coordinator is fenced; leaving the transaction to the "
                                + "newer one", m.transactionalId);
                        return;
                    }
                    outcome.forEach((tp, error) -> {
                        if (error == Errors.NONE || error == Errors.UNKNOWN_TOPIC_OR_PARTITION) {
                            left.remove(tp);
                        }
                    });
                    if (!left.isEmpty()) {
                        log.debug("Markers of {} not written yet to {}: {}", m.transactionalId, left, outcome);
                        retryLater(() -> sendMarkers(m, prepared, left, Math.min(backoffMs * 2,
                                MARKER_BACKOFF_MAX_MS)), backoffMs);
                        return;
                    }
                }
                complete(m, prepared, backoffMs);
            });
        } catch (RejectedExecutionException e) {
            log.debug("The coordinator is stopping; the markers of {} are left to the next load", m.transactionalId);
        }
    }

    /** Writes CompleteCommit/CompleteAbort once every marker of {@code prepared} is written. */
    private void complete(TxnMetadata m, TxnValue prepared, long backoffMs) {
        TxnValue target;
        m.lock.lock();
        try {
            if (m.removed || !m.value.equals(prepared)) {
                return;
            }
            if (m.pending.isPresent()) {
                retryLater(() -> complete(m, prepared, backoffMs), backoffMs);
                return;
            }
            target = new TxnValue(prepared.producerId(), prepared.previousProducerId(), -1,
                    prepared.producerEpoch(), prepared.timeoutMs(), prepared.state() == TxnState.PREPARE_COMMIT
                    ? TxnState.COMPLETE_COMMIT : TxnState.COMPLETE_ABORT, Set.of(), time.milliseconds(),
                    prepared.startMs());
            m.pending = Optional.of(target);
        } finally {
            m.lock.unlock();
        }
        Errors written = awaitWrite(m, target);
        if (written != Errors.NONE && written != Errors.NOT_COORDINATOR) {
            log.info("Completing the transaction of {} failed ({}); retrying", m.transactionalId, written);
            retryLater(() -> complete(m, prepared, Math.min(backoffMs * 2, MARKER_BACKOFF_MAX_MS)), backoffMs);
        }
    }

    private static boolean isStale(TxnMetadata m, TxnValue prepared) {
        m.lock.lock();
        try {
            return m.removed || !m.value.equals(prepared);
        } finally {
            m.lock.unlock();
        }
    }

    private void retryLater(Runnable task, long delayMs) {
        try {
            scheduler.schedule(() -> {
                try {
                    senders.execute(task);
                } catch (RejectedExecutionException e) {
                    log.debug("The coordinator is stopping");
                }
            }, delayMs, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            log.debug("The coordinator is stopping");
        }
    }

    // ---------------------------------------------------------------------------------------------- writes

    /**
     * Writes {@code m.pending} (= {@code target}) and waits for its commit, without the lock; applies it on
     * success. The pending state is cleared either way.
     */
    private Errors awaitWrite(TxnMetadata m, TxnValue target) {
        CompletableFuture<Void> write = store.append(m.partition, m.transactionalId, Optional.of(target));
        Errors error = Errors.NONE;
        try {
            write.join();
        } catch (CompletionException e) {
            error = writeError(e.getCause() != null ? e.getCause() : e);
        }
        m.lock.lock();
        try {
            m.pending = Optional.empty();
            if (error == Errors.NONE) {
                if (m.removed) {
                    return Errors.NOT_COORDINATOR;
                }
                m.value = target;
            }
        } finally {
            m.lock.unlock();
        }
        return error;
    }

    /** Kafka's mapping of a failed state write to the client's error. */
    private static Errors writeError(Throwable t) {
        if (t instanceof NotCoordinatorException || t instanceof NotLeaderOrFollowerException) {
            return Errors.NOT_COORDINATOR;
        }
        if (t instanceof TimeoutException || t instanceof NotEnoughReplicasException
                || t instanceof NotEnoughReplicasAfterAppendException) {
            return Errors.COORDINATOR_NOT_AVAILABLE;
        }
        log.warn("Writing transaction state failed", t);
        return Errors.UNKNOWN_SERVER_ERROR;
    }

    // ---------------------------------------------------------------------------------------------- timers

    /**
     * Aborts transactions open longer than their timeout, bumping the epoch so that their producer is fenced (its
     * next request fails and it must initialise again), as Kafka does. Also the scheduled task.
     */
    void abortTimedOut() {
        long now = time.milliseconds();
        for (TxnMetadata m : txns.values()) {
            TxnValue target;
            m.lock.lock();
            try {
                TxnValue v = m.value;
                if (m.removed || m.pending.isPresent() || v.state() != TxnState.ONGOING
                        || now - v.startMs() <= v.timeoutMs()) {
                    continue;
                }
                target = new TxnValue(v.producerId(), v.previousProducerId(), -1, bump(v.producerEpoch()),
                        v.timeoutMs(), TxnState.PREPARE_ABORT, v.partitions(), now, v.startMs());
                m.pending = Optional.of(target);
            } finally {
                m.lock.unlock();
            }
            log.info("Aborting the transaction of {} (producer id {}): open longer than its timeout of {} ms",
                    m.transactionalId, target.producerId(), target.timeoutMs());
            try {
                senders.execute(() -> {
                    if (awaitWrite(m, target) == Errors.NONE) {
                        sendMarkers(m, target, target.partitions(), MARKER_BACKOFF_MIN_MS);
                    }
                });
            } catch (RejectedExecutionException e) {
                clearPending(m);
                return;
            }
        }
    }

    /**
     * Forgets transactional ids with no transaction open or completing whose state has not changed for
     * {@code transactional.id.expiration.ms}: a tombstone, then removal once it is committed. Also the scheduled
     * task.
     */
    void expireIds() {
        long now = time.milliseconds();
        for (TxnMetadata m : txns.values()) {
            m.lock.lock();
            try {
                TxnValue v = m.value;
                if (m.removed || m.pending.isPresent() || !v.state().isIdle()
                        || now - v.lastUpdateMs() < config.idExpirationMs()) {
                    continue;
                }
                m.pending = Optional.of(new TxnValue(v.producerId(), v.previousProducerId(), -1, v.producerEpoch(),
                        v.timeoutMs(), TxnState.DEAD, Set.of(), now, -1));
            } finally {
                m.lock.unlock();
            }
            store.append(m.partition, m.transactionalId, Optional.empty()).whenComplete((ok, error) -> {
                m.lock.lock();
                try {
                    m.pending = Optional.empty();
                    if (error == null) {
                        m.removed = true;
                        txns.remove(m.transactionalId, m);
                        log.info("Expired transactional id {}", m.transactionalId);
                    }
                } finally {
                    m.lock.unlock();
                }
            });
        }
    }

    private static void clearPending(TxnMetadata m) {
        m.lock.lock();
        try {
            m.pending = Optional.empty();
        } finally {
            m.lock.unlock();
        }
    }

    // ---------------------------------------------------------------------------------------------- admin

    /**
     * DescribeTransactions of one id: its state, or NOT_COORDINATOR, COORDINATOR_LOAD_IN_PROGRESS or
     * TRANSACTIONAL_ID_NOT_FOUND.
     */
    public Errors describe(String transactionalId, java.util.function.Consumer<Description> sink) {
        Errors owner = ownership(transactionalId);
        if (owner != Errors.NONE) {
            return owner;
        }
        TxnMetadata m = txns.get(transactionalId);
        if (m == null) {
            return Errors.TRANSACTIONAL_ID_NOT_FOUND;
        }
        m.lock.lock();
        try {
            if (m.removed || m.value.producerEpoch() == RecordBatch.NO_PRODUCER_EPOCH) {
                return Errors.TRANSACTIONAL_ID_NOT_FOUND;
            }
            sink.accept(new Description(m.transactionalId, m.value));
        } finally {
            m.lock.unlock();
        }
        return Errors.NONE;
    }

    /**
     * Every transactional id this node coordinates, each read under its lock (ListTransactions filters them);
     * COORDINATOR_LOAD_IN_PROGRESS while a partition is loading, as Kafka answers.
     */
    public Optional<Collection<Description>> list() {
        if (owned.containsValue(Load.LOADING)) {
            return Optional.empty();
        }
        List<Description> out = new ArrayList<>();
        for (TxnMetadata m : txns.values()) {
            m.lock.lock();
            try {
                if (!m.removed && m.value.producerEpoch() != RecordBatch.NO_PRODUCER_EPOCH) {
                    out.add(new Description(m.transactionalId, m.value));
                }
            } finally {
                m.lock.unlock();
            }
        }
        return Optional.of(out);
    }

    /** The clock of transaction timestamps (ListTransactions' duration filter compares with it). */
    long now() {
        return time.milliseconds();
    }

    @Override
    public void close() {
        senders.shutdownNow();
        for (Integer partition : new ArrayList<>(owned.keySet())) {
            owned.remove(partition);
            unload(partition);
        }
    }
}
