package io.strata.server;

import io.strata.metadata.BrokerRegistration;
import io.strata.metadata.MetadataQuorum;
import io.strata.metadata.QuorumConfig;
import io.strata.metadata.RatisMetadataQuorum;
import io.strata.server.api.ApiVersionsHandler;
import io.strata.server.api.CreateTopicsHandler;
import io.strata.server.api.DeleteTopicsHandler;
import io.strata.server.api.DescribeClusterHandler;
import io.strata.server.api.FetchHandler;
import io.strata.server.api.InitProducerIdHandler;
import io.strata.server.api.ListOffsetsHandler;
import io.strata.server.api.MetadataHandler;
import io.strata.server.api.ProduceHandler;
import io.strata.server.api.RequestDispatcher;
import io.strata.server.cluster.LogConfigResolver;
import io.strata.server.cluster.ProducerIdManager;
import io.strata.server.cluster.QuorumWaiter;
import io.strata.server.cluster.ReplicaManager;
import io.strata.server.cluster.TopicService;
import io.strata.server.config.Endpoint;
import io.strata.server.config.ServerConfig;
import io.strata.server.network.SocketServer;
import io.strata.storage.FileLogManager;
import io.strata.storage.LogManager;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.protocol.ApiKeys;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Strata node: the metadata quorum member, the partition logs and the client listeners, wired together and
 * started in dependency order (metadata, logs, partitions, network), stopped in reverse.
 *
 * <p>Thread-safe: {@link #close} may be called from any thread (a shutdown hook) and is idempotent.
 */
public final class StrataServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(StrataServer.class);

    private final ServerConfig config;
    private final MetadataQuorum quorum;
    private final LogManager logs;
    private final ReplicaManager replicas;
    private final SocketServer network;
    private final List<SocketServer.BoundListener> bound;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final CountDownLatch shutdown = new CountDownLatch(1);

    private StrataServer(ServerConfig config, MetadataQuorum quorum, LogManager logs, ReplicaManager replicas,
                         SocketServer network, List<SocketServer.BoundListener> bound) {
        this.config = config;
        this.quorum = quorum;
        this.logs = logs;
        this.replicas = replicas;
        this.network = network;
        this.bound = bound;
    }

    /** Starts a node and returns once it serves clients. On failure everything started so far is stopped. */
    public static StrataServer start(ServerConfig config) throws Exception {
        long startNanos = System.nanoTime();
        if (!config.processRoles().containsAll(List.of("broker", "controller"))) {
            throw new ConfigException("process.roles", String.join(",", config.processRoles()),
                    "this release runs combined nodes only: set process.roles=broker,controller");
        }
        int nodeId = config.nodeId();
        String clusterId = MetaProperties.ensure(config.logDirs(), nodeId);
        InetSocketAddress self = config.quorumVoters().get(nodeId);
        if (self == null) {
            throw new ConfigException("controller.quorum.voters", config.quorumVoters().toString(),
                    "node.id " + nodeId + " is not among the voters");
        }
        List<AutoCloseable> started = new ArrayList<>();
        try {
            MetadataQuorum quorum = new RatisMetadataQuorum(new QuorumConfig(nodeId, config.quorumVoters(),
                    config.metadataLogDir().resolve("__cluster_metadata"), clusterId,
                    Duration.ofMillis(config.metadataRequestTimeoutMs())));
            started.add(quorum);
            quorum.start();

            LogConfigResolver resolver = new LogConfigResolver(config.logConfigDefaults());
            LogManager logs = new FileLogManager(config.logManagerConfig());
            started.add(logs);
            logs.startup(tp -> resolver.resolve(quorum.image(), tp.topic()));

            ReplicaManager replicas = new ReplicaManager(nodeId, logs, resolver);
            quorum.addListener((previous, current) -> replicas.applyImage(current));
            replicas.applyImage(quorum.image());

            QuorumWaiter waiter = new QuorumWaiter(config.metadataRequestTimeoutMs());
            TopicService topics = new TopicService(quorum, config.numPartitions(), config.defaultReplicationFactor(),
                    waiter);
            RequestDispatcher dispatcher = new RequestDispatcher();
            dispatcher.register(ApiKeys.API_VERSIONS, 0, 4, new ApiVersionsHandler(dispatcher::versions))
                    .register(ApiKeys.METADATA, 0, 13, new MetadataHandler(nodeId, quorum, topics,
                            config.autoCreateTopics()))
                    .register(ApiKeys.PRODUCE, 3, 13, new ProduceHandler(quorum, replicas))
                    .register(ApiKeys.FETCH, 4, 18, new FetchHandler(quorum, replicas))
                    .register(ApiKeys.LIST_OFFSETS, 1, 11, new ListOffsetsHandler(quorum, replicas))
                    .register(ApiKeys.INIT_PRODUCER_ID, 0, 5, new InitProducerIdHandler(
                            new ProducerIdManager(nodeId, quorum, waiter)))
                    .register(ApiKeys.CREATE_TOPICS, 2, 7, new CreateTopicsHandler(quorum, topics, resolver))
                    .register(ApiKeys.DELETE_TOPICS, 1, 6, new DeleteTopicsHandler(quorum, topics))
                    .register(ApiKeys.DESCRIBE_CLUSTER, 0, 2, new DescribeClusterHandler(nodeId, quorum));

            SocketServer network = new SocketServer(dispatcher, new SocketServer.Limits(
                    config.socketRequestMaxBytes(), config.maxConnections(), config.connectionsMaxIdleMs()));
            started.add(network);
            List<SocketServer.BoundListener> bound = network.bind(config.brokerListeners());
            waiter.await(quorum.registerBroker(new BrokerRegistration(nodeId, Uuid.randomUuid(),
                    advertised(config, bound), config.get("broker.rack"), false)));
            network.startAccepting();
            StrataServer server = new StrataServer(config, quorum, logs, replicas, network, bound);
            log.info("Strata node {} of cluster {} started in {} ms; clients connect to {}", nodeId, clusterId,
                    (System.nanoTime() - startNanos) / 1_000_000, advertised(config, bound));
            return server;
        } catch (Exception | Error e) {
            for (int i = started.size() - 1; i >= 0; i--) {
                try {
                    started.get(i).close();
                } catch (Exception suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
    }

    /**
     * The endpoints published to clients: {@code advertised.listeners} where given, else the bound address (a
     * wildcard bind advertises {@code localhost}); a configured port of 0 becomes the bound port.
     */
    static List<BrokerRegistration.Endpoint> advertised(ServerConfig config,
                                                        List<SocketServer.BoundListener> bound) {
        List<BrokerRegistration.Endpoint> endpoints = new ArrayList<>();
        List<Endpoint> configured = config.advertisedListeners();
        for (SocketServer.BoundListener listener : bound) {
            Optional<Endpoint> advertised = configured.stream()
                    .filter(e -> e.listenerName().equals(listener.listenerName())).findFirst();
            String host = advertised.map(Endpoint::host).filter(h -> !h.isEmpty()).orElseGet(() ->
                    listener.address().getAddress().isAnyLocalAddress() ? "localhost"
                            : listener.address().getHostString());
            int port = advertised.map(Endpoint::port).filter(p -> p != 0).orElse(listener.address().getPort());
            endpoints.add(new BrokerRegistration.Endpoint(listener.listenerName(), host, port, "PLAINTEXT"));
        }
        return endpoints;
    }

    public ServerConfig config() {
        return config;
    }

    public ReplicaManager replicas() {
        return replicas;
    }

    public MetadataQuorum quorum() {
        return quorum;
    }

    /** The client listeners with their bound addresses. */
    public List<SocketServer.BoundListener> listeners() {
        return bound;
    }

    /** {@code host:port} of the first client listener, for clients' {@code bootstrap.servers}. */
    public String bootstrapServers() {
        InetSocketAddress address = bound.get(0).address();
        return (address.getAddress().isAnyLocalAddress() ? "localhost" : address.getHostString()) + ":"
                + address.getPort();
    }

    /** Blocks until {@link #close} has completed. */
    public void awaitShutdown() throws InterruptedException {
        shutdown.await();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        long startNanos = System.nanoTime();
        log.info("Shutting down Strata node {}", config.nodeId());
        try {
            network.close();
            logs.close();
            quorum.close();
            log.info("Strata node {} stopped cleanly in {} ms", config.nodeId(),
                    (System.nanoTime() - startNanos) / 1_000_000);
        } finally {
            shutdown.countDown();
        }
    }
}
