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
 * {@code /metrics}), or, for an API with path parameters, by a prefix segment ({@code /schema-registry} and
 * {@code /schema-registry/...}, never {@code /schema-registryx}); an unknown path is 404, a handler's unexpected
 * failure 500. Thread-safe.
 */
final class Router implements HttpHandler {

    private static final Logger log = LoggerFactory.getLogger(Router.class);

    private final Map<String, HttpHandler> routes = new ConcurrentHashMap<>();
    /** Handlers of a path and everything under it (an API with path parameters), by prefix. */
    private final Map<String, HttpHandler> prefixes = new ConcurrentHashMap<>();

    void add(String path, HttpHandler handler) {
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("A route's path starts with /: " + path);
        }
        if (routes.putIfAbsent(path, handler) != null) {
            throw new IllegalArgumentException("Path " + path + " is already routed");
        }
    }

    /** Routes {@code prefix} and every path under it ({@code prefix/...}) to {@code handler}. */
    void addPrefix(String prefix, HttpHandler handler) {
        if (!prefix.startsWith("/") || prefix.endsWith("/")) {
            throw new IllegalArgumentException("A prefix starts with / and does not end with it: " + prefix);
        }
        if (prefixes.putIfAbsent(prefix, handler) != null) {
            throw new IllegalArgumentException("Prefix " + prefix + " is already routed");
        }
    }

    Set<String> paths() {
        Set<String> paths = new TreeSet<>(routes.keySet());
        prefixes.keySet().forEach(p -> paths.add(p + "/*"));
        return paths;
    }

    private HttpHandler handler(String path) {
        HttpHandler exact = routes.get(path);
        if (exact != null) {
            return exact;
        }
        // The longest prefix wins, so that a feature under another's prefix gets its own requests.
        String longest = null;
        for (String prefix : prefixes.keySet()) {
            if ((path.equals(prefix) || path.startsWith(prefix + "/"))
                    && (longest == null || prefix.length() > longest.length())) {
                longest = prefix;
            }
        }
        return longest == null ? null : prefixes.get(longest);
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            HttpHandler handler = handler(exchange.getRequestURI().getPath());
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
