package io.strata.server.network;

import io.strata.server.config.Endpoint;
import io.strata.server.resources.FileDescriptorGuard;
import io.strata.server.security.ListenerSecurity;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Binds the client listeners and runs an acceptor per listener, a virtual thread per connection, and a reaper that
 * closes connections idle for longer than {@code connections.max.idle.ms} or not authenticated within
 * {@code strata.connection.authentication.timeout.ms}. Each listener secures its connections as its
 * {@link ListenerSecurity} says (TLS, SASL).
 *
 * <p>An accepted connection is closed at once, as Kafka's acceptor does, when the node has {@code max.connections}
 * connections or is near its open-file limit ({@link FileDescriptorGuard}): the node keeps serving the clients it
 * has instead of running out of descriptors for its logs. Refusals are logged at most every
 * {@value #REFUSAL_LOG_INTERVAL_MS} ms, with a count, so that a connection flood does not flood the log too. A
 * failing {@code accept} (out of descriptors after all) backs off for {@value #ACCEPT_BACKOFF_MS} ms rather than
 * spinning.
 *
 * <p>Thread-safe: {@link #start} and {@link #close} may be called from any thread; close is idempotent and waits
 * for no request (connections are closed under their threads, which then end).
 */
public final class SocketServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SocketServer.class);

    static final long REFUSAL_LOG_INTERVAL_MS = 10_000;
    static final long ACCEPT_BACKOFF_MS = 100;

    /**
     * Limits of the network layer, with Kafka's names; {@code authenticationTimeoutMs} is Strata's
     * {@code strata.connection.authentication.timeout.ms}.
     */
    public record Limits(int socketRequestMaxBytes, int maxConnections, long connectionsMaxIdleMs,
                         int saslServerMaxReceiveBytes, long authenticationTimeoutMs) {

        /** Limits with Kafka's default {@code sasl.server.max.receive.size} and a 10 s authentication timeout. */
        public Limits(int socketRequestMaxBytes, int maxConnections, long connectionsMaxIdleMs) {
            this(socketRequestMaxBytes, maxConnections, connectionsMaxIdleMs, 524_288, 10_000);
        }
    }

    /** A listener once bound, with its actual port (useful when the configured port was 0). */
    public record BoundListener(String listenerName, InetSocketAddress address) {
    }

    private final RequestChannel requests;
    private final Limits limits;
    private final Function<String, ListenerSecurity> security;
    private final FileDescriptorGuard descriptors;
    private final List<ServerSocketChannel> servers = new ArrayList<>();
    private final List<BoundListener> bound = new ArrayList<>();
    private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
    private final AtomicInteger connectionCount = new AtomicInteger();
    private final ScheduledExecutorService reaper = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("connection-reaper").factory());
    private final AtomicLong refusedConnections = new AtomicLong();
    private final AtomicLong lastRefusalLogNanos = new AtomicLong(
            System.nanoTime() - TimeUnit.MILLISECONDS.toNanos(REFUSAL_LOG_INTERVAL_MS));
    private volatile boolean closed;

    /** A socket server guarded by this process's {@link FileDescriptorGuard#processWide()}. */
    public SocketServer(RequestChannel requests, Limits limits) {
        this(requests, limits, FileDescriptorGuard.processWide());
    }

    public SocketServer(RequestChannel requests, Limits limits, FileDescriptorGuard descriptors) {
        this(requests, limits, descriptors, ListenerSecurity::plaintext);
    }

    /**
     * @param security each listener's security, by listener name (resolved before binding, so that a bad key store
     *                 stops the node at start)
     */
    public SocketServer(RequestChannel requests, Limits limits, FileDescriptorGuard descriptors,
                        Function<String, ListenerSecurity> security) {
        this.requests = requests;
        this.limits = limits;
        this.descriptors = descriptors;
        this.security = security;
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
        long authNanos = TimeUnit.MILLISECONDS.toNanos(limits.authenticationTimeoutMs());
        // A quarter of the limits (at most 10 s) between checks: a connection is closed at most 25% late.
        long period = Math.max(10, Math.min(Math.min(limits.connectionsMaxIdleMs(),
                limits.authenticationTimeoutMs()) / 4, 10_000));
        reaper.scheduleWithFixedDelay(() -> {
            long now = System.nanoTime();
            connections.forEach(c -> c.closeIfIdle(now, idleNanos, authNanos));
        }, period, period, TimeUnit.MILLISECONDS);
        for (int i = 0; i < servers.size(); i++) {
            ServerSocketChannel server = servers.get(i);
            BoundListener listener = bound.get(i);
            ListenerSecurity listenerSecurity = security.apply(listener.listenerName());
            Thread.ofPlatform().daemon().name("acceptor-" + listener.listenerName())
                    .start(() -> acceptLoop(server, listenerSecurity));
            log.info("Listening for clients on {} ({}, {})", listener.address(), listener.listenerName(),
                    listenerSecurity.protocol());
        }
    }

    private void acceptLoop(ServerSocketChannel server, ListenerSecurity listenerSecurity) {
        String listenerName = listenerSecurity.listenerName();
        while (!closed) {
            SocketChannel socket;
            try {
                socket = server.accept();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                // Without a stack trace: out of descriptors, this repeats every back-off until some are freed.
                log.warn("Accept failed on {} ({}); retrying in {} ms", listenerName, e.toString(), ACCEPT_BACKOFF_MS);
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(ACCEPT_BACKOFF_MS));
                continue;
            }
            if (connectionCount.incrementAndGet() > limits.maxConnections()) {
                connectionCount.decrementAndGet();
                refuse(socket, "max.connections (" + limits.maxConnections() + ") reached");
                continue;
            }
            Optional<String> shortage = descriptors.checkConnection();
            if (shortage.isPresent()) {
                connectionCount.decrementAndGet();
                refuse(socket, "near the open-file limit (" + shortage.get() + ")");
                continue;
            }
            try {
                Connection connection = new Connection(socket, listenerSecurity, requests, limits, this::closed);
                connections.add(connection);
                Thread.ofVirtual().name("conn-" + listenerName).start(connection);
            } catch (IOException e) {
                connectionCount.decrementAndGet();
                closeQuietly(socket);
            }
        }
    }

    /** Closes a connection just accepted; counted and logged first, so that both precede what the client sees. */
    private void refuse(SocketChannel socket, String reason) {
        long refused = refusedConnections.incrementAndGet();
        long now = System.nanoTime();
        long last = lastRefusalLogNanos.get();
        if (now - last >= TimeUnit.MILLISECONDS.toNanos(REFUSAL_LOG_INTERVAL_MS)
                && lastRefusalLogNanos.compareAndSet(last, now)) {
            log.warn("Refusing new connections: {} ({} refused since start)", reason, refused);
        }
        closeQuietly(socket);
    }

    private void closed(Connection connection) {
        connections.remove(connection);
        connectionCount.decrementAndGet();
    }

    public int connectionCount() {
        return connectionCount.get();
    }

    /** Open connections per bound listener's name. Counted on each call. */
    public Map<String, Integer> connectionsByListener() {
        Map<String, Integer> counts = new HashMap<>();
        bound.forEach(b -> counts.put(b.listenerName(), 0));
        connections.forEach(c -> counts.merge(c.listenerName(), 1, Integer::sum));
        return counts;
    }

    /** Connections closed as soon as accepted, over a limit, since start. */
    public long refusedConnectionCount() {
        return refusedConnections.get();
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
