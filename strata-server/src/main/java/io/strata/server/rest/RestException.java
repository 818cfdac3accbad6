package io.strata.server.rest;

import org.apache.kafka.common.errors.RetriableException;

/**
 * A request the proxy refuses, with Confluent REST Proxy's HTTP status and {@code error_code} (the status times 100
 * plus a sub-code, or the bare status for generic errors). Immutable.
 */
final class RestException extends RuntimeException {

    private final int status;
    private final int errorCode;

    RestException(int status, int errorCode, String message) {
        super(message, null, false, false);
        this.status = status;
        this.errorCode = errorCode;
    }

    int status() {
        return status;
    }

    int errorCode() {
        return errorCode;
    }

    static RestException topicNotFound(String topic) {
        return new RestException(404, 40401, "Topic " + topic + " not found.");
    }

    static RestException partitionNotFound(String topic, int partition) {
        return new RestException(404, 40402, "Partition " + partition + " of topic " + topic + " not found.");
    }

    static RestException instanceNotFound() {
        return new RestException(404, 40403, "Consumer instance not found.");
    }

    static RestException notFound() {
        return new RestException(404, 404, "HTTP 404 Not Found");
    }

    static RestException methodNotAllowed() {
        return new RestException(405, 405, "HTTP 405 Method Not Allowed");
    }

    /** A body that is not the JSON the endpoint takes (Confluent's 422 for an unreadable entity). */
    static RestException unprocessable(String message) {
        return new RestException(422, 422, message);
    }

    static RestException badRequest(String message) {
        return new RestException(400, 400, message);
    }

    /** A Kafka failure: 50003 when retrying may succeed, else 50002 (Confluent's codes). */
    static RestException kafka(Throwable cause) {
        return cause instanceof RetriableException
                ? new RestException(500, 50003, "Retriable Kafka error: " + cause.getMessage())
                : new RestException(500, 50002, "Kafka error: " + cause.getMessage());
    }
}
