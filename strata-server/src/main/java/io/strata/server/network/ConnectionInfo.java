package io.strata.server.network;

import io.strata.server.security.Principal;
import io.strata.server.security.Session;
import java.net.InetSocketAddress;

/**
 * Who sent a request: the listener it arrived on, the client's address, and the connection's authentication
 * {@link Session} (its principal).
 */
public record ConnectionInfo(String connectionId, String listenerName, InetSocketAddress clientAddress,
                             Session session) {

    /** A connection on a PLAINTEXT listener. */
    public ConnectionInfo(String connectionId, String listenerName, InetSocketAddress clientAddress) {
        this(connectionId, listenerName, clientAddress, Session.plaintext());
    }

    public Principal principal() {
        return session.principal();
    }
}
