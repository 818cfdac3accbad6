package io.strata.cli.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.strata.cli.client.CliException;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/**
 * A small client of Confluent Schema Registry's REST API (Strata's registry or any other), for the schema commands:
 * a JSON request, a JSON answer, and the registry's {@code error_code} and message turned into a one-line
 * {@link CliException}. Not thread-safe: one command uses it.
 */
final class RegistryClient {

    static final ObjectMapper JSON = new ObjectMapper();
    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final String baseUrl;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    RegistryClient(String baseUrl) {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    }

    /** A path segment, percent-encoded (subject names may hold any character). */
    static String segment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    JsonNode get(String path) {
        return send("GET", path, Optional.empty());
    }

    JsonNode post(String path, Object body) {
        return send("POST", path, Optional.of(body));
    }

    JsonNode delete(String path) {
        return send("DELETE", path, Optional.empty());
    }

    private JsonNode send(String method, String path, Optional<Object> body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(TIMEOUT)
                .header("Accept", CONTENT_TYPE + ", application/json");
        try {
            if (body.isPresent()) {
                request.header("Content-Type", CONTENT_TYPE)
                        .method(method, HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body.get())));
            } else {
                request.method(method, HttpRequest.BodyPublishers.noBody());
            }
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode json = parse(response.body());
            if (response.statusCode() / 100 != 2) {
                // Confluent's error body: the registry's message and its code (40401 subject not found...).
                throw new CliException(json != null && json.has("error_code")
                        ? json.path("message").asText() + " (error " + json.get("error_code").asInt() + ")"
                        : "HTTP " + response.statusCode() + " from " + baseUrl + path);
            }
            return json;
        } catch (IOException e) {
            throw new CliException("cannot reach the schema registry at " + baseUrl + " (" + e
                    + "): is the node running, and is --schema-registry its URL?");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted");
        }
    }

    private static JsonNode parse(String body) {
        try {
            return body.isEmpty() ? null : JSON.readTree(body);
        } catch (IOException e) {
            return null;
        }
    }
}
