package io.strata.server.api;

import io.strata.server.network.ConnectionInfo;
import org.apache.kafka.common.requests.RequestHeader;

/** A request's header and the connection it arrived on. */
public record RequestContext(RequestHeader header, ConnectionInfo connection) {

    public short apiVersion() {
        return header.apiVersion();
    }

    public String listenerName() {
        return connection.listenerName();
    }
}
