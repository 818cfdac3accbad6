package io.strata.server.console;

import com.sun.net.httpserver.HttpExchange;
import io.strata.server.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One console HTTP exchange: its query or form parameters and the answer, always with the headers that keep hostile
 * data inert in a browser ({@code nosniff}, a script policy of {@code 'self'} only, no framing). Parameters come from
 * the query string, and for POST from an {@code application/x-www-form-urlencoded} body of at most
 * {@value #MAX_BODY} bytes.
 *
 * <p>Not thread-safe: used by the one virtual thread that serves the exchange.
 */
final class ConsoleExchange {

    static final int MAX_BODY = 64 * 1024;

    /** The console's pages load their script and style from the node only and never run inline code. */
    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; img-src 'self' data:; object-src 'none'; "
            + "frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

    /** A request the console refuses, with the HTTP status and a message shown to the user. */
    static final class Refusal extends RuntimeException {
        final int status;

        Refusal(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }
    }

    private final HttpExchange exchange;
    private final Map<String, String> params;
    private final Set<String> inQuery;

    private ConsoleExchange(HttpExchange exchange, Map<String, String> params, Set<String> inQuery) {
        this.exchange = exchange;
        this.params = params;
        this.inQuery = inQuery;
    }

    /** Reads the exchange's parameters; a POST's form body is read here (bounded). */
    static ConsoleExchange of(HttpExchange exchange) throws IOException {
        Map<String, String> params = new HashMap<>();
        parse(exchange.getRequestURI().getRawQuery(), params);
        Set<String> inQuery = Set.copyOf(params.keySet());
        if (exchange.getRequestMethod().equals("POST")) {
            parse(body(exchange.getRequestBody()), params);
        }
        return new ConsoleExchange(exchange, params, inQuery);
    }

    private static String body(InputStream in) throws IOException {
        byte[] bytes = in.readNBytes(MAX_BODY + 1);
        if (bytes.length > MAX_BODY) {
            throw new Refusal(413, "request body larger than " + MAX_BODY + " bytes");
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** Parses {@code a=1&b=2} (URL-encoded) into {@code into}; the first value of a repeated name wins. */
    static void parse(String encoded, Map<String, String> into) {
        if (encoded == null || encoded.isEmpty()) {
            return;
        }
        for (String pair : encoded.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            try {
                String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                into.putIfAbsent(name, value);
            } catch (IllegalArgumentException e) {
                throw new Refusal(400, "malformed parameter encoding: " + e.getMessage());
            }
        }
    }

    Optional<String> param(String name) {
        return Optional.ofNullable(params.get(name)).filter(v -> !v.isEmpty());
    }

    /** A parameter that must be present; 400 otherwise. */
    String required(String name) {
        return param(name).orElseThrow(() -> new Refusal(400, "missing parameter " + name));
    }

    /**
     * A secret (a password) that must come in a POST's body, never in the URL, where logs, proxies and the
     * browser's history would keep it; 400 otherwise. Its value never appears in an answer or a message.
     */
    String secret(String name) {
        if (inQuery.contains(name)) {
            throw new Refusal(400, "parameter " + name + " is accepted in the request body only");
        }
        return required(name);
    }

    /** An integer parameter within {@code [min, max]}, {@code otherwise} when absent; 400 when out of range. */
    int intParam(String name, int min, int max, int otherwise) {
        Optional<String> value = param(name);
        if (value.isEmpty()) {
            return otherwise;
        }
        long parsed = longValue(name, value.get());
        if (parsed < min || parsed > max) {
            throw new Refusal(400, "parameter " + name + " must be between " + min + " and " + max);
        }
        return (int) parsed;
    }

    Optional<Long> longParam(String name) {
        return param(name).map(v -> longValue(name, v));
    }

    boolean flag(String name) {
        return param(name).map(v -> v.equals("true") || v.equals("on") || v.equals("1")).orElse(false);
    }

    private static long longValue(String name, String value) {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new Refusal(400, "parameter " + name + " is not a number: " + value);
        }
    }

    /** Answers with {@code body} as JSON. */
    void json(int status, Object body) throws IOException {
        send(exchange, status, "application/json; charset=utf-8",
                Json.write(body).getBytes(StandardCharsets.UTF_8));
    }

    /** Answers {@code exchange} with an error as JSON: {@code {"error": message}}, plus {@code extra} fields. */
    static void error(HttpExchange exchange, int status, String message, Map<String, Object> extra)
            throws IOException {
        Map<String, Object> body = new java.util.LinkedHashMap<>();
        body.put("error", message);
        body.putAll(extra);
        send(exchange, status, "application/json; charset=utf-8",
                Json.write(body).getBytes(StandardCharsets.UTF_8));
    }

    /** Answers {@code exchange} with {@code body} and the console's safety headers. */
    static void send(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
        var headers = exchange.getResponseHeaders();
        headers.set("Content-Type", contentType);
        headers.set("X-Content-Type-Options", "nosniff");
        headers.set("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        headers.set("X-Frame-Options", "DENY");
        headers.set("Referrer-Policy", "no-referrer");
        headers.set("Cache-Control", "no-store");
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(status, head ? -1 : body.length == 0 ? -1 : body.length);
        if (!head && body.length > 0) {
            exchange.getResponseBody().write(body);
        }
    }
}
