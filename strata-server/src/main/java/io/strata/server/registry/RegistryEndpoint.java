package io.strata.server.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.strata.server.registry.RegistryState.Entry;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Confluent Schema Registry's REST API over a {@link SchemaRegistry}, served under a path prefix of the node's HTTP
 * server: the paths, JSON shapes, content type ({@code application/vnd.schemaregistry.v1+json}) and error bodies
 * ({@code {"error_code":40401,"message":...}}) of Confluent's API. Writes received by a node that is not the
 * registry's writer are forwarded to the writer, and its answer relayed once this node has read the write too.
 * Thread-safe.
 */
final class RegistryEndpoint implements HttpHandler {

    private static final Logger log = LoggerFactory.getLogger(RegistryEndpoint.class);
    static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    /** Marks a forwarded request, which the receiver decides itself (no forwarding loops while leadership moves). */
    static final String FORWARDED = "X-Strata-Registry-Forwarded";
    /** Largest request body read: a schema with its envelope. */
    private static final int MAX_BODY_BYTES = 16 * 1024 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String prefix;
    private final SchemaRegistry registry;
    private final HttpClient http;
    private final Duration timeout;

    RegistryEndpoint(String prefix, SchemaRegistry registry, Duration timeout) {
        this.prefix = prefix;
        this.registry = registry;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    /** A request as routed: its method, decoded path segments after the prefix, query and body. */
    private record Call(String method, List<String> path, Map<String, String> query, byte[] body) {

        boolean flag(String name) {
            return Boolean.parseBoolean(query.getOrDefault(name, "false"));
        }

        JsonNode json() {
            if (body.length == 0) {
                throw RegistryException.unprocessable("A JSON request body is required");
            }
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new RegistryException(400, "Unrecognized request body: " + e.getMessage());
            }
        }
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        String rawPath = exchange.getRequestURI().getRawPath().substring(prefix.length());
        Call call;
        try {
            call = new Call(exchange.getRequestMethod(), segments(rawPath), query(exchange.getRequestURI()
                    .getRawQuery()), readBody(exchange.getRequestBody()));
        } catch (RegistryException e) {
            error(exchange, e.httpStatus(), e.errorCode(), e.getMessage());
            return;
        }
        try {
            if (isWrite(call) && exchange.getRequestHeaders().getFirst(FORWARDED) == null) {
                Optional<String> writer = registry.forwardTo();
                if (writer.isPresent()) {
                    forward(exchange, writer.get(), rawPath, call);
                    return;
                }
            }
            Object result = dispatch(call);
            if (result == null) {
                error(exchange, 404, 404, "HTTP 404 Not Found");
            } else if (result == METHOD_NOT_ALLOWED) {
                error(exchange, 405, 405, "HTTP 405 Method Not Allowed");
            } else {
                respond(exchange, 200, result instanceof String raw ? raw : JSON.writeValueAsString(result));
            }
        } catch (RegistryException e) {
            error(exchange, e.httpStatus(), e.errorCode(), e.getMessage());
        } catch (RuntimeException e) {
            // A bug, answered in the API's shape (clients parse error bodies as JSON) rather than the router's text.
            log.warn("Schema registry request {} {} failed", call.method(), rawPath, e);
            error(exchange, 500, 500, "Internal Server Error: " + e);
        }
    }

    private static final Object METHOD_NOT_ALLOWED = new Object();

    /** Registrations, deletes and config/mode changes: decided by the one writer. */
    private static boolean isWrite(Call call) {
        String first = call.path().isEmpty() ? "" : call.path().getFirst();
        return switch (call.method()) {
            case "PUT", "DELETE" -> true;
            case "POST" -> first.equals("subjects") && call.path().size() == 3;
            default -> false;
        };
    }

    /** The result (a JSON-able value, or a String sent raw), null for an unknown path. */
    private Object dispatch(Call c) {
        List<String> p = c.path();
        String m = c.method();
        if (p.isEmpty()) {
            return m.equals("GET") ? Map.of() : METHOD_NOT_ALLOWED;
        }
        return switch (p.getFirst()) {
            case "subjects" -> subjects(c, p, m);
            case "schemas" -> schemas(c, p, m);
            case "compatibility" -> compatibility(c, p, m);
            case "config" -> config(c, p, m);
            case "mode" -> mode(c, p, m);
            default -> null;
        };
    }

