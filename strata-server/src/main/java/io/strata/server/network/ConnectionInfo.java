package io.strata.server.network;

import java.net.InetSocketAddress;

/** Who sent a request: the listener it arrived on and the client's address. */
public record ConnectionInfo(String connectionId, String listenerName, InetSocketAddress clientAddress) {
}
