package io.strata.server.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes an exchange by its exact path (the JDK's contexts match by prefix, so that {@code /metricsx} would reach
 * {@code /metrics}); an unknown path is 404, a handler's unexpected failure 500. Thread-safe.
 */
final class Router implements HttpHandler {

    private static final Logger log = LoggerFactory.getLogger(Router.class);

    private final Map<String, HttpHandler> routes = new ConcurrentHashMap<>();

    void add(String path, HttpHandler handler) {
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("A route's path starts with /: " + path);
        }
        if (routes.putIfAbsent(path, handler) != null) {
            throw new IllegalArgumentException("Path " + path + " is already routed");
        }
    }

    Set<String> paths() {
        return new TreeSet<>(routes.keySet());
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            HttpHandler handler = routes.get(exchange.getRequestURI().getPath());
            if (handler == null) {
                respond(exchange, 404, "Not found: " + exchange.getRequestURI().getPath() + "\n");
                return;
            }
            try {
                handler.handle(exchange);
            } catch (IOException e) {
                log.debug("HTTP exchange {} {} failed: {}", exchange.getRequestMethod(), exchange.getRequestURI(),
                        e.toString());
            } catch (RuntimeException e) {
                log.warn("HTTP handler of {} failed", exchange.getRequestURI().getPath(), e);
                if (exchange.getResponseCode() == -1) {
                    respond(exchange, 500, "Internal error\n");
                }
            }
        }
    }

    /** A short plain-text response. */
    static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
        if (!head) {
            exchange.getResponseBody().write(bytes);
        }
    }
}