    private Object subjects(Call c, List<String> p, String m) {
        switch (p.size()) {
            case 1 -> {
                return m.equals("GET") ? registry.subjects(c.query().getOrDefault("subjectPrefix", ""),
                        c.flag("deleted")) : METHOD_NOT_ALLOWED;
            }
            case 2 -> {
                String subject = p.get(1);
                return switch (m) {
                    case "POST" -> version(registry.lookup(subject, request(c), c.flag("normalize"),
                            c.flag("deleted")));
                    case "DELETE" -> registry.deleteSubject(subject, c.flag("permanent"));
                    default -> METHOD_NOT_ALLOWED;
                };
            }
            default -> {
                if (!p.get(2).equals("versions") || p.size() > 5) {
                    return null;
                }
                String subject = p.get(1);
                if (p.size() == 3) {
                    return switch (m) {
                        case "GET" -> registry.versions(subject, c.flag("deleted"));
                        case "POST" -> Map.of("id", registry.register(subject, request(c), c.flag("normalize")));
                        default -> METHOD_NOT_ALLOWED;
                    };
                }
                String version = p.get(3);
                if (p.size() == 4) {
                    return switch (m) {
                        case "GET" -> version(registry.version(subject, version, c.flag("deleted")));
                        case "DELETE" -> registry.deleteVersion(subject, version, c.flag("permanent"));
                        default -> METHOD_NOT_ALLOWED;
                    };
                }
                if (!m.equals("GET")) {
                    return METHOD_NOT_ALLOWED;
                }
                return switch (p.get(4)) {
                    case "schema" -> registry.version(subject, version, c.flag("deleted")).content().schema();
                    case "referencedby" -> registry.referencedBy(subject, version);
                    default -> null;
                };
            }
        }
    }

    private Object schemas(Call c, List<String> p, String m) {
        if (p.size() == 1) {
            return m.equals("GET") ? registry.schemas(c.query().getOrDefault("subjectPrefix", ""),
                    c.flag("deleted"), c.flag("latestOnly")).stream().map(RegistryEndpoint::version).toList()
                    : METHOD_NOT_ALLOWED;
        }
        if (p.size() == 2 && p.get(1).equals("types")) {
            return m.equals("GET") ? List.of("JSON", "PROTOBUF", "AVRO") : METHOD_NOT_ALLOWED;
        }
        if (p.size() < 3 || p.size() > 4 || !p.get(1).equals("ids")) {
            return null;
        }
        if (!m.equals("GET")) {
            return METHOD_NOT_ALLOWED;
        }
        int id;
        try {
            id = Integer.parseInt(p.get(2));
        } catch (NumberFormatException e) {
            throw RegistryException.schemaNotFound(p.get(2));
        }
        if (p.size() == 3) {
            SchemaContent content = registry.schema(id);
            ObjectNode body = JSON.createObjectNode();
            if (content.type() != SchemaType.AVRO) {
                body.put("schemaType", content.type().name());
            }
            body.put("schema", content.schema());
            if (!content.references().isEmpty()) {
                body.set("references", references(content));
            }
            return body;
        }
        return switch (p.get(3)) {
            case "schema" -> registry.schema(id).schema();
            case "versions" -> registry.idVersions(id, c.flag("deleted")).stream()
                    .map(e -> JSON.createObjectNode().put("subject", e.subject()).put("version", e.version()))
                    .toList();
            case "subjects" -> registry.idVersions(id, c.flag("deleted")).stream().map(Entry::subject).distinct()
                    .toList();
            default -> null;
        };
    }

    private Object compatibility(Call c, List<String> p, String m) {
        if (p.size() < 4 || p.size() > 5 || !p.get(1).equals("subjects") || !p.get(3).equals("versions")) {
            return null;
        }
        if (!m.equals("POST")) {
            return METHOD_NOT_ALLOWED;
        }
        Optional<String> version = p.size() == 5 ? Optional.of(p.get(4)) : Optional.empty();
        List<String> errors = registry.checkCompatibility(p.get(2), version, request(c), c.flag("normalize"));
        ObjectNode body = JSON.createObjectNode().put("is_compatible", errors.isEmpty());
        if (c.flag("verbose")) {
            ArrayNode messages = body.putArray("messages");
            errors.forEach(messages::add);
        }
        return body;
    }

    private Object config(Call c, List<String> p, String m) {
        if (p.size() > 2) {
            return null;
        }
        Optional<String> subject = p.size() == 2 ? Optional.of(p.get(1)) : Optional.empty();
        return switch (m) {
            case "GET" -> Map.of("compatibilityLevel", registry.config(subject, c.flag("defaultToGlobal")).name());
            case "PUT" -> {
                JsonNode body = c.json();
                JsonNode level = body.has("compatibility") ? body.get("compatibility")
                        : body.get("compatibilityLevel");
                yield Map.of("compatibility", registry.setConfig(subject,
                        CompatibilityLevel.of(level == null ? null : level.asText())).name());
            }
            case "DELETE" -> Map.of("compatibilityLevel", registry.deleteConfig(subject).name());
            default -> METHOD_NOT_ALLOWED;
        };
    }

