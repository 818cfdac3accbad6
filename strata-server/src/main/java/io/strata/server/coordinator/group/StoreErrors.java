package io.strata.server.coordinator.group;

import org.apache.kafka.common.protocol.Errors;

/** Kafka's translation of a failed {@code __consumer_offsets} write into the error a client gets. Stateless. */
final class StoreErrors {

    private StoreErrors() {
    }

    /** For OffsetCommit and OffsetDelete: errors the client retries, or INVALID_COMMIT_OFFSET_SIZE. */
    static Errors forOffsets(Throwable failure) {
        Errors error = Errors.forException(GroupWriter.cause(failure));
        return switch (error) {
            case NOT_LEADER_OR_FOLLOWER, NOT_COORDINATOR, KAFKA_STORAGE_ERROR -> Errors.NOT_COORDINATOR;
            case UNKNOWN_TOPIC_OR_PARTITION, REQUEST_TIMED_OUT, NOT_ENOUGH_REPLICAS, NOT_ENOUGH_REPLICAS_AFTER_APPEND ->
                    Errors.COORDINATOR_NOT_AVAILABLE;
            case RECORD_LIST_TOO_LARGE, MESSAGE_TOO_LARGE, INVALID_FETCH_SIZE -> Errors.INVALID_COMMIT_OFFSET_SIZE;
            default -> error;
        };
    }

    /** For the group's own record (the SyncGroup assignment, DeleteGroups). */
    static Errors forGroup(Throwable failure) {
        Errors error = Errors.forException(GroupWriter.cause(failure));
        return switch (error) {
            case NOT_LEADER_OR_FOLLOWER, NOT_COORDINATOR, KAFKA_STORAGE_ERROR -> Errors.NOT_COORDINATOR;
            case UNKNOWN_TOPIC_OR_PARTITION, REQUEST_TIMED_OUT, NOT_ENOUGH_REPLICAS, NOT_ENOUGH_REPLICAS_AFTER_APPEND ->
                    Errors.COORDINATOR_NOT_AVAILABLE;
            case RECORD_LIST_TOO_LARGE, MESSAGE_TOO_LARGE, INVALID_FETCH_SIZE -> Errors.UNKNOWN_SERVER_ERROR;
            default -> error;
        };
    }
}
