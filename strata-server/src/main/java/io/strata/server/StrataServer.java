package io.strata.server;

import io.strata.metadata.BrokerRegistration;
import io.strata.metadata.MetadataImage;
import io.strata.metadata.MetadataPublishing;
import io.strata.metadata.MetadataQuorum;
import io.strata.metadata.RatisMetadataQuorum;
import io.strata.metadata.RatisOptions;
import io.strata.metadata.ScramCredentialChange;
import io.strata.server.api.CoreApis;
import io.strata.server.api.NodeFeatures;
import io.strata.server.api.admin.AdminApis;
import io.strata.server.coordinator.group.GroupApis;
import io.strata.server.coordinator.txn.TxnApis;
import io.strata.server.api.RequestDispatcher;
import io.strata.server.security.AclApis;
import io.strata.server.security.AclAuthorizer;
import io.strata.server.cluster.LogConfigResolver;
import io.strata.server.cluster.QuorumWaiter;
import io.strata.server.cluster.ReplicaManager;
import io.strata.server.cluster.TopicService;
import io.strata.server.config.Endpoint;
import io.strata.server.config.QuorumSetup;
import io.strata.server.config.ServerConfig;
import io.strata.server.console.Console;
import io.strata.server.console.ConsoleAccess;
import io.strata.server.http.BasicAuthentication;
import io.strata.server.http.HttpSecurity;
import io.strata.server.http.HttpService;
import io.strata.server.metrics.BrokerMetrics;
import io.strata.server.metrics.MetricsEndpoint;
import io.strata.server.quota.ClientQuotaManager;
import io.strata.server.quota.QuotaApis;
import io.strata.server.quota.RequestThrottler;
import io.strata.server.network.SocketServer;
import io.strata.server.registry.SchemaRegistryService;
import io.strata.server.replication.ReplicaFetcherManager;
import io.strata.server.replication.ReplicationConfig;
import io.strata.server.resources.FileDescriptorGuard;
import io.strata.server.security.BrokerClientSecurity;
import io.strata.server.security.DynamicTls;
import io.strata.server.security.ListenerSecurity;
import io.strata.server.security.PasswordVerifier;
import io.strata.server.security.SecurityApis;
import io.strata.server.security.SelfClientConfig;
import io.strata.server.rest.RestProxy;
import io.strata.server.schemaid.SchemaIdValidator;
import io.strata.storage.FileLogManager;
import io.strata.storage.LogConfig;
import io.strata.storage.LogDirLock;
import io.strata.storage.LogManager;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
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

    /** Attempts to apply one metadata change before the node stops (back-off 0.1 s doubling: about 25 s). */
    private static final int PUBLISH_ATTEMPTS = 9;
    private static final long PUBLISH_BACKOFF_MS = 100;

    private final NodeServices services;
    private final List<AutoCloseable> started;
    private final List<SocketServer.BoundListener> bound;
    private final HttpService http;
    private final HttpService registryHttp;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final CountDownLatch shutdown = new CountDownLatch(1);
    private volatile Optional<Throwable> failure = Optional.empty();

    private StrataServer(NodeServices services, List<AutoCloseable> started, List<SocketServer.BoundListener> bound,
                         HttpService http, HttpService registryHttp) {
        this.services = services;
        this.started = started;
        this.bound = bound;
        this.http = http;
        this.registryHttp = registryHttp;
    }

    /** Starts a node and returns once it serves clients. On failure everything started so far is stopped. */
    public static StrataServer start(ServerConfig config) throws Exception {
        return start(config, List.of());
    }

    /**
     * Starts a node that first stores the given SCRAM credentials of users who have none for that mechanism yet
     * (the first administrator, as Kafka's {@code kafka-storage format --add-scram}), before it serves clients.
     */
    public static StrataServer start(ServerConfig config, List<ScramCredentialChange> bootstrapCredentials)
            throws Exception {
        long startNanos = System.nanoTime();
        int nodeId = config.nodeId();
        CompletableFuture<Throwable> fatal = new CompletableFuture<>();
        String candidateClusterId = MetaProperties.candidateClusterId(config.logDirs(), nodeId);
        List<AutoCloseable> started = new ArrayList<>();
        try {
            // The log dirs (and a separate metadata log dir) are locked first: a second node started by mistake on
            // a live node's directories must fail here, before it reads or writes any of their files.
            LogManager logs = new FileLogManager(config.logManagerConfig());
            started.add(logs);
            if (!normalized(config.logDirs()).contains(config.metadataLogDir().toAbsolutePath().normalize())) {
                started.add(LogDirLock.acquire(config.metadataLogDir()));
            }
            // Bound now, so that a taken HTTP port stops the node before its quorum and logs start; served last.
            HttpSecurity httpSecurity = HttpSecurity.resolve(config);
            HttpService http = HttpService.bind("http.listeners", config.httpListeners(), httpSecurity.tls());
            started.add(http);
            HttpService registryHttp = HttpService.bind("schema.registry.listeners",
                    config.schemaRegistryListeners(), httpSecurity.tls());
            started.add(registryHttp);
            // Without an HTTP listener nothing can read the metrics: the request path then records none.
            BrokerMetrics metrics = new BrokerMetrics(!http.listeners().isEmpty());
            // A voter (broker,controller) or, for process.roles=broker, a listener of the metadata log; resolved
            // once the metadata dir is locked, since a listener keeps its port there.
            MetadataQuorum quorum = new RatisMetadataQuorum(QuorumSetup.quorumConfig(config, candidateClusterId),
                    RatisOptions.defaults().withElectionTimeout(config.quorumElectionTimeout()));
            started.add(quorum);
            // The quorum and the logs start in parallel: both are I/O- and class-loading-bound, and recovery needs
            // no metadata. Logs load with the static defaults; applying the image below sets topic overrides.
            CompletableFuture<Void> quorumStarted = new CompletableFuture<>();
            Thread.ofPlatform().name("strata-metadata-start").start(() -> {
                try {
                    quorum.start();
                    quorumStarted.complete(null);
                } catch (Throwable t) {
                    quorumStarted.completeExceptionally(t);
                }
            });
            LogConfigResolver resolver = new LogConfigResolver(nodeId, config.logConfigDefaults());
            LogConfig staticDefaults = LogConfig.fromTopicConfigs(resolver.staticDefaults());
            logs.startup(tp -> staticDefaults);
            try {
                quorumStarted.get();
            } catch (ExecutionException e) {
                throw e.getCause() instanceof Exception cause ? cause : e;
            }
            // The started quorum's image has the cluster's one id, agreed through the metadata log.
            String clusterId = quorum.image().clusterId();
            MetaProperties.record(config.logDirs(), nodeId, clusterId);
            addMissingCredentials(quorum, bootstrapCredentials, config.metadataRequestTimeoutMs());
            finalizeFeatures(quorum, config);

            // Images are applied to partitions on a publisher thread of its own, never on the consensus thread.
            MetadataPublishing publishing = new MetadataPublishing(PUBLISH_ATTEMPTS, PUBLISH_BACKOFF_MS,
                    fatal::complete);
            // Resolved before anything listens, so that a bad key store or JAAS config stops the node at start.
            Map<String, ListenerSecurity> security = new HashMap<>();
            config.brokerListeners().forEach(e -> security.put(e.listenerName(),
                    ListenerSecurity.resolve(config, e.listenerName())));
            // Stores changed at run time (this broker's dynamic configs) apply again with the first image.
            DynamicTls dynamicTls = new DynamicTls(config, nodeId, DynamicTls.tlsListeners(security));
            publishing.register(dynamicTls);
            BrokerClientSecurity interBroker = BrokerClientSecurity.resolve(config,
                    security.get(config.interBrokerListenerName()));
            ReplicationConfig replication = config.replicationConfig().withClientSecurity(interBroker);
            ReplicaFetcherManager fetchers = new ReplicaFetcherManager(nodeId, replication,
                    broker -> address(quorum.image(), broker, replication.listenerName()));
            started.add(fetchers);
            ReplicaManager replicas = new ReplicaManager(nodeId, logs, resolver, fetchers,
                    metrics.countingIsrChanges(quorum::alterPartition, quorum), config.replicaLagTimeMaxMs(),
                    Time.SYSTEM);
            started.add(replicas);
            publishing.register(replicas);
            logs.onLogDirFailure(failure -> {
                if (failure.noneLeft()) {
                    fatal.complete(new IllegalStateException("Every log directory is offline after " + failure.dir()
                            + " failed: " + failure.offlineDirs()));
                } else {
                    replicas.logDirFailed(failure.dir());
                }
            });
            QuorumWaiter waiter = QuorumWaiter.of(config.metadataRequestTimeoutMs(), quorum, publishing);
            TopicService topics = new TopicService(quorum, config.numPartitions(), config.defaultReplicationFactor(),
                    waiter);
            // Refuses every id until the registry, started once the node serves clients, is attached below.
            SchemaIdValidator schemaIds = new SchemaIdValidator();
            NodeServices services = new NodeServices(config, quorum, publishing, logs, replicas, resolver, topics,
                    waiter, metrics, replication, schemaIds);
            metrics.registerPartitions(replicas);
            metrics.registerQuorum(nodeId, quorum);
            ClientQuotaManager clientQuotas = new ClientQuotaManager(quorum::image, new ClientQuotaManager.Windows(
                    config.quotaWindowNum(), config.quotaWindowSizeSeconds() * 1000L,
                    config.controllerQuotaWindowNum(), config.controllerQuotaWindowSizeSeconds() * 1000L),
                    Time.SYSTEM, metrics.registry());
            RequestDispatcher dispatcher = new RequestDispatcher(metrics.requests(),
                    AclAuthorizer.from(config, () -> quorum.image().acls()), Optional.of(
                    new RequestThrottler(clientQuotas, quorum::image, config.numPartitions())));
            for (ApiModule module : modules(security::get, dynamicTls)) {
                started.add(module);
                module.register(dispatcher, services);
            }
            publishing.start();
            started.add(publishing);
            quorum.addListener((previous, current) -> publishing.offer(current));
            publishing.offer(quorum.image());
            publishing.awaitPublished(quorum.image().version()).get();

            SocketServer network = new SocketServer(dispatcher, new SocketServer.Limits(
                    config.socketRequestMaxBytes(), config.maxConnections(), config.connectionsMaxIdleMs(),
                    config.saslServerMaxReceiveBytes(), config.authenticationTimeoutMs()),
                    FileDescriptorGuard.processWide(), security::get);
            started.add(network);
            List<SocketServer.BoundListener> bound = network.bind(config.brokerListeners());
            metrics.registerConnections(network::connectionsByListener);
            List<BrokerRegistration.Endpoint> endpoints = advertised(config, bound);
            waiter.await(quorum.registerBroker(new BrokerRegistration(nodeId, Uuid.randomUuid(), endpoints,
                    config.get("broker.rack"), false)));
            network.startAccepting();
            http.route("/metrics", new MetricsEndpoint(metrics.registry()));
            // The built-ins' Kafka clients use this node's inter-broker listener, as the node itself.
            SelfClientConfig self = SelfClientConfig.of(selfBootstrap(config, bound, endpoints), interBroker);
            // Every node reads the registry, for schema id validation; only a node with an HTTP server serves it.
            SchemaRegistryService registry = SchemaRegistryService.start(config, self,
                    http.listeners().stream().findFirst().map(l -> httpUrl(l, endpoints.getFirst().host())),
                    quorum::image);
            started.add(registry);
            schemaIds.attach(registry.schemaIds());
            if (!http.listeners().isEmpty()) {
                http.routePrefix(SchemaRegistryService.PATH, registry.handler());
                // Confluent's layout on the registry's own listeners: the API at the root path.
                registryHttp.route("/", registry.rootHandler());
                SchemaRegistryService.ROOT_PREFIXES.forEach(p -> registryHttp.routePrefix(p, registry.rootHandler()));
                // Closed before the network stops.
                started.add(Console.register(http, nodeId, quorum, replicas, metrics.topics(), self,
                        ConsoleAccess.sameOrigin()));
                RestProxy proxy = RestProxy.create(config, self,
                        http.listeners().getFirst().address(), endpoints.getFirst().host(), registry.local());
                started.add(proxy);
                RestProxy.PREFIXES.forEach(prefix -> http.routePrefix(prefix, proxy));
            }
            if (httpSecurity.basic()) {
                Map<String, String> plainUsers = new HashMap<>();
                security.values().forEach(l -> plainUsers.putAll(l.plainUsers()));
                BasicAuthentication basic = new BasicAuthentication(new PasswordVerifier(plainUsers,
                        (user, mechanism) -> quorum.image().scramCredential(user, mechanism)),
                        httpSecurity.openPaths());
                http.authenticate(basic);
                registryHttp.authenticate(basic);
            }
            http.start();
            registryHttp.start();
            StrataServer server = new StrataServer(services, started, bound, http, registryHttp);
            fatal.thenAccept(server::fail);
            log.info("Strata node {} of cluster {} started in {} ms; clients connect to {}", nodeId, clusterId,
                    (System.nanoTime() - startNanos) / 1_000_000, endpoints);
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

    /** {@code host:port} of the first client listener as this node's own clients reach it. */
    private static String bootstrap(List<SocketServer.BoundListener> bound) {
        InetSocketAddress address = bound.getFirst().address();
        return (address.getAddress().isAnyLocalAddress() ? "localhost" : address.getHostString()) + ":"
                + address.getPort();
    }

    /**
     * {@code host:port} of the inter-broker listener as this node's own clients reach it: the bound address, or for
     * a wildcard bind the advertised host when the listener has TLS (its certificate names that host), else localhost.
     */
    private static String selfBootstrap(ServerConfig config, List<SocketServer.BoundListener> bound,
                                        List<BrokerRegistration.Endpoint> advertised) {
        String listener = config.interBrokerListenerName();
        InetSocketAddress address = bound.stream().filter(b -> b.listenerName().equals(listener))
                .map(SocketServer.BoundListener::address).findFirst().orElseThrow();
        if (!address.getAddress().isAnyLocalAddress()) {
            return address.getHostString() + ":" + address.getPort();
        }
        boolean tls = advertised.stream().filter(e -> e.listenerName().equals(listener))
                .anyMatch(e -> e.securityProtocol().endsWith("SSL"));
        String host = tls ? advertised.stream().filter(e -> e.listenerName().equals(listener))
                .map(BrokerRegistration.Endpoint::host).findFirst().orElse("localhost") : "localhost";
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort();
    }

    /** Where other nodes reach this node's HTTP server: its bound host, or for a wildcard bind the Kafka host. */
    private static String httpUrl(HttpService.BoundListener listener, String advertisedHost) {
        InetSocketAddress address = listener.address();
        String host = address.getAddress().isAnyLocalAddress() ? advertisedHost : address.getHostString();
        String scheme = listener.listenerName().equals(HttpSecurity.HTTPS) ? "https" : "http";
        return scheme + "://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort();
    }

    /**
     * Finalizes the features the cluster has no level for yet at this node's initial levels: a new cluster's first
     * levels. Before the node serves clients, so that its first ApiVersions answer already has them.
     */
    private static void finalizeFeatures(MetadataQuorum quorum, ServerConfig config) throws Exception {
        Map<String, Short> initial = NodeFeatures.initialLevels(config);
        Map<String, Short> finalized = quorum.finalizeFeatures(initial)
                .get(config.metadataRequestTimeoutMs(), TimeUnit.MILLISECONDS);
        short transactionVersion = finalized.get(NodeFeatures.TRANSACTION_VERSION);
        if (transactionVersion != initial.get(NodeFeatures.TRANSACTION_VERSION)) {
            log.info("The cluster's {} is {}: {}={} is only the level a new cluster starts with (kafka-features.sh "
                    + "changes it)", NodeFeatures.TRANSACTION_VERSION, transactionVersion,
                    NodeFeatures.TRANSACTION_VERSION_CONFIG, initial.get(NodeFeatures.TRANSACTION_VERSION));
        }
    }

    private static void addMissingCredentials(MetadataQuorum quorum, List<ScramCredentialChange> credentials,
                                              long timeoutMs) throws Exception {
        List<ScramCredentialChange> missing = credentials.stream().filter(c -> quorum.image()
                .scramCredential(c.user(), c.mechanism()).isEmpty()).toList();
        if (!missing.isEmpty()) {
            quorum.alterScramCredentials(missing).get(timeoutMs, TimeUnit.MILLISECONDS);
            missing.forEach(c -> log.info("Added the {} credential of user {}", c.mechanism(), c.user()));
        }
    }

    /** Where followers reach broker {@code brokerId}: its registered endpoint on {@code listenerName}. */
    private static Optional<InetSocketAddress> address(MetadataImage image, int brokerId, String listenerName) {
        return Optional.ofNullable(image.brokers().get(brokerId)).flatMap(b -> b.endpoints().stream()
                .filter(e -> e.listenerName().equals(listenerName)).findFirst())
                .map(e -> new InetSocketAddress(e.host(), e.port()));
    }

    private static List<Path> normalized(List<Path> dirs) {
        return dirs.stream().map(d -> d.toAbsolutePath().normalize()).toList();
    }

    /** The node's API modules, in start order. */
    private static List<ApiModule> modules(Function<String, ListenerSecurity> security, DynamicTls tls) {
        GroupApis groups = new GroupApis();
        return List.of(new CoreApis(), new AdminApis(tls), groups, new TxnApis(groups), new SecurityApis(security),
                new AclApis(), new QuotaApis());
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
            endpoints.add(new BrokerRegistration.Endpoint(listener.listenerName(), host, port,
                    config.securityProtocol(listener.listenerName()).name()));
        }
        return endpoints;
    }

    public ReplicaManager replicas() {
        return services.replicas();
    }

    /** The client listeners with their bound addresses. */
    public List<SocketServer.BoundListener> listeners() {
        return bound;
    }

    /** The embedded HTTP server's listeners with their bound addresses; empty when {@code http.listeners} is empty. */
    public List<HttpService.BoundListener> httpListeners() {
        return http.listeners();
    }

    /** The schema registry's own listeners ({@code schema.registry.listeners}) as bound; empty by default. */
    public List<HttpService.BoundListener> schemaRegistryListeners() {
        return registryHttp.listeners();
    }

    /** {@code host:port} of the first client listener, for clients' {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return bootstrap(bound);
    }

    /**
     * Stops the node because it cannot go on safely (metadata it cannot apply); {@link #failure} then tells why.
     * Returns at once: the shutdown runs on a thread of its own, since the caller may be one that close stops.
     */
    void fail(Throwable cause) {
        log.error("Strata node {} is stopping: it cannot continue safely", services.nodeId(), cause);
        failure = Optional.of(cause);
        Thread.ofPlatform().name("strata-fatal-shutdown").start(this::close);
    }

    /** Why the node stopped on its own, if it did (the server command then exits with status 1). */
    public Optional<Throwable> failure() {
        return failure;
    }

    /**
     * Kafka's controlled shutdown: the controller moves this node's leaderships to other in-sync replicas and fences
     * it, and the node waits until it has applied that, so clients are sent to the new leaders before its
     * listeners close. A failure only costs the session timeout on the other nodes, so it is logged, not fatal; and
     * it is awaited no longer than that timeout (the last node of a cluster has no quorum left to answer it).
     */
    private void moveLeadershipAway() {
        ServerConfig config = services.config();
        long limit = Math.min(config.metadataRequestTimeoutMs(), config.brokerSessionTimeoutMs());
        try {
            services.waiter().withTimeout(limit).await(services.quorum().controlledShutdown(services.nodeId()));
            log.info("Controlled shutdown of node {}: leadership moved", services.nodeId());
        } catch (RuntimeException e) {
            log.warn("Controlled shutdown of node {} failed; its partitions move after the session timeout: {}",
                    services.nodeId(), e.toString());
        }
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
        log.info("Shutting down Strata node {}", services.nodeId());
        try {
            if (services.config().controlledShutdown() && failure.isEmpty()) {
                moveLeadershipAway();
            }
            // HTTP first, so that no scrape reads services being stopped (it was bound early, to fail fast).
            http.close();
            registryHttp.close();
            // Reverse start order: network first (no new requests), then modules, logs, and the quorum last.
            for (int i = started.size() - 1; i >= 0; i--) {
                try {
                    started.get(i).close();
                } catch (Exception e) {
                    log.warn("Error while stopping {}", started.get(i).getClass().getSimpleName(), e);
                }
            }
            log.info("Strata node {} stopped cleanly in {} ms", services.nodeId(),
                    (System.nanoTime() - startNanos) / 1_000_000);
        } finally {
            shutdown.countDown();
        }
    }
}
