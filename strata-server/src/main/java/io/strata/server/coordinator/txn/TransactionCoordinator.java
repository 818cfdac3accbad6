package io.strata.server.coordinator.txn;

import io.strata.metadata.MetadataImage;
import io.strata.server.coordinator.CoordinatorPartitions;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The transaction coordinator of this node (KIP-98, and KIP-890's transactions version 2 for the producers that
 * use it): the transactional ids whose {@code __transaction_state} partition it leads, loaded when it gains
 * leadership and dropped when it loses it ({@link CoordinatorPartitions}).
 *
 * <p>Each request is decided by {@link TxnTransitions}, written first and applied once committed
 * ({@link TxnWrites}); a request that meets a write in flight, or the previous transaction completing, waits for
 * it (at most {@link TxnConfig#completionWaitMs}) and is then decided, CONCURRENT_TRANSACTIONS after that. EndTxn
 * answers once PrepareCommit/PrepareAbort is committed; {@link TxnMarkerWriter} then writes the markers and the
 * completion. A load completes the transactions it finds preparing. {@link TxnTimers} abort transactions older
 * than their timeout and forget idle transactional ids.
 *
 * <p>Thread-safe: each id's state is guarded by its own lock, never held while a write commits or markers travel.
 */
public final class TransactionCoordinator implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TransactionCoordinator.class);

    /** The answer to InitProducerId, and to EndTxn (v5 gives the producer id and epoch to continue with). */
    public record InitResult(Errors error, long producerId, short producerEpoch) {
        static InitResult failed(Errors error) {
            return new InitResult(error, RecordBatch.NO_PRODUCER_ID, RecordBatch.NO_PRODUCER_EPOCH);
        }
    }

    /** A transactional id as DescribeTransactions and ListTransactions show it. */
    public record Description(String transactionalId, TxnValue value) {
    }

    private final TxnConfig config;
    private final TxnStore store;
    private final LongSupplier producerIds;
    private final Time time;
    private final TxnWrites writes;
    private final TxnMarkerWriter markers;
    private final CoordinatorPartitions partitions;
    private final TxnTimers timers;
    private final Map<String, TxnMetadata> txns = new ConcurrentHashMap<>();
    private final Map<Integer, Integer> coordinatorEpochs = new ConcurrentHashMap<>();

    /**
     * @param producerIds hands out producer ids never used before (the cluster's producer id blocks)
     * @param scheduler   runs loads and the timers; owned by the caller
     */
    TransactionCoordinator(int nodeId, TxnConfig config, TxnStore store, MarkerChannel markers,
                           LongSupplier producerIds, Time time, ScheduledExecutorService scheduler) {
        this.config = config;
        this.store = store;
        this.producerIds = producerIds;
        this.time = time;
        this.writes = new TxnWrites(store);
        this.markers = new TxnMarkerWriter(markers, writes, p -> coordinatorEpochs.getOrDefault(p, -1), time,
                scheduler);
        this.partitions = new CoordinatorPartitions(nodeId, TxnConfig.TOPIC, scheduler,
                this::load, this::unload);
        this.timers = new TxnTimers(config, store, this.markers, time, txns);
        timers.schedule(scheduler);
    }

    /** The timers that abort timed-out transactions and forget idle ids (tests run them by hand). */
    TxnTimers timers() {
        return timers;
    }

    // ---------------------------------------------------------------------------------------------- ownership

    /** Follows the metadata: loads the partitions of {@code __transaction_state} this node leads, drops the rest. */
    void onMetadata(MetadataImage image) {
        partitions.onMetadata(image);
    }

    /** Loads the partitions in {@code led} not loaded yet and unloads the others. */
    void lead(Set<Integer> led) {
        partitions.lead(led);
    }

    /** Replays a partition and completes the transactions it finds preparing; false while it has no log here. */
    private boolean load(int partition) {
        Optional<Map<String, TxnValue>> loaded = store.load(partition);
        if (loaded.isEmpty()) {
            return false;
        }
        coordinatorEpochs.put(partition, store.coordinatorEpoch(partition));
        List<TxnMetadata> completing = new ArrayList<>();
        loaded.get().forEach((id, value) -> {
            if (value.state() == TxnState.PREPARE_EPOCH_FENCE) {
                // A fence written but not followed by its abort: the abort is what it was for.
                value = TxnTransitions.withState(value, TxnState.PREPARE_ABORT, time.milliseconds());
            }
            TxnMetadata m = new TxnMetadata(id, partition, value);
            txns.put(id, m);
            if (value.state().isPreparing()) {
                completing.add(m);
            }
        });
        if (!loaded.get().isEmpty()) {
            log.info("Loaded {} transactional ids of {}-{}; completing {} transactions", loaded.get().size(),
                    TxnConfig.TOPIC, partition, completing.size());
        }
        completing.forEach(m -> markers.complete(m, m.value));
        return true;
    }

    private void unload(int partition, String reason) {
        coordinatorEpochs.remove(partition);
        int count = 0;
        for (TxnMetadata m : txns.values()) {
            if (m.partition != partition) {
                continue;
            }
            m.lock.lock();
            try {
                m.removed = true;
                m.changed.signalAll();
            } finally {
                m.lock.unlock();
            }
            txns.remove(m.transactionalId, m);
            count++;
        }
        if (count > 0) {
            log.info("Unloaded {} transactional ids of {}-{}: {}", count, TxnConfig.TOPIC, partition, reason);
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
        CoordinatorPartitions.State load = partitions.state(store.partitionFor(transactionalId));
        if (load == null) {
            return Errors.NOT_COORDINATOR;
        }
        return load == CoordinatorPartitions.State.LOADING ? Errors.COORDINATOR_LOAD_IN_PROGRESS : Errors.NONE;
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
            switch (TxnTransitions.init(v, timeoutMs, time.milliseconds(), producerIds)) {
                case TxnTransitions.Transition.Answer a -> {
                    return InitResult.failed(a.error());
                }
                case TxnTransitions.Transition.Write w -> target = w.target();
            }
            m.pending = Optional.of(target);
            previousEpoch = v.producerEpoch();
        } finally {
            m.lock.unlock();
        }
        Errors written = writes.await(m, target);
        if (written != Errors.NONE) {
            return InitResult.failed(written);
        }
        if (target.state() == TxnState.PREPARE_ABORT) {
            // The previous incarnation is fenced and its transaction aborts; the producer retries and finds it
            // CompleteAbort.
            markers.complete(m, target);
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

    // ---------------------------------------------------------------------------------------------- partitions

    /**
     * AddPartitionsToTxn (and AddOffsetsToTxn, with the group's {@code __consumer_offsets} partition): adds the
     * partitions to the producer's transaction, starting it if none is open. {@code v2}: a partition leader (or
     * the group coordinator) adds the partition of a version 2 producer's first write to it.
     */
    public Errors addPartitions(String transactionalId, long producerId, short producerEpoch,
                                Set<TopicPartition> partitions, boolean v2) {
        return change("AddPartitionsToTxn", transactionalId, producerId, producerEpoch, false,
                v -> TxnTransitions.addPartitions(v, partitions, time.milliseconds(), v2)).error();
    }

    /** The older protocol's AddPartitionsToTxn. */
    public Errors addPartitions(String transactionalId, long producerId, short producerEpoch,
                                Set<TopicPartition> partitions) {
        return addPartitions(transactionalId, producerId, producerEpoch, partitions, false);
    }

    /**
     * Verification (AddPartitionsToTxn v4+ with verifyOnly, KIP-890 part 1): for each partition NONE if it is in
     * the producer's open transaction, else INVALID_TXN_STATE; or one error for all of them (the producer is
     * fenced, unknown, or a write is in flight).
     */
    public Map<TopicPartition, Errors> verify(String transactionalId, long producerId, short producerEpoch,
                                             Set<TopicPartition> partitions) {
        Map<TopicPartition, Errors> out = new HashMap<>();
        Errors error = change("AddPartitionsToTxn (verify only)", transactionalId, producerId, producerEpoch, false,
                v -> {
                    partitions.forEach(tp -> out.put(tp, TxnTransitions.verify(v, tp)));
                    return new TxnTransitions.Transition.Answer(Errors.NONE);
                }).error();
        if (error != Errors.NONE) {
            partitions.forEach(tp -> out.put(tp, error));
        }
        return out;
    }

    // ---------------------------------------------------------------------------------------------- EndTxn

    /**
     * EndTxn: writes PrepareCommit or PrepareAbort and answers once it is committed; markers and the completion
     * follow in the background. {@code v2} (EndTxn v5): the epoch is bumped and the answer carries the producer id
     * and epoch to continue with.
     */
    public InitResult endTxn(String transactionalId, long producerId, short producerEpoch, boolean commit,
                             boolean v2) {
        Changed result = change(commit ? "EndTxn(commit)" : "EndTxn(abort)", transactionalId, producerId,
                producerEpoch, v2, v -> TxnTransitions.endTxn(v,
                producerEpoch, commit, v2, time.milliseconds(), producerIds));
        if (result.error() == Errors.NONE && result.prepared().isPresent()) {
            markers.complete(result.metadata(), result.prepared().get());
        }
        return new InitResult(result.error(), result.producerId(), result.producerEpoch());
    }

    /** The older protocol's EndTxn. */
    public Errors endTxn(String transactionalId, long producerId, short producerEpoch, boolean commit) {
        return endTxn(transactionalId, producerId, producerEpoch, commit, false).error();
    }

    /** What {@link #change} did: the error, the producer id/epoch to continue with, and the state it wrote. */
    private record Changed(Errors error, long producerId, short producerEpoch, TxnMetadata metadata,
                           Optional<TxnValue> prepared) {
        static Changed failed(Errors error) {
            return new Changed(error, RecordBatch.NO_PRODUCER_ID, RecordBatch.NO_PRODUCER_EPOCH, null,
                    Optional.empty());
        }
    }

    /**
     * The path of every request of a producer ({@code request} names it in the log): this node must coordinate
     * the id, the producer id must be the id's and its epoch current (or, if {@code anyEpoch}, left to
     * {@code decide}), no write may be in flight; then {@code decide}'s transition is written and applied.
     */
    private Changed change(String request, String transactionalId, long producerId, short producerEpoch,
                           boolean anyEpoch, java.util.function.Function<TxnValue, TxnTransitions.Transition> decide) {
        Errors owner = ownership(transactionalId);
        if (owner != Errors.NONE) {
            return Changed.failed(owner);
        }
        TxnMetadata m = txns.get(transactionalId);
        if (m == null) {
            return Changed.failed(Errors.INVALID_PRODUCER_ID_MAPPING);
        }
        TxnValue target;
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(config.completionWaitMs());
        m.lock.lock();
        try {
            while (true) {
                Errors error = validateProducer(m, producerId, producerEpoch, anyEpoch);
                if (error == Errors.CONCURRENT_TRANSACTIONS && m.awaitChange(deadline)) {
                    continue; // a write was in flight: decide on its outcome
                }
                if (error != Errors.NONE) {
                    return Changed.failed(error);
                }
                TxnTransitions.Transition transition = decide.apply(m.value);
                if (transition instanceof TxnTransitions.Transition.Answer a
                        && a.error() == Errors.CONCURRENT_TRANSACTIONS && completing(m.value)
                        && m.awaitChange(deadline)) {
                    continue; // the previous transaction's markers are being written: decide once it completed
                }
                switch (transition) {
                    case TxnTransitions.Transition.Answer a -> {
                        if (a.error() != Errors.NONE) {
                            // Why a producer was refused or told to retry: the state it found.
                            log.debug("{} of {} (producer id {}, epoch {}) answered {} in state {} at epoch {}",
                                    request, transactionalId, producerId, producerEpoch, a.error(),
                                    m.value.state(), m.value.producerEpoch());
                        }
                        return a.error() != Errors.NONE ? Changed.failed(a.error())
                                : new Changed(Errors.NONE, TxnTransitions.nextProducerId(m.value),
                                        TxnTransitions.nextProducerEpoch(m.value), m, Optional.empty());
                    }
                    case TxnTransitions.Transition.Write w -> target = w.target();
                }
                break;
            }
            m.pending = Optional.of(target);
        } finally {
            m.lock.unlock();
        }
        Errors written = writes.await(m, target);
        if (written != Errors.NONE) {
            return Changed.failed(written);
        }
        return new Changed(Errors.NONE, TxnTransitions.nextProducerId(target),
                TxnTransitions.nextProducerEpoch(target), m,
                target.state().isPreparing() ? Optional.of(target) : Optional.empty());
    }

    /** Whether the id's transaction is ending on its own: its markers and completion are being written. */
    private static boolean completing(TxnValue v) {
        return v.state().isPreparing() || v.state() == TxnState.PREPARE_EPOCH_FENCE;
    }

    /** Under the id's lock: the checks every request of a producer passes. */
    private static Errors validateProducer(TxnMetadata m, long producerId, short producerEpoch, boolean anyEpoch) {
        if (m.removed) {
            return Errors.NOT_COORDINATOR;
        }
        if (m.value.producerId() != producerId) {
            return Errors.INVALID_PRODUCER_ID_MAPPING;
        }
        if (!anyEpoch && m.value.producerEpoch() != producerEpoch) {
            return Errors.PRODUCER_FENCED;
        }
        if (m.pending.isPresent()) {
            return Errors.CONCURRENT_TRANSACTIONS;
        }
        return Errors.NONE;
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
        if (partitions.anyLoading()) {
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
        markers.close();
        partitions.unloadAll();
    }
}
