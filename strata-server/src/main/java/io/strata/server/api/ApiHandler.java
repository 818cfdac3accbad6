package io.strata.server.api;

import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.requests.AbstractRequest;

/**
 * Handles one Kafka API. Implementations are thread-safe: many connections call them at once. A handler may block
 * (long-poll fetch, waiting for replication) but never while holding a lock others need.
 *
 * @param <Q> the request type
 */
@FunctionalInterface
public interface ApiHandler<Q extends AbstractRequest> {

    /**
     * Returns the response body for the request's version. Exceptions are turned into the request's generic error
     * response with the matching Kafka error code.
     */
    ApiMessage handle(RequestContext context, Q request);
}
