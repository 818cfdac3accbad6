package io.strata.server.coordinator.txn;

import org.apache.kafka.common.protocol.Errors;

/** Errors as older request versions know them. Stateless. */
final class TxnErrors {

    private TxnErrors() {
    }

    /**
     * PRODUCER_FENCED exists for clients from the version that introduced it (KIP-588); older ones get
     * INVALID_PRODUCER_EPOCH, which they treat as fatal the same way.
     */
    static Errors forVersion(Errors error, short version, int fencedSince) {
        return error == Errors.PRODUCER_FENCED && version < fencedSince ? Errors.INVALID_PRODUCER_EPOCH : error;
    }
}
