package io.strata.server.registry;

import com.sun.net.httpserver.HttpHandler;
import io.strata.metadata.MetadataImage;
import io.strata.server.config.ServerConfig;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * A node's schema registry: Confluent Schema Registry's REST API under {@value #PATH} of the node's HTTP server,
 * kept in the {@code schema.registry.topic} (Confluent's {@code kafkastore.topic}; {@code _schemas} by default).
 * Started once the node serves Kafka clients (the registry reads and writes its topic through them); closed before
 * they stop. Thread-safe.
 */
public final class SchemaRegistryService implements AutoCloseable {

    /** Where the API is served on the node's HTTP server. */
    public static final String PATH = "/schema-registry";
    /** The registry's topic unless configured. */
    public static final String DEFAULT_TOPIC = "_schemas";

    private final KafkaRegistryLog log;
    private final RegistryEndpoint endpoint;

    private SchemaRegistryService(KafkaRegistryLog log, RegistryEndpoint endpoint) {
        this.log = log;
        this.endpoint = endpoint;
    }

    /**
     * Starts the registry of node {@code nodeId}.
     *
     * @param bootstrap this node's own client listener, {@code host:port}
     * @param baseUrl   where other nodes reach this node's HTTP server ({@code http://host:port}), for forwarding
     */
    public static SchemaRegistryService start(ServerConfig config, String bootstrap, String baseUrl,
                                              Supplier<MetadataImage> image) {
        Duration timeout = Duration.ofMillis(config.metadataRequestTimeoutMs());
        RegistryState state = new RegistryState();
        KafkaRegistryLog log = new KafkaRegistryLog(topic(config), bootstrap, config.nodeId(), baseUrl + PATH,
                image, state, timeout);
        log.start();
        return new SchemaRegistryService(log, new RegistryEndpoint(PATH, new SchemaRegistry(state, log), timeout));
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

    @Override
    public void close() {
        log.close();
    }
}
