package io.strata.server.rest;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.strata.server.config.ServerConfig;
import io.strata.server.registry.InProcessRegistry;
import io.strata.server.security.SelfClientConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's HTTP proxy: Confluent REST Proxy's v2 produce and consume API and v3's listing and produce, served on
 * the node's embedded HTTP server at Confluent's own paths ({@link #PREFIXES}). Requests reach Kafka through
 * {@link KafkaClients} on the node's own client listener, so they take the same path (and the same limits) as any
 * client's. Each exchange runs on its own virtual thread; nothing here holds a lock a broker thread needs.
 * Thread-safe; {@link #close} leaves every consumer group and closes the clients.
 */
public final class RestProxy implements HttpHandler, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RestProxy.class);

    /** The path prefixes the proxy serves, each with everything under it. */
    public static final List<String> PREFIXES = List.of("/topics", "/consumers", "/v3");

    private final KafkaClients clients;
    private final ConsumerInstances instances;
    private final V2Topics topics;
    private final V2Consumers consumers;
    private final V3Api v3;

    private RestProxy(RestConfig config, SelfClientConfig kafka, int nodeId, String baseUrl, InProcessRegistry registry) {
        this.clients = new KafkaClients(kafka, nodeId);
        this.instances = new ConsumerInstances(config.maxConsumerInstances(), config.instanceTimeout());
        ClusterView cluster = new ClusterView(clients);
        SchemaCodec schemas = new SchemaCodec(registry);
        this.topics = new V2Topics(cluster, clients, config, schemas);
        this.consumers = new V2Consumers(instances, clients, config, baseUrl, schemas);
        this.v3 = new V3Api(cluster, clients, config, baseUrl, schemas);
    }

    /**
     * A proxy for this node. Connects to nothing until the first request.
     *
     * @param kafka         how the proxy's Kafka clients reach the cluster
     * @param http          the HTTP listener as bound, named in consumer instances' {@code base_uri}
     * @param advertisedHost the node's advertised host, used when the HTTP listener binds every address
     * @param registry      the node's schema registry, for the schema-based embedded formats
     */
    public static RestProxy create(ServerConfig config, SelfClientConfig kafka, InetSocketAddress http,
                                   String advertisedHost, InProcessRegistry registry) {
        String host = http.getAddress().isAnyLocalAddress() ? advertisedHost : http.getHostString();
        String baseUrl = "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + http.getPort();
        return new RestProxy(RestConfig.from(config), kafka, config.nodeId(), baseUrl, registry);
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        List<String> segments = segments(exchange.getRequestURI().getRawPath());
        boolean isV3 = segments.getFirst().equals("v3");
        try {
            List<String> rest = segments.subList(1, segments.size());
            switch (segments.getFirst()) {
                case "topics" -> topics.handle(exchange, rest);
                case "consumers" -> consumers.handle(exchange, rest);
                case "v3" -> v3.handle(exchange, rest);
                default -> throw RestException.notFound();
            }
        } catch (RestException e) {
            if (exchange.getResponseCode() == -1) {
                Exchanges.error(exchange, isV3 ? V3Api.v3(e) : e, isV3);
            }
        } catch (RuntimeException e) {
            log.warn("HTTP proxy request {} {} failed", exchange.getRequestMethod(), exchange.getRequestURI(), e);
            if (exchange.getResponseCode() == -1) {
                RestException internal = new RestException(500, 500, "Internal server error: " + e);
                Exchanges.error(exchange, internal, isV3);
            }
        }
    }

    /** The decoded path segments, empty ones (a trailing slash) dropped. */
    static List<String> segments(String rawPath) {
        List<String> segments = new ArrayList<>();
        for (String raw : rawPath.split("/")) {
            if (!raw.isEmpty()) {
                segments.add(URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8));
            }
        }
        return segments;
    }

    @Override
    public void close() {
        instances.close();
        clients.close();
    }
}
