package io.strata.server.coordinator.txn;

import java.util.HashSet;
import java.util.Set;
import java.util.function.LongSupplier;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;

/**
 * The transaction coordinator's state machine: for a transactional id's committed state and a request, the state
 * to write or the answer to give, as Kafka's {@code TransactionMetadata} decides them. Version 1 transactions keep
 * the producer epoch from InitProducerId to InitProducerId; version 2 ones (KIP-890) bump it at every commit or
 * abort, and the markers carry the bumped epoch, so that no write of the finished transaction can land after them.
 *
 * <p>Pure functions of their arguments; stateless and thread-safe.
 */
final class TxnTransitions {

    /** What a request does to a transactional id. */
    sealed interface Transition {
        /** Write this state, then answer. */
        record Write(TxnValue target) implements Transition {
        }

        /** Answer at once with this error (NONE: nothing to change), writing nothing. */
        record Answer(Errors error) implements Transition {
        }
    }

    private static final short MAX_EPOCH = Short.MAX_VALUE;

    private TxnTransitions() {
    }

    /**
     * InitProducerId of an id in state {@code v}: the next epoch (a new producer id once the epoch is exhausted),
     * or, with a transaction open, a bumped epoch that fences the previous incarnation while its transaction aborts.
     */
    static Transition init(TxnValue v, int timeoutMs, long now, LongSupplier producerIds) {
        return switch (v.state()) {
            case PREPARE_COMMIT, PREPARE_ABORT, PREPARE_EPOCH_FENCE, DEAD ->
                    new Transition.Answer(Errors.CONCURRENT_TRANSACTIONS);
            case ONGOING -> new Transition.Write(fenceAndAbort(v, now));
            default -> v.producerEpoch() >= MAX_EPOCH - 1
                    // Epoch exhausted: a new producer id starts at epoch 0.
                    ? new Transition.Write(new TxnValue(producerIds.getAsLong(), v.producerId(), -1, (short) 0,
                            timeoutMs, TxnState.EMPTY, Set.of(), now, -1))
                    : new Transition.Write(new TxnValue(v.producerId(), v.previousProducerId(), -1,
                            (short) (v.producerEpoch() + 1), timeoutMs, TxnState.EMPTY, Set.of(), now, -1));
        };
    }

    /**
     * Adds partitions to the producer's transaction, starting one if none is open: AddPartitionsToTxn and
     * AddOffsetsToTxn, or (version 2, {@code v2}) a partition leader adding the partition of a first
     * transactional write.
     */
    static Transition addPartitions(TxnValue v, Set<TopicPartition> partitions, long now, boolean v2) {
        if (!v.state().isIdle() && v.state() != TxnState.ONGOING) {
            return new Transition.Answer(Errors.CONCURRENT_TRANSACTIONS);
        }
        if (v.state() == TxnState.ONGOING && v.partitions().containsAll(partitions)) {
            return new Transition.Answer(Errors.NONE);
        }
        Set<TopicPartition> all = new HashSet<>(v.partitions());
        all.addAll(partitions);
        boolean starting = v.state() != TxnState.ONGOING;
        short version = v2 ? 2 : starting ? 0 : v.clientTxnVersion();
        return new Transition.Write(new TxnValue(v.producerId(), v.previousProducerId(), -1, v.producerEpoch(),
                v.timeoutMs(), TxnState.ONGOING, all, now, starting ? now : v.startMs(), version));
    }

    /**
     * Verification (KIP-890 part 1): whether the partition is in the producer's open transaction. INVALID_TXN_STATE
     * if not: its leader then refuses the write, which would otherwise open a transaction no marker ever closes.
     */
    static Errors verify(TxnValue v, TopicPartition partition) {
        return v.state() == TxnState.ONGOING && v.partitions().contains(partition) ? Errors.NONE
                : Errors.INVALID_TXN_STATE;
    }

    /**
     * EndTxn of a producer at {@code requestEpoch} (the id's producer id checked by the caller). Version 1: the
     * epoch must be the current one, and a retry after the transaction completed the same way succeeds. Version 2
     * ({@code v2}): the prepared state carries the bumped epoch (and a next producer id when the bump exhausts the
     * epoch); a retry names the epoch before the bump; an abort with no transaction open still bumps the epoch.
     * While the previous transaction's markers are being written, every EndTxn waits (CONCURRENT_TRANSACTIONS), as
     * Kafka's pending completion makes it.
     *
     * <p>A version 2 commit at the current epoch with no transaction open is one whose records have not reached
     * their leaders yet: Kafka's producer (4.x) can send EndTxn before the batches of the same transaction when its
     * sender checked for incomplete batches just before the application appended them (the check and the dequeue
     * of EndTxn are not one step). Kafka's coordinator answers INVALID_TXN_STATE, fatal to the producer, and is
     * usually spared by its slower markers (the early EndTxn finds the previous transaction still completing and
     * is told to retry). Here it is answered CONCURRENT_TRANSACTIONS for as long as such a transaction could still
     * be open (its transaction timeout): the producer sends its batches meanwhile, their leaders add the
     * partitions and the retried EndTxn commits them.
     */
    static Transition endTxn(TxnValue v, short requestEpoch, boolean commit, boolean v2, long now,
                             LongSupplier producerIds) {
        if (v2 && requestEpoch != v.producerEpoch()) {
            return new Transition.Answer(isRetryOfV2End(v, requestEpoch, commit));
        }
        if (requestEpoch != v.producerEpoch()) {
            return new Transition.Answer(Errors.PRODUCER_FENCED);
        }
        TxnState prepare = commit ? TxnState.PREPARE_COMMIT : TxnState.PREPARE_ABORT;
        return switch (v.state()) {
            case ONGOING -> new Transition.Write(v2 ? prepareV2(v, prepare, v.partitions(), now, producerIds)
                    : withState(v, prepare, now));
            case EMPTY, COMPLETE_COMMIT, COMPLETE_ABORT -> {
                if (v2 && !commit) {
                    // The client may have sent records that never reached a leader: it aborts all the same, and
                    // the bump fences whatever is still on its way.
                    yield new Transition.Write(prepareV2(v, prepare, Set.of(), now, producerIds));
                }
                if (v2) {
                    yield new Transition.Answer(recordsMayBeOnTheirWay(v, now) ? Errors.CONCURRENT_TRANSACTIONS
                            : Errors.INVALID_TXN_STATE);
                }
                boolean sameOutcome = v.state() == (commit ? TxnState.COMPLETE_COMMIT : TxnState.COMPLETE_ABORT);
                yield new Transition.Answer(sameOutcome ? Errors.NONE : Errors.INVALID_TXN_STATE);
            }
            case PREPARE_COMMIT, PREPARE_ABORT, PREPARE_EPOCH_FENCE, DEAD ->
                    new Transition.Answer(Errors.CONCURRENT_TRANSACTIONS);
        };
    }

