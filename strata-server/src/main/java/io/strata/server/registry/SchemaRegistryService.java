package io.strata.server.registry;

import com.sun.net.httpserver.HttpHandler;
import io.strata.metadata.MetadataImage;
import io.strata.server.config.ServerConfig;
import io.strata.server.schemaid.SchemaIdLookup;
import io.strata.server.security.SelfClientConfig;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A node's schema registry: Confluent Schema Registry's REST API under {@value #PATH} of the node's HTTP server,
 * and at the root path of the registry's own listeners ({@code schema.registry.listeners}) when there are any, kept
 * in the {@code schema.registry.topic} (Confluent's {@code kafkastore.topic}; {@code _schemas} by default). Started
 * once the node serves Kafka clients (the registry reads and writes its topic through them); closed before they
 * stop. Thread-safe.
 */
public final class SchemaRegistryService implements AutoCloseable {

    /** Where the API is served on the node's HTTP server. */
    public static final String PATH = "/schema-registry";
    /**
     * The API's path prefixes at the root of a dedicated registry listener, where Confluent's serializers expect
     * them ({@code /} itself is routed exactly).
     */
    public static final List<String> ROOT_PREFIXES = List.of("/subjects", "/schemas", "/compatibility", "/config",
            "/mode");
    /** The registry's topic unless configured. */
    public static final String DEFAULT_TOPIC = "_schemas";

    private final KafkaRegistryLog log;
    private final RegistryEndpoint endpoint;
    private final RegistryEndpoint rootEndpoint;
    private final InProcessRegistry local;
    private final SchemaIdLookup schemaIds;

    private SchemaRegistryService(KafkaRegistryLog log, SchemaRegistry registry, SchemaIdLookup schemaIds,
                                  Duration timeout) {
        this.log = log;
        this.endpoint = new RegistryEndpoint(PATH, registry, timeout);
        this.rootEndpoint = new RegistryEndpoint("", registry, timeout);
        this.local = new InProcessRegistry(registry, timeout);
        this.schemaIds = schemaIds;
    }

    /**
     * Starts the registry of node {@code nodeId}.
     *
     * @param kafka     how the registry's Kafka clients reach the cluster
     * @param baseUrl   where other nodes reach this node's HTTP server ({@code http://host:port}), for forwarding;
     *                  empty on a node without one, which only reads the registry (for schema id validation) and
     *                  publishes no URL
     */
    public static SchemaRegistryService start(ServerConfig config, SelfClientConfig kafka, Optional<String> baseUrl,
                                              Supplier<MetadataImage> image) {
        Duration timeout = Duration.ofMillis(config.metadataRequestTimeoutMs());
        RegistryState state = new RegistryState();
        String topic = topic(config);
        KafkaRegistryLog log = new KafkaRegistryLog(topic, kafka, config.nodeId(), baseUrl.map(u -> u + PATH),
                image, state, timeout);
        log.start();
        SchemaRegistry registry = new SchemaRegistry(state, log);
        return new SchemaRegistryService(log, registry, new RegistrySchemaIds(registry, state, log::isLoaded, topic),
                timeout);
    }

    /** {@code schema.registry.topic}, else Confluent's {@code kafkastore.topic}, else {@value #DEFAULT_TOPIC}. */
    static String topic(ServerConfig config) {
        return config.get("schema.registry.topic").filter(t -> !t.isEmpty())
                .or(() -> config.get("kafkastore.topic").filter(t -> !t.isEmpty())).orElse(DEFAULT_TOPIC);
    }

    /** The API's handler, for every path under {@value #PATH}. */
    public HttpHandler handler() {
        return endpoint;
    }

    /** The API's handler at the root path, for {@code /} and every path under {@link #ROOT_PREFIXES}. */
    public HttpHandler rootHandler() {
        return rootEndpoint;
    }

    /** The node's copy of the registry as schema id validation reads it: in memory, never waiting. */
    public SchemaIdLookup schemaIds() {
        return schemaIds;
    }

    /** The registry for the node's own features, in-process. */
    public InProcessRegistry local() {
        return local;
    }

    @Override
    public void close() {
        log.close();
    }
}
