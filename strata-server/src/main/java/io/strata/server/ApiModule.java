package io.strata.server;

import io.strata.server.api.RequestDispatcher;

/**
 * A group of Kafka APIs that registers its handlers, with their version ranges, at start-up, and releases what it
 * runs (threads, coordinator state) when the node stops. Modules are started in order and closed in reverse.
 */
public interface ApiModule extends AutoCloseable {

    /** Creates the module's services and registers its handlers; called once, before clients connect. */
    void register(RequestDispatcher dispatcher, NodeServices services) throws Exception;

    @Override
    default void close() {
    }
}
