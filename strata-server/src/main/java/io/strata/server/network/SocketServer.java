package io.strata.server.network;

import io.strata.server.config.Endpoint;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Binds the client listeners and runs an acceptor per listener, a virtual thread per connection, and a reaper that
 * closes connections idle for longer than {@code connections.max.idle.ms}.
 *
 * <p>Thread-safe: {@link #start} and {@link #close} may be called from any thread; close is idempotent and waits
 * for no request (connections are closed under their threads, which then end).
 */
public final class SocketServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SocketServer.class);

    /** Limits of the network layer, with Kafka's names. */
    public record Limits(int socketRequestMaxBytes, int maxConnections, long connectionsMaxIdleMs) {
    }

    /** A listener once bound, with its actual port (useful when the configured port was 0). */
    public record BoundListener(String listenerName, InetSocketAddress address) {
    }

    private final RequestChannel requests;
    private final Limits limits;
    private final List<ServerSocketChannel> servers = new ArrayList<>();
    private final List<BoundListener> bound = new ArrayList<>();
    private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
    private final AtomicInteger connectionCount = new AtomicInteger();
    private final ScheduledExecutorService reaper = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("connection-reaper").factory());
    private volatile boolean closed;

    public SocketServer(RequestChannel requests, Limits limits) {
        this.requests = requests;
        this.limits = limits;
    }

    /**
     * Binds every endpoint and returns them with their actual ports. Connections queue in the backlog until
     * {@link #startAccepting()}, so that the node can publish its addresses before serving.
     */
    public List<BoundListener> bind(List<Endpoint> endpoints) throws IOException {
        for (Endpoint endpoint : endpoints) {
            ServerSocketChannel server = ServerSocketChannel.open();
            servers.add(server);
            server.socket().setReuseAddress(true);
            InetSocketAddress address = endpoint.host().isEmpty() ? new InetSocketAddress(endpoint.port())
                    : new InetSocketAddress(endpoint.host(), endpoint.port());
            server.bind(address, 512);
            InetSocketAddress actual = (InetSocketAddress) server.getLocalAddress();
            bound.add(new BoundListener(endpoint.listenerName(), actual));
        }
        return List.copyOf(bound);
    }

    /** Starts an acceptor thread per bound listener, and the idle-connection reaper. */
    public void startAccepting() {
        long idleNanos = TimeUnit.MILLISECONDS.toNanos(limits.connectionsMaxIdleMs());
        // A quarter of the limit (at most 10 s) between checks: a connection is closed at most 25% late.
        long period = Math.max(10, Math.min(limits.connectionsMaxIdleMs() / 4, 10_000));
        reaper.scheduleWithFixedDelay(() -> {
            long now = System.nanoTime();
            connections.forEach(c -> c.closeIfIdle(now, idleNanos));
        }, period, period, TimeUnit.MILLISECONDS);
        for (int i = 0; i < servers.size(); i++) {
            ServerSocketChannel server = servers.get(i);
            BoundListener listener = bound.get(i);
            Thread.ofPlatform().daemon().name("acceptor-" + listener.listenerName())
                    .start(() -> acceptLoop(server, listener.listenerName()));
            log.info("Listening for clients on {} ({})", listener.address(), listener.listenerName());
        }
    }

    private void acceptLoop(ServerSocketChannel server, String listenerName) {
        while (!closed) {
            SocketChannel socket;
            try {
                socket = server.accept();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                log.warn("Accept failed on {}", listenerName, e);
                continue;
            }
            if (connectionCount.incrementAndGet() > limits.maxConnections()) {
                connectionCount.decrementAndGet();
                log.warn("Refusing connection: max.connections ({}) reached", limits.maxConnections());
                closeQuietly(socket);
                continue;
            }
            try {
                Connection connection = new Connection(socket, listenerName, requests,
                        limits.socketRequestMaxBytes(), this::closed);
                connections.add(connection);
                Thread.ofVirtual().name("conn-" + listenerName).start(connection);
            } catch (IOException e) {
                connectionCount.decrementAndGet();
                closeQuietly(socket);
            }
        }
    }

    private void closed(Connection connection) {
        connections.remove(connection);
        connectionCount.decrementAndGet();
    }

    public int connectionCount() {
        return connectionCount.get();
    }

    @Override
    public void close() {
        closed = true;
        reaper.shutdownNow();
        for (ServerSocketChannel server : servers) {
            closeQuietly(server);
        }
        for (Connection connection : connections) {
            connection.close();
        }
    }

    private static void closeQuietly(java.io.Closeable c) {
        try {
            c.close();
        } catch (IOException e) {
            log.debug("Error closing {}", c, e);
        }
    }
}
