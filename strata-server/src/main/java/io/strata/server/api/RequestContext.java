package io.strata.server.api;

import io.strata.server.network.ConnectionInfo;
import io.strata.server.security.Principal;
import org.apache.kafka.common.requests.RequestHeader;

/** A request's header and the connection it arrived on, with its authenticated principal. */
public record RequestContext(RequestHeader header, ConnectionInfo connection) {

    public short apiVersion() {
        return header.apiVersion();
    }

    public String listenerName() {
        return connection.listenerName();
    }

    /** Who sent the request: the seam for authorisation (ANONYMOUS on PLAINTEXT listeners). */
    public Principal principal() {
        return connection.principal();
    }
}
