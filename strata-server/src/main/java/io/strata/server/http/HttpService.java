package io.strata.server.http;

import com.sun.net.httpserver.Authenticator;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsServer;
import io.strata.server.config.Endpoint;
import io.strata.server.security.TlsContext;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.common.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's one embedded HTTP server for everything that is not Kafka's protocol (metrics now; the console and
 * other HTTP features register their routes here too): the JDK's {@link HttpServer} on the {@code http.listeners},
 * each exchange on a virtual thread of its own, apart from the Kafka listeners' threads, so that a slow or hostile
 * HTTP client holds one virtual thread and no lock the broker needs.
 *
 * <p>Bounded: the JDK server's request-header limits apply, and unless set otherwise on the command line a request
 * must arrive within {@value #MAX_REQUEST_SECONDS} s and a response be taken within {@value #MAX_RESPONSE_SECONDS} s
 * (the JDK's {@code sun.net.httpserver.maxReqTime}/{@code maxRspTime}, JVM-wide), at most
 * {@value #MAX_CONNECTIONS} connections are open ({@code jdk.httpserver.maxConnections}; more are closed on accept),
 * and idle connections close after the JDK's 30 s. Routes refuse request bodies they do not expect; the JDK drains at most 64 KiB of an unread one.
 *
 * <p>An {@code HTTPS} listener serves TLS with the given {@link TlsContext}; {@link #authenticate} puts every
 * request of every listener behind an {@link Authenticator} (the JDK server runs it before the router, so no route
 * can forget it).
 *
 * <p>Lifecycle as the Kafka listeners': {@link #bind} first (so that a taken port stops the node before anything
 * else starts), {@link #route} and {@link #authenticate} while the node starts, {@link #start} once it serves Kafka
 * clients. Thread-safe; {@link #close} is idempotent.
 */
public final class HttpService implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(HttpService.class);

    static final int MAX_REQUEST_SECONDS = 10;
    static final int MAX_RESPONSE_SECONDS = 60;
    /** Open HTTP connections at most, JVM-wide: a connection flood must not take the descriptors the logs need. */
    static final int MAX_CONNECTIONS = 128;

    /** A listener once bound, with its actual port (useful when the configured port was 0). */
    public record BoundListener(String listenerName, InetSocketAddress address) {
    }

    private final List<HttpServer> servers;
    private final List<BoundListener> bound;
    private final Router router = new Router();
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private volatile Optional<Authenticator> authenticator = Optional.empty();
    private volatile boolean started;
    private final AtomicBoolean closed = new AtomicBoolean();

    private HttpService(List<HttpServer> servers, List<BoundListener> bound) {
        this.servers = servers;
        this.bound = bound;
    }

    /**
     * Binds every endpoint; serves nothing until {@link #start}. No endpoint: a service that binds and serves
     * nothing (the HTTP server is off).
     *
     * @param configKey the config the endpoints come from, named in errors
     * @throws ConfigException if a port is taken or an address cannot be bound; whatever was bound is released
     */
    public static HttpService bind(String configKey, List<Endpoint> endpoints) throws IOException {
        return bind(configKey, endpoints, Optional.empty());
    }

    /**
     * Binds every endpoint, {@code HTTPS} ones with {@code tls}; serves nothing until {@link #start}.
     *
     * @throws ConfigException if a port is taken, an address cannot be bound or an HTTPS endpoint has no TLS
     *         context; whatever was bound is released
     */
    public static HttpService bind(String configKey, List<Endpoint> endpoints, Optional<TlsContext> tls)
            throws IOException {
        if (!endpoints.isEmpty()) {
            defaultLimits();
        }
        List<HttpServer> servers = new ArrayList<>();
        List<BoundListener> bound = new ArrayList<>();
        try {
            for (Endpoint endpoint : endpoints) {
                InetSocketAddress address = endpoint.host().isEmpty() ? new InetSocketAddress(endpoint.port())
                        : new InetSocketAddress(endpoint.host(), endpoint.port());
                boolean https = endpoint.listenerName().equals(HttpSecurity.HTTPS);
                if (https && tls.isEmpty()) {
                    throw new ConfigException(configKey, endpoint.toString(), "an HTTPS listener needs TLS settings");
                }
                HttpServer server;
                try {
                    if (https) {
                        HttpsServer secure = HttpsServer.create(address, 64);
                        secure.setHttpsConfigurator(tls.get().httpsConfigurator());
                        server = secure;
                    } else {
                        server = HttpServer.create(address, 64);
                    }
                } catch (BindException e) {
                    throw new ConfigException(configKey, endpoint.toString(), "cannot listen on " + address + " ("
                            + e.getMessage() + "): choose a free port, or set " + configKey + "= (empty) to turn "
                            + "the HTTP server off");
                }
                servers.add(server);
                bound.add(new BoundListener(endpoint.listenerName(), server.getAddress()));
            }
        } catch (IOException | RuntimeException e) {
            servers.forEach(HttpService::releaseUnstarted);
            throw e;
        }
        return new HttpService(servers, List.copyOf(bound));
    }

    /**
     * Releases the port of a server never started. The JDK's {@code stop} only closes the listening channel for
     * good on its dispatcher thread (the channel is registered with the server's selector), which an unstarted
     * server lacks: without this, the port would stay bound until the JVM exits.
     */
    private static void releaseUnstarted(HttpServer server) {
        server.createContext("/", exchange -> exchange.sendResponseHeaders(503, -1));
        server.start();
        server.stop(0);
    }

    /** The JDK server's limits and TCP_NODELAY, unless the operator set them (read once, JVM-wide). */
    private static void defaultLimits() {
        if (System.getProperty("sun.net.httpserver.maxReqTime") == null) {
            System.setProperty("sun.net.httpserver.maxReqTime", Integer.toString(MAX_REQUEST_SECONDS));
        }
        if (System.getProperty("sun.net.httpserver.maxRspTime") == null) {
            System.setProperty("sun.net.httpserver.maxRspTime", Integer.toString(MAX_RESPONSE_SECONDS));
        }
        if (System.getProperty("jdk.httpserver.maxConnections") == null) {
            System.setProperty("jdk.httpserver.maxConnections", Integer.toString(MAX_CONNECTIONS));
        }
        // TCP_NODELAY: the JDK server writes a response's headers and body apart, and with Nagle's algorithm the
        // body's last segment waits for the client's delayed ACK of the rest (about 40 ms on Linux).
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    /**
     * Serves {@code path} (exactly; no prefix matching) with {@code handler} on every listener. Called while the
     * node starts, by each HTTP feature.
     *
     * @throws IllegalArgumentException if the path is already routed
     */
    public HttpService route(String path, HttpHandler handler) {
        router.add(path, handler);
        return this;
    }

    /**
     * Serves {@code prefix} and every path under it ({@code prefix/...}) with {@code handler}, for an API whose paths
     * carry parameters; exact routes take precedence.
     *
     * @throws IllegalArgumentException if the prefix is already routed
     */
    public HttpService routePrefix(String prefix, HttpHandler handler) {
        router.addPrefix(prefix, handler);
        return this;
    }

    /**
     * Requires every request on every listener to pass {@code authenticator} (e.g. {@link BasicAuthentication}).
     * Called while the node starts, before {@link #start}.
     */
    public HttpService authenticate(Authenticator authenticator) {
        if (started) {
            throw new IllegalStateException("authenticate before start");
        }
        this.authenticator = Optional.of(authenticator);
        return this;
    }

    /** Starts serving on every bound listener. */
    public void start() {
        started = true;
        for (int i = 0; i < servers.size(); i++) {
            HttpServer server = servers.get(i);
            var context = server.createContext("/", router);
            authenticator.ifPresent(context::setAuthenticator);
            server.setExecutor(executor);
            server.start();
            log.info("Serving HTTP on {} ({}): {}", bound.get(i).address(), bound.get(i).listenerName(),
                    router.paths());
        }
    }

    /** The bound listeners with their actual ports; empty when the HTTP server is off. */
    public List<BoundListener> listeners() {
        return bound;
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        // No grace period: a scrape in progress is cut off, as the Kafka listeners cut off their connections.
        servers.forEach(started ? s -> s.stop(0) : HttpService::releaseUnstarted);
        executor.shutdownNow();
    }
}
