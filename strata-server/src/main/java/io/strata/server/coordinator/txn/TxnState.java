package io.strata.server.coordinator.txn;

import java.util.Optional;

/**
 * A transactional id's state, with Kafka's ids (stored in {@code __transaction_state}) and names (shown by
 * DescribeTransactions and ListTransactions, accepted as ListTransactions filters).
 */
public enum TxnState {
    EMPTY(0, "Empty"),
    ONGOING(1, "Ongoing"),
    PREPARE_COMMIT(2, "PrepareCommit"),
    PREPARE_ABORT(3, "PrepareAbort"),
    COMPLETE_COMMIT(4, "CompleteCommit"),
    COMPLETE_ABORT(5, "CompleteAbort"),
    DEAD(6, "Dead"),
    PREPARE_EPOCH_FENCE(7, "PrepareEpochFence");

    private final byte id;
    private final String kafkaName;

    TxnState(int id, String kafkaName) {
        this.id = (byte) id;
        this.kafkaName = kafkaName;
    }

    public byte id() {
        return id;
    }

    public String kafkaName() {
        return kafkaName;
    }

    public static Optional<TxnState> fromId(byte id) {
        for (TxnState s : values()) {
            if (s.id == id) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    public static Optional<TxnState> fromName(String name) {
        for (TxnState s : values()) {
            if (s.kafkaName.equals(name)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    /** No transaction is open or completing: a new one may start, the id may expire. */
    boolean isIdle() {
        return this == EMPTY || this == COMPLETE_COMMIT || this == COMPLETE_ABORT;
    }

    /** A transaction is open or completing: it has a start time and holds partitions' last stable offsets. */
    boolean isRunning() {
        return this == ONGOING || isPreparing() || this == PREPARE_EPOCH_FENCE;
    }

    /** Markers are being written. */
    boolean isPreparing() {
        return this == PREPARE_COMMIT || this == PREPARE_ABORT;
    }
}