    /**
     * Whether a version 2 commit with no transaction open may be one whose records are still on their way: within
     * the producer's transaction timeout (the longest such a transaction may live) of the id's last change.
     */
    private static boolean recordsMayBeOnTheirWay(TxnValue v, long now) {
        return now - v.lastUpdateMs() <= v.timeoutMs();
    }

    private static Errors isRetryOfV2End(TxnValue v, short requestEpoch, boolean commit) {
        if (!v.isV2() || requestEpoch != v.producerEpoch() - 1) {
            return Errors.PRODUCER_FENCED;
        }
        return switch (v.state()) {
            case COMPLETE_COMMIT -> commit ? Errors.NONE : Errors.PRODUCER_FENCED;
            case COMPLETE_ABORT -> commit ? Errors.PRODUCER_FENCED : Errors.NONE;
            case PREPARE_COMMIT, PREPARE_ABORT -> Errors.CONCURRENT_TRANSACTIONS;
            default -> Errors.PRODUCER_FENCED;
        };
    }

    private static TxnValue prepareV2(TxnValue v, TxnState prepare, Set<TopicPartition> partitions, long now,
                                      LongSupplier producerIds) {
        // The markers use the bumped epoch; at the last usable epoch the producer continues under a new id.
        boolean exhausted = v.producerEpoch() >= MAX_EPOCH - 1;
        short epoch = exhausted ? MAX_EPOCH : (short) (v.producerEpoch() + 1);
        long next = exhausted ? producerIds.getAsLong() : -1;
        return new TxnValue(v.producerId(), v.previousProducerId(), next, epoch, v.timeoutMs(), prepare,
                partitions, now, v.state() == TxnState.ONGOING ? v.startMs() : now, (short) 2);
    }

    /** CompleteCommit/CompleteAbort once every marker of {@code prepared} is written; a next producer id takes over. */
    static TxnValue completion(TxnValue prepared, long now) {
        TxnState done = prepared.state() == TxnState.PREPARE_COMMIT ? TxnState.COMPLETE_COMMIT
                : TxnState.COMPLETE_ABORT;
        if (prepared.nextProducerId() != -1) {
            return new TxnValue(prepared.nextProducerId(), prepared.producerId(), -1, (short) 0,
                    prepared.timeoutMs(), done, Set.of(), now, prepared.startMs(), prepared.clientTxnVersion());
        }
        return new TxnValue(prepared.producerId(), prepared.previousProducerId(), -1, prepared.producerEpoch(),
                prepared.timeoutMs(), done, Set.of(), now, prepared.startMs(), prepared.clientTxnVersion());
    }

    /**
     * Aborts the open transaction with a bumped epoch, fencing its producer: a newer incarnation initialising, or
     * the transaction's timeout.
     */
    static TxnValue fenceAndAbort(TxnValue v, long now) {
        return new TxnValue(v.producerId(), v.previousProducerId(), -1, bump(v.producerEpoch()), v.timeoutMs(),
                TxnState.PREPARE_ABORT, v.partitions(), now, v.startMs(), v.clientTxnVersion());
    }

    /** The producer id and epoch the producer continues with once {@code v} completes (EndTxn v5's answer). */
    static long nextProducerId(TxnValue v) {
        return v.nextProducerId() != -1 ? v.nextProducerId() : v.producerId();
    }

    static short nextProducerEpoch(TxnValue v) {
        return v.nextProducerId() != -1 ? 0 : v.producerEpoch();
    }

    static TxnValue withState(TxnValue v, TxnState state, long now) {
        return new TxnValue(v.producerId(), v.previousProducerId(), v.nextProducerId(), v.producerEpoch(),
                v.timeoutMs(), state, v.partitions(), now, v.startMs(), v.clientTxnVersion());
    }

    private static short bump(short epoch) {
        // An epoch at its maximum stays there: the fence then rests on the state, and the next InitProducerId
        // rotates the producer id.
        return epoch >= MAX_EPOCH - 1 ? epoch : (short) (epoch + 1);
    }
}
