package io.strata.server.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.apache.avro.Schema;

/**
 * The node's schema registry for the node's own features (the HTTP proxy's schema-based embedded formats), called
 * in-process rather than over HTTP, with the answers Confluent's serializers get from the REST API: register a
 * schema under a subject (auto-registration), find a schema by id or by subject version. Reads come from this
 * node's copy of the registry; a registration this node does not decide is forwarded to the registry's writer, as
 * the REST API forwards it, and returns once this node has read it. Failures are {@link RegistryException}s with
 * Confluent's error codes. Thread-safe.
 */
public final class InProcessRegistry {

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * A registered schema: its global id, Confluent's type name ({@code AVRO}, {@code JSON}, {@code PROTOBUF}), its
     * stored text, and for Avro the parsed schema (with its references resolved) that encodes and decodes data.
     */
    public record Registered(int id, String type, String schema, Optional<Schema> avro) {
    }

    private final SchemaRegistry registry;
    private final HttpClient http;
    private final Duration timeout;

    InProcessRegistry(SchemaRegistry registry, Duration timeout) {
        this.registry = registry;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    /**
     * The id of {@code schema} in {@code subject}: the existing version's when the subject holds it, else a new
     * version checked at the subject's compatibility level (409 when incompatible, 42201 when invalid).
     *
     * @param type Confluent's type name; null or empty is AVRO
     */
    public Registered register(String subject, String type, String schema) {
        RegisterRequest request = new RegisterRequest(schema, SchemaType.of(type), List.of(), Optional.empty(),
                Optional.empty());
        try {
            // A lookup first: a producer sends the same schema with every request, and finding it takes no write.
            return registered(registry.lookup(subject, request, false, false).id());
        } catch (RegistryException e) {
            if (e.errorCode() != 40401 && e.errorCode() != 40403) {
                throw e;
            }
        }
        Optional<String> writer = registry.forwardTo();
        if (writer.isEmpty()) {
            return registered(registry.register(subject, request, false));
        }
        return registered(forwardRegistration(writer.get(), subject, request));
    }

    /** The schema with global id {@code id} (40403 when there is none). */
    public Registered byId(int id) {
        return registered(id);
    }

    /** Version {@code version} ({@code latest} or a number) of {@code subject}, with its id. */
    public Registered byVersion(String subject, String version) {
        return registered(registry.version(subject, version, false).id());
    }

    private Registered registered(int id) {
        SchemaContent content = registry.schema(id);
        Optional<Schema> avro = content.type() == SchemaType.AVRO
                ? Optional.of(((ParsedSchema.Avro) registry.parsedById(id)).schema()) : Optional.empty();
        return new Registered(id, content.type().name(), content.schema(), avro);
    }

    private int forwardRegistration(String writer, String subject, RegisterRequest request) {
        String body;
        try {
            body = JSON.writeValueAsString(JSON.createObjectNode().put("schema", request.schema())
                    .put("schemaType", request.type().name()));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        URI target = URI.create(writer + "/subjects/" + URLEncoder.encode(subject, StandardCharsets.UTF_8)
                .replace("+", "%20") + "/versions");
        HttpRequest post = HttpRequest.newBuilder(target).timeout(timeout)
                .header("Content-Type", RegistryEndpoint.CONTENT_TYPE).header(RegistryEndpoint.FORWARDED, "true")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        try {
            HttpResponse<String> response = http.send(post, HttpResponse.BodyHandlers.ofString());
            JsonNode answer = JSON.readTree(response.body());
            if (response.statusCode() != 200) {
                throw new RegistryException(answer.path("error_code").asInt(50003), answer.path("message")
                        .asText("The schema registry's writer answered " + response.statusCode()));
            }
            // Read-your-writes: the caller encodes with this id next, and looks it up on this node.
            registry.catchUp();
            return answer.get("id").asInt();
        } catch (IOException e) {
            throw RegistryException.forwardingError(e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw RegistryException.forwardingError("interrupted");
        }
    }
}