    private Object mode(Call c, List<String> p, String m) {
        if (p.size() > 2) {
            return null;
        }
        Optional<String> subject = p.size() == 2 ? Optional.of(p.get(1)) : Optional.empty();
        return switch (m) {
            case "GET" -> Map.of("mode", registry.mode(subject, c.flag("defaultToGlobal")).name());
            case "PUT" -> {
                JsonNode mode = c.json().get("mode");
                yield Map.of("mode", registry.setMode(subject, RegistryMode.of(mode == null ? null : mode.asText()),
                        c.flag("force")).name());
            }
            case "DELETE" -> Map.of("mode", registry.deleteMode(subject).name());
            default -> METHOD_NOT_ALLOWED;
        };
    }

    /** A registration/lookup body: {@code schema}, {@code schemaType}, {@code references}, and IMPORT's ids. */
    private static RegisterRequest request(Call c) {
        JsonNode body = c.json();
        JsonNode schema = body.get("schema");
        if (schema == null || !schema.isTextual()) {
            throw RegistryException.invalidSchema("(no \"schema\" string in the request)");
        }
        return new RegisterRequest(schema.asText(), SchemaType.of(body.path("schemaType").asText(null)),
                RegistryRecord.references(body.get("references")),
                body.hasNonNull("id") ? Optional.of(body.get("id").asInt()) : Optional.empty(),
                body.hasNonNull("version") ? Optional.of(body.get("version").asInt()) : Optional.empty());
    }

    private static ObjectNode version(Entry e) {
        ObjectNode body = JSON.createObjectNode().put("subject", e.subject()).put("version", e.version())
                .put("id", e.id());
        if (e.content().type() != SchemaType.AVRO) {
            body.put("schemaType", e.content().type().name());
        }
        body.put("schema", e.content().schema());
        if (!e.content().references().isEmpty()) {
            body.set("references", references(e.content()));
        }
        return body;
    }

    private static ArrayNode references(SchemaContent content) {
        ArrayNode array = JSON.createArrayNode();
        for (SchemaReference r : content.references()) {
            array.addObject().put("name", r.name()).put("subject", r.subject()).put("version", r.version());
        }
        return array;
    }

    /** Relays a write to the writer node and its answer back. */
    private void forward(HttpExchange exchange, String writer, String rawPath, Call call) throws IOException {
        String query = exchange.getRequestURI().getRawQuery();
        URI target = URI.create(writer + rawPath + (query == null ? "" : "?" + query));
        HttpRequest request = HttpRequest.newBuilder(target).timeout(timeout)
                .header("Content-Type", "application/json").header(FORWARDED, "true")
                .method(call.method(), call.body().length == 0 ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(call.body()))
                .build();
        HttpResponse<byte[]> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            log.debug("Forwarding {} {} to {} failed", call.method(), rawPath, writer, e);
            RegistryException failure = RegistryException.forwardingError(e.toString());
            error(exchange, failure.httpStatus(), failure.errorCode(), failure.getMessage());
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        if (response.statusCode() / 100 == 2) {
            // Read-your-writes on the node the client talks to: a serializer that registered here reads the
            // schema by id here next.
            registry.catchUp();
        }
        exchange.getResponseHeaders().set("Content-Type", response.headers().firstValue("Content-Type")
                .orElse(CONTENT_TYPE));
        send(exchange, response.statusCode(), response.body());
    }

    private static void error(HttpExchange exchange, int status, int code, String message) throws IOException {
        respond(exchange, status, JSON.writeValueAsString(JSON.createObjectNode().put("error_code", code)
                .put("message", message)));
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
        send(exchange, status, body.getBytes(StandardCharsets.UTF_8));
    }

    private static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            exchange.getResponseBody().write(body);
        }
    }

    private static byte[] readBody(InputStream in) throws IOException {
        byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
        if (body.length > MAX_BODY_BYTES) {
            throw new RegistryException(413, "Request body larger than " + MAX_BODY_BYTES + " bytes");
        }
        return body;
    }

    /** Path segments, each percent-decoded (a {@code +} stays a plus: this is a path, not a form). */
    private static List<String> segments(String rawPath) {
        List<String> segments = new ArrayList<>();
        for (String s : rawPath.split("/")) {
            if (!s.isEmpty()) {
                segments.add(URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8));
            }
        }
        return segments;
    }

    private static Map<String, String> query(String rawQuery) {
        Map<String, String> query = new HashMap<>();
        if (rawQuery != null) {
            for (String pair : rawQuery.split("&")) {
                int eq = pair.indexOf('=');
                String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String value = eq < 0 ? "true" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                query.put(key, value);
            }
        }
        return query;
    }
}
