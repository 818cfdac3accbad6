package io.strata.server.rest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Reading requests and writing responses of the proxy: bounded bodies, JSON in and out, Confluent's error body
 * ({@code {"error_code":...,"message":...}}). Stateless and thread-safe.
 */
final class Exchanges {

    /** The v2 API's content type for responses without embedded data. */
    static final String V2_JSON = "application/vnd.kafka.v2+json";
    static final String JSON = "application/json";

    /** Shared: an ObjectMapper is thread-safe once configured. Nesting is bounded so no body can exhaust a stack. */
    static final ObjectMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(200).build()).build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();

    private Exchanges() {
    }

    /**
     * The request body, read whole, refused with 413 when longer than {@code maxBytes} (read no further than that,
     * so an endless body costs no memory).
     */
    static byte[] body(HttpExchange exchange, int maxBytes) throws IOException {
        String declared = exchange.getRequestHeaders().getFirst("Content-Length");
        if (declared != null && parseLong(declared) > maxBytes) {
            throw tooLarge(maxBytes);
        }
        InputStream in = exchange.getRequestBody();
        byte[] bytes = in.readNBytes(maxBytes);
        if (bytes.length == maxBytes && in.read() != -1) {
            throw tooLarge(maxBytes);
        }
        return bytes;
    }

    static RestException tooLarge(int maxBytes) {
        return new RestException(413, 413, "Request body larger than rest.max.request.bytes (" + maxBytes + ")");
    }

    private static long parseLong(String value) {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The body as JSON; an empty body is {@code Optional.empty()}; malformed JSON is 422. */
    static Optional<JsonNode> json(HttpExchange exchange, int maxBytes) throws IOException {
        byte[] bytes = body(exchange, maxBytes);
        if (bytes.length == 0) {
            return Optional.empty();
        }
        try {
            return Optional.ofNullable(MAPPER.readTree(bytes)).filter(n -> !n.isMissingNode());
        } catch (JsonProcessingException e) {
            throw RestException.unprocessable("Malformed JSON: " + e.getOriginalMessage());
        }
    }

    /** The body as a JSON object, required. */
    static JsonNode object(HttpExchange exchange, int maxBytes) throws IOException {
        JsonNode node = json(exchange, maxBytes).orElseThrow(() -> RestException.unprocessable("Request body missing"));
        if (!node.isObject()) {
            throw RestException.unprocessable("Request body must be a JSON object");
        }
        return node;
    }

    /** The query string's parameters (the last value of a repeated one). */
    static Map<String, String> query(HttpExchange exchange) {
        Map<String, String> params = new HashMap<>();
        String raw = exchange.getRequestURI().getRawQuery();
        if (raw == null || raw.isEmpty()) {
            return params;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            params.put(URLDecoder.decode(name, StandardCharsets.UTF_8), URLDecoder.decode(value,
                    StandardCharsets.UTF_8));
        }
        return params;
    }

    static void send(HttpExchange exchange, int status, String contentType, JsonNode body) throws IOException {
        byte[] bytes = MAPPER.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    static void noContent(HttpExchange exchange) throws IOException {
        exchange.sendResponseHeaders(204, -1);
    }

    /** Confluent's error body, with the v3 content type on v3 paths. */
    static void error(HttpExchange exchange, RestException e, boolean v3) throws IOException {
        ObjectNode body = MAPPER.createObjectNode();
        body.put("error_code", e.errorCode());
        body.put("message", e.getMessage());
        send(exchange, e.status(), v3 ? JSON : V2_JSON, body);
    }

    /** A non-negative int field, or 422 naming it. */
    static int intField(JsonNode node, String name) {
        JsonNode value = node.get(name);
        if (value == null || !value.canConvertToInt() || value.asInt() < 0) {
            throw RestException.unprocessable("Field " + name + " must be a non-negative integer");
        }
        return value.asInt();
    }

    static String textField(JsonNode node, String name) {
        JsonNode value = node.get(name);
        if (value == null || !value.isTextual()) {
            throw RestException.unprocessable("Field " + name + " must be a string");
        }
        return value.asText();
    }
}
