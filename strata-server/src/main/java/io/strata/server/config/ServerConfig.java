package io.strata.server.config;

import io.strata.metadata.LeaderRebalanceConfig;
import io.strata.server.replication.ReplicationConfig;
import io.strata.server.security.SecurityProtocolName;
import io.strata.storage.LogConfig;
import io.strata.storage.LogManagerConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.kafka.common.config.ConfigException;

/**
 * The node's static configuration: Kafka's KRaft property names and defaults, parsed and validated once at start.
 * Immutable and thread-safe.
 *
 * <p>Topic-level defaults ({@code log.segment.bytes}, {@code message.max.bytes}...) are the broker synonyms of
 * {@link LogConfig#KEYS}; {@link #logConfigDefaults()} turns them into topic-level names.
 */
public final class ServerConfig {

    /** Kafka's default {@code listener.security.protocol.map}. */
    public static final String DEFAULT_PROTOCOL_MAP =
            "SASL_SSL:SASL_SSL,PLAINTEXT:PLAINTEXT,SSL:SSL,SASL_PLAINTEXT:SASL_PLAINTEXT";

    /** Broker keys with their defaults; topic-level synonyms come from {@link LogConfig#KEYS}. */
    public static final List<BrokerConfigKey> KEYS = List.of(
            key("process.roles", BrokerConfigKey.Type.LIST, "broker,controller", "The roles of this node: broker, controller or both."),
            key("node.id", BrokerConfigKey.Type.INT, "1", "The id of this node in the cluster."),
            key("listeners", BrokerConfigKey.Type.LIST, "PLAINTEXT://:9092,CONTROLLER://:9093", "Listeners to bind, as NAME://host:port."),
            key("advertised.listeners", BrokerConfigKey.Type.LIST, null, "Listeners published to clients; defaults to listeners."),
            key("http.listeners", BrokerConfigKey.Type.LIST, "HTTP://:9190", "Listeners of the embedded HTTP server (/metrics, the console, the schema registry, the HTTP proxy), as HTTP://host:port or HTTPS://host:port (TLS from listener.name.https.ssl.* or ssl.*); empty turns it off and with it metrics recording."),
            key("http.authentication", BrokerConfigKey.Type.STRING, "none", "Strata's own: none, or basic for HTTP Basic authentication of every HTTP request (also on schema.registry.listeners) against the SASL users (SCRAM credentials and PLAIN JAAS users)."),
            key("http.authentication.open.paths", BrokerConfigKey.Type.LIST, "", "Strata's own: paths served without credentials when http.authentication=basic, e.g. /metrics for a Prometheus without credentials."),
            key("schema.registry.listeners", BrokerConfigKey.Type.LIST, null, "Strata's own: listeners serving the schema registry's API at the root path, as Confluent's registry does (HTTP://:8081 or HTTPS://); off by default, the API being under /schema-registry of http.listeners."),
            key("rest.max.request.bytes", BrokerConfigKey.Type.INT, "10485760", "Strata's own: the largest request body the HTTP proxy reads (one record of a streamed v3 produce); larger ones get 413."),
            key("rest.consumer.max.instances", BrokerConfigKey.Type.INT, "100", "Strata's own: HTTP proxy consumer instances a node keeps at most; one more is refused with 429 (error code 42901)."),
            key("rest.consumer.instance.timeout.ms", BrokerConfigKey.Type.INT, "300000", "An HTTP proxy consumer instance unused this long is closed (Confluent's consumer.instance.timeout.ms)."),
            key("rest.consumer.request.timeout.ms", BrokerConfigKey.Type.INT, "1000", "How long GET records waits for records by default (Confluent's consumer.request.timeout.ms)."),
            key("rest.consumer.request.max.bytes", BrokerConfigKey.Type.INT, "67108864", "The most bytes of keys and values one GET records returns (Confluent's consumer.request.max.bytes)."),
            key("controller.listener.names", BrokerConfigKey.Type.LIST, "CONTROLLER", "Listeners used by the metadata quorum."),
            key("controller.quorum.voters", BrokerConfigKey.Type.LIST, "1@localhost:9093", "Metadata quorum voters as id@host:port."),
            key("log.dirs", BrokerConfigKey.Type.LIST, "/tmp/strata-logs", "Directories holding the partition logs."),
            key("metadata.log.dir", BrokerConfigKey.Type.STRING, null, "Directory of the metadata log; defaults to the first log dir."),
            key("strata.metadata.listener.address", BrokerConfigKey.Type.STRING, null, "host:port of the metadata log listener of a broker-only node; defaults to the inter-broker listener's host and a port picked once and kept in the metadata log dir."),
            key("num.partitions", BrokerConfigKey.Type.INT, "1", "Default number of partitions of new topics."),
            key("default.replication.factor", BrokerConfigKey.Type.INT, "1", "Default replication factor of new topics."),
            key("auto.create.topics.enable", BrokerConfigKey.Type.BOOLEAN, "true", "Create topics on first metadata request."),
            key("socket.request.max.bytes", BrokerConfigKey.Type.INT, "104857600", "Largest request the broker reads."),
            key("max.connections", BrokerConfigKey.Type.INT, "2147483647", "Maximum number of client connections."),
            key("connections.max.idle.ms", BrokerConfigKey.Type.LONG, "600000", "Idle connections are closed after this time."),
            key("num.recovery.threads.per.data.dir", BrokerConfigKey.Type.INT, "2", "Threads that recover logs at start."),
            key("log.flush.scheduler.interval.ms", BrokerConfigKey.Type.LONG, Long.toString(Long.MAX_VALUE), "How often the flusher checks flush.ms."),
            key("log.flush.offset.checkpoint.interval.ms", BrokerConfigKey.Type.INT, "60000", "How often the recovery point is checkpointed."),
            key("log.retention.check.interval.ms", BrokerConfigKey.Type.LONG, "300000", "How often retention runs."),
            key("log.segment.delete.delay.ms", BrokerConfigKey.Type.LONG, "60000", "Delay before a deleted segment's files are removed."),
            key("log.cleaner.enable", BrokerConfigKey.Type.BOOLEAN, "true", "Run the log cleaner that compacts cleanup.policy=compact topics."),
            key("log.cleaner.threads", BrokerConfigKey.Type.INT, "1", "Number of log cleaner threads."),
            key("log.cleaner.backoff.ms", BrokerConfigKey.Type.LONG, "15000", "How long the cleaner waits when no log needs cleaning."),
            key("producer.id.expiration.ms", BrokerConfigKey.Type.LONG, "86400000", "How long the state of an idempotent producer is kept after its last batch."),
            key("producer.id.expiration.check.interval.ms", BrokerConfigKey.Type.LONG, "600000", "How often expired producer ids are removed."),
            key("strata.log.dir.min.free.bytes", BrokerConfigKey.Type.LONG, Long.toString(LogManagerConfig.DEFAULT_MIN_FREE_BYTES), "Strata's own: appends to a log directory are refused with KAFKA_STORAGE_ERROR while they would leave less than this many bytes usable on its file system."),
            key("log.retention.hours", BrokerConfigKey.Type.INT, "168", "Retention in hours when log.retention.ms/minutes are unset."),
            key("log.retention.minutes", BrokerConfigKey.Type.INT, null, "Retention in minutes when log.retention.ms is unset."),
            key("log.roll.hours", BrokerConfigKey.Type.INT, "168", "Segment roll time in hours when log.roll.ms is unset."),
            key("metadata.request.timeout.ms", BrokerConfigKey.Type.INT, "30000", "How long a metadata write may take."),
            key("max.request.partition.size.limit", BrokerConfigKey.Type.INT, "2000", "Most partitions in one DescribeTopicPartitions response."),
            key("inter.broker.listener.name", BrokerConfigKey.Type.STRING, null, "Listener followers fetch from; defaults to the listener named by security.inter.broker.protocol, else the first client listener."),
            key("security.inter.broker.protocol", BrokerConfigKey.Type.STRING, null, "Security protocol between brokers: the inter-broker listener is the one of that name (exclusive with inter.broker.listener.name)."),
            key("listener.security.protocol.map", BrokerConfigKey.Type.STRING, DEFAULT_PROTOCOL_MAP, "Security protocol of each listener name, as NAME:PROTOCOL pairs."),
            key("sasl.enabled.mechanisms", BrokerConfigKey.Type.LIST, "GSSAPI", "SASL mechanisms of SASL listeners (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512 are supported); listener.name.<l>.sasl.enabled.mechanisms per listener."),
            key("connections.max.reauth.ms", BrokerConfigKey.Type.LONG, "0", "Longest SASL session before the client must re-authenticate (KIP-368); 0 for no limit."),
            key("sasl.server.max.receive.size", BrokerConfigKey.Type.INT, "524288", "Largest request read before a connection has authenticated."),
            key("quota.window.num", BrokerConfigKey.Type.INT, "11", "Samples kept in memory for client quotas."),
            key("quota.window.size.seconds", BrokerConfigKey.Type.INT, "1", "Time span of each client quota sample."),
            key("controller.quota.window.num", BrokerConfigKey.Type.INT, "11", "Samples kept in memory for controller mutation quotas."),
            key("controller.quota.window.size.seconds", BrokerConfigKey.Type.INT, "1", "Time span of each controller mutation quota sample."),
            key("strata.connection.authentication.timeout.ms", BrokerConfigKey.Type.LONG, "10000", "Strata's own: a connection that has not finished its TLS handshake and SASL authentication within this time is closed."),
            key("authorizer.class.name", BrokerConfigKey.Type.STRING, "", "The authorizer: org.apache.kafka.metadata.authorizer.StandardAuthorizer (or acl) checks ACLs stored in the metadata log; empty allows everything."),
            key("super.users", BrokerConfigKey.Type.STRING, null, "Principals the authorizer allows everything, separated by semicolons (User:admin;User:broker)."),
            key("allow.everyone.if.no.acl.found", BrokerConfigKey.Type.BOOLEAN, "false", "Whether the authorizer allows everyone to use a resource that has no ACL."),
            key("controller.quorum.election.timeout.ms", BrokerConfigKey.Type.INT, "1000", "How long a metadata quorum voter waits without hearing from the leader before it starts an election (randomised up to twice as long)."),
            key("broker.session.timeout.ms", BrokerConfigKey.Type.INT, "9000", "A broker the controller has not heard from for this long is fenced."),
            key("broker.heartbeat.interval.ms", BrokerConfigKey.Type.INT, "2000", "Accepted for Kafka compatibility, no effect: brokers are heard through the metadata quorum's own heartbeats."),
            key("controlled.shutdown.enable", BrokerConfigKey.Type.BOOLEAN, "true", "Move leadership away before a node stops."),
            key("auto.leader.rebalance.enable", BrokerConfigKey.Type.BOOLEAN, "true", "The active controller moves leadership back to preferred replicas."),
            key("leader.imbalance.check.interval.seconds", BrokerConfigKey.Type.LONG, "300", "How often the active controller checks the leader balance."),
            key("leader.imbalance.per.broker.percentage", BrokerConfigKey.Type.INT, "10", "Share of a broker's preferred partitions led elsewhere above which leadership moves back."),
            key("replica.lag.time.max.ms", BrokerConfigKey.Type.LONG, "30000", "A follower not caught up for this long leaves the ISR."),
            key("num.replica.fetchers", BrokerConfigKey.Type.INT, "1", "Fetcher threads per source broker."),
            key("replica.fetch.wait.max.ms", BrokerConfigKey.Type.INT, "500", "Longest wait of a follower's fetch at the leader."),
            key("replica.fetch.min.bytes", BrokerConfigKey.Type.INT, "1", "Bytes a follower's fetch waits for."),
            key("replica.fetch.max.bytes", BrokerConfigKey.Type.INT, "1048576", "Bytes a follower fetches per partition."),
            key("replica.fetch.response.max.bytes", BrokerConfigKey.Type.INT, "10485760", "Bytes a follower fetches per request."),
            key("replica.fetch.backoff.ms", BrokerConfigKey.Type.INT, "1000", "Pause after a failed follower fetch."),
            key("replica.socket.timeout.ms", BrokerConfigKey.Type.INT, "30000", "Socket timeout of follower fetches."));

    /** Per-listener security keys read by {@code ListenerSecurity} (unprefixed and {@code listener.name.<l>.}). */
    public static final Set<String> SECURITY_KEYS = Set.of("ssl.keystore.location", "ssl.keystore.password",
            "ssl.keystore.type", "ssl.keystore.certificate.chain", "ssl.keystore.key", "ssl.key.password",
            "ssl.truststore.location", "ssl.truststore.password", "ssl.truststore.type",
            "ssl.truststore.certificates", "ssl.client.auth", "ssl.enabled.protocols", "ssl.protocol",
            "ssl.cipher.suites", "ssl.endpoint.identification.algorithm", "ssl.principal.mapping.rules",
            "ssl.keymanager.algorithm", "ssl.trustmanager.algorithm", "sasl.jaas.config",
            "sasl.mechanism.inter.broker.protocol");

    /** Broker keys read by other components from this config: the group coordinator's and the rack. */
    private static final Set<String> READ_ELSEWHERE = Set.of("log.dir", "broker.rack",
            "group.initial.rebalance.delay.ms", "group.min.session.timeout.ms", "group.max.session.timeout.ms",
            "group.max.size", "offsets.topic.num.partitions", "offsets.topic.replication.factor",
            "offsets.topic.segment.bytes", "offsets.retention.minutes", "offsets.retention.check.interval.ms",
            "offset.metadata.max.bytes", "offsets.commit.timeout.ms", "group.consumer.heartbeat.interval.ms",
            "group.consumer.session.timeout.ms", "group.consumer.max.size");

    /** Kafka 4.3's broker config names (a resource generated from Kafka's definitions). */
    private static final Set<String> KAFKA_BROKER_KEYS = kafkaBrokerKeys();

    private static BrokerConfigKey key(String name, BrokerConfigKey.Type type, String def, String doc) {
        return new BrokerConfigKey(name, type, def, doc);
    }

    private final Map<String, String> originals;
    private final Map<String, String> values;

    private ServerConfig(Map<String, String> originals) {
        this.originals = Collections.unmodifiableMap(new TreeMap<>(originals));
        Map<String, String> v = new LinkedHashMap<>();
        for (BrokerConfigKey k : KEYS) {
            if (k.defaultValue() != null) {
                v.put(k.name(), k.defaultValue());
            }
        }
        v.putAll(originals);
        this.values = Collections.unmodifiableMap(v);
        validate();
    }

    /** Parses and validates the given properties. */
    public static ServerConfig from(Map<String, String> properties) {
        return new ServerConfig(properties);
    }

    /**
     * The given keys that Apache Kafka's broker knows and this node accepts without acting on them (security,
     * quotas, tiered storage, thread pools...), sorted: the node says so once at start. Keys Kafka does not know
     * are ignored silently, as Kafka ignores them.
     */
    public SortedSet<String> acceptedWithoutEffect() {
        Set<String> actedOn = new HashSet<>(READ_ELSEWHERE);
        KEYS.stream().map(BrokerConfigKey::name).forEach(actedOn::add);
        // Listed as a key for DescribeConfigs, but the metadata quorum's heartbeats do its work.
        actedOn.remove("broker.heartbeat.interval.ms");
        actedOn.addAll(SECURITY_KEYS);
        LogConfig.KEYS.stream().filter(LogConfig.Key::applied)
                .forEach(k -> k.brokerSynonym().ifPresent(actedOn::add));
        SortedSet<String> result = new TreeSet<>(originals.keySet());
        result.retainAll(KAFKA_BROKER_KEYS);
        result.removeAll(actedOn);
        return result;
    }

    private static Set<String> kafkaBrokerKeys() {
        try (InputStream in = ServerConfig.class.getResourceAsStream("kafka-broker-configs.txt")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().map(String::trim)
                    .filter(l -> !l.isEmpty() && !l.startsWith("#")).collect(Collectors.toUnmodifiableSet());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The properties as given (not including defaults). */
    public Map<String, String> originals() {
        return originals;
    }

    public Optional<String> get(String key) {
        return Optional.ofNullable(values.get(key));
    }

    public int nodeId() {
        return intValue("node.id");
    }

    /** {@code max.request.partition.size.limit}: the most partitions one DescribeTopicPartitions response holds. */
    public int maxRequestPartitionSizeLimit() {
        return intValue("max.request.partition.size.limit");
    }

    public List<String> processRoles() {
        return list("process.roles");
    }

    public List<Endpoint> listeners() {
        return Endpoint.parseList("listeners", values.get("listeners"));
    }

    /** Client-facing listeners: every listener except the controller listeners. */
    public List<Endpoint> brokerListeners() {
        List<String> controllers = controllerListenerNames();
        return listeners().stream().filter(e -> !controllers.contains(e.listenerName())).toList();
    }

    /**
     * The embedded HTTP server's listeners ({@code http.listeners}): {@code HTTP} and {@code HTTPS}, at most one of
     * each; empty when it is off.
     */
    public List<Endpoint> httpListeners() {
        List<Endpoint> endpoints = Endpoint.parseList("http.listeners", values.get("http.listeners"));
        for (Endpoint e : endpoints) {
            if (!e.listenerName().equals("HTTP") && !e.listenerName().equals("HTTPS")) {
                throw new ConfigException("http.listeners", values.get("http.listeners"),
                        "listener " + e.listenerName() + " is not supported: HTTP://host:port or HTTPS://host:port");
            }
        }
        return endpoints;
    }

    /**
     * The schema registry's own listeners ({@code schema.registry.listeners}), serving its API at the root path;
     * empty (the default) when the registry is only under {@code /schema-registry} of the HTTP server. HTTP or
     * HTTPS (with the HTTP server's TLS), and only beside {@code http.listeners}, whose first listener other nodes
     * forward registry writes to.
     */
    public List<Endpoint> schemaRegistryListeners() {
        String key = "schema.registry.listeners";
        List<Endpoint> endpoints = Endpoint.parseList(key, values.get(key));
        for (Endpoint e : endpoints) {
            if (!e.listenerName().equals("HTTP") && !e.listenerName().equals("HTTPS")) {
                throw new ConfigException(key, values.get(key),
                        "listener " + e.listenerName() + " is not supported: HTTP://host:port or HTTPS://host:port");
            }
        }
        if (!endpoints.isEmpty() && httpListeners().isEmpty()) {
            throw new ConfigException(key, values.get(key), "the schema registry needs the HTTP server: set "
                    + "http.listeners too");
        }
        return endpoints;
    }

    /** Advertised listeners; those not given fall back to the bound listener. */
    public List<Endpoint> advertisedListeners() {
        return Endpoint.parseList("advertised.listeners", values.get("advertised.listeners"));
    }

    public List<String> controllerListenerNames() {
        return list("controller.listener.names").stream().map(s -> s.toUpperCase(Locale.ROOT)).toList();
    }

    /** Voter id to the address of its controller listener. */
    public Map<Integer, InetSocketAddress> quorumVoters() {
        Map<Integer, InetSocketAddress> voters = new TreeMap<>();
        for (String voter : list("controller.quorum.voters")) {
            int at = voter.indexOf('@');
            int colon = voter.lastIndexOf(':');
            if (at <= 0 || colon <= at + 1) {
                throw new ConfigException("controller.quorum.voters", values.get("controller.quorum.voters"),
                        "expected id@host:port, got '" + voter + "'");
            }
            try {
                int id = Integer.parseInt(voter.substring(0, at));
                String host = voter.substring(at + 1, colon);
                int port = Integer.parseInt(voter.substring(colon + 1));
                voters.put(id, InetSocketAddress.createUnresolved(host, port));
            } catch (NumberFormatException e) {
                throw new ConfigException("controller.quorum.voters", values.get("controller.quorum.voters"),
                        "expected id@host:port, got '" + voter + "'");
            }
        }
        return voters;
    }

    public List<Path> logDirs() {
        // Kafka reads log.dirs first and falls back to the older single-directory key log.dir.
        String raw = originals.containsKey("log.dirs") ? originals.get("log.dirs")
                : originals.getOrDefault("log.dir", values.get("log.dirs"));
        return Arrays.stream(raw.split(",")).map(String::trim).filter(s -> !s.isEmpty()).map(Path::of).toList();
    }

    /**
     * {@code strata.metadata.listener.address}: where a broker-only node's Raft server (a listener of the metadata
     * log) binds and is reached, if fixed; empty to derive it (see {@code io.strata.metadata.ListenerEndpoint}).
     */
    public Optional<InetSocketAddress> metadataListenerAddress() {
        return get("strata.metadata.listener.address").map(String::trim).filter(v -> !v.isEmpty()).map(v -> {
            int colon = v.lastIndexOf(':');
            try {
                if (colon <= 0) {
                    throw new NumberFormatException();
                }
                int port = Integer.parseInt(v.substring(colon + 1));
                if (port <= 0 || port > 65535) {
                    throw new NumberFormatException();
                }
                return InetSocketAddress.createUnresolved(v.substring(0, colon), port);
            } catch (NumberFormatException e) {
                throw new ConfigException("strata.metadata.listener.address", v, "expected host:port");
            }
        });
    }

    public Path metadataLogDir() {
        return get("metadata.log.dir").map(Path::of).orElse(logDirs().get(0));
    }

    public int numPartitions() {
        return intValue("num.partitions");
    }

    public short defaultReplicationFactor() {
        return (short) intValue("default.replication.factor");
    }

    public boolean autoCreateTopics() {
        return Boolean.parseBoolean(values.get("auto.create.topics.enable"));
    }

    public int socketRequestMaxBytes() {
        return intValue("socket.request.max.bytes");
    }

    public int maxConnections() {
        return intValue("max.connections");
    }

    public long connectionsMaxIdleMs() {
        return longValue("connections.max.idle.ms");
    }

    /** {@code sasl.server.max.receive.size}: the largest request read before authentication. */
    public int saslServerMaxReceiveBytes() {
        return intValue("sasl.server.max.receive.size");
    }

    /** {@code quota.window.num}: samples of client quota rates (produce, fetch, request time). */
    public int quotaWindowNum() {
        return intValue("quota.window.num");
    }

    /** {@code quota.window.size.seconds}: the span of each client quota sample. */
    public int quotaWindowSizeSeconds() {
        return intValue("quota.window.size.seconds");
    }

    /** {@code controller.quota.window.num}: samples of controller mutation rates. */
    public int controllerQuotaWindowNum() {
        return intValue("controller.quota.window.num");
    }

    /** {@code controller.quota.window.size.seconds}: the span of each controller mutation sample. */
    public int controllerQuotaWindowSizeSeconds() {
        return intValue("controller.quota.window.size.seconds");
    }

    /** {@code strata.connection.authentication.timeout.ms}: the time to finish TLS and SASL authentication. */
    public long authenticationTimeoutMs() {
        return longValue("strata.connection.authentication.timeout.ms");
    }

    public long brokerSessionTimeoutMs() {
        return intValue("broker.session.timeout.ms");
    }

    public boolean controlledShutdown() {
        return Boolean.parseBoolean(values.get("controlled.shutdown.enable"));
    }

    /** Kafka's automatic preferred-leader rebalance settings. */
    public LeaderRebalanceConfig leaderRebalance() {
        return new LeaderRebalanceConfig(Boolean.parseBoolean(values.get("auto.leader.rebalance.enable").trim()),
                Duration.ofSeconds(longValue("leader.imbalance.check.interval.seconds")),
                intValue("leader.imbalance.per.broker.percentage"));
    }

    public long replicaLagTimeMaxMs() {
        return longValue("replica.lag.time.max.ms");
    }

    /**
     * Each listener name's security protocol: {@code listener.security.protocol.map}, where, as in Kafka's KRaft
     * mode, controller listeners missing from the default map are PLAINTEXT.
     */
    public Map<String, SecurityProtocolName> securityProtocolMap() {
        String raw = values.get("listener.security.protocol.map");
        Map<String, SecurityProtocolName> map = new LinkedHashMap<>();
        for (String pair : raw.split(",")) {
            if (pair.isBlank()) {
                continue;
            }
            int colon = pair.indexOf(':');
            Optional<SecurityProtocolName> protocol = colon > 0 ? SecurityProtocolName.of(pair.substring(colon + 1))
                    : Optional.empty();
            if (protocol.isEmpty()) {
                throw new ConfigException("listener.security.protocol.map", raw, "expected NAME:PROTOCOL pairs with "
                        + "PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL, got '" + pair.trim() + "'");
            }
            map.put(pair.substring(0, colon).trim().toUpperCase(Locale.ROOT), protocol.get());
        }
        if (!originals.containsKey("listener.security.protocol.map")) {
            controllerListenerNames().forEach(n -> map.putIfAbsent(n, SecurityProtocolName.PLAINTEXT));
        }
        return map;
    }

    /** The security protocol of a listener. */
    public SecurityProtocolName securityProtocol(String listenerName) {
        SecurityProtocolName protocol = securityProtocolMap().get(listenerName);
        if (protocol == null) {
            throw new ConfigException("listener.security.protocol.map", values.get("listener.security.protocol.map"),
                    "no security protocol defined for listener " + listenerName);
        }
        return protocol;
    }

    /**
     * The listener brokers use to reach each other: {@code inter.broker.listener.name}, else the listener named
     * by {@code security.inter.broker.protocol}, else the first client listener.
     */
    public String interBrokerListenerName() {
        Optional<String> byName = get("inter.broker.listener.name").map(s -> s.trim().toUpperCase(Locale.ROOT));
        Optional<String> byProtocol = get("security.inter.broker.protocol").map(s -> s.trim()
                .toUpperCase(Locale.ROOT));
        if (byName.isPresent() && byProtocol.isPresent()) {
            throw new ConfigException("Only one of inter.broker.listener.name and security.inter.broker.protocol "
                    + "may be set");
        }
        return byName.or(() -> byProtocol).orElseGet(() -> brokerListeners().get(0).listenerName());
    }

    /** How followers fetch from their leaders. */
    public ReplicationConfig replicationConfig() {
        String listener = interBrokerListenerName();
        return new ReplicationConfig(intValue("replica.fetch.wait.max.ms"), intValue("replica.fetch.min.bytes"),
                intValue("replica.fetch.max.bytes"), intValue("replica.fetch.response.max.bytes"),
                intValue("replica.fetch.backoff.ms"), intValue("replica.socket.timeout.ms"),
                Math.max(1, intValue("num.replica.fetchers")), listener);
    }

    /** Kafka's {@code controller.quorum.election.timeout.ms}: the shortest Ratis election timeout. */
    public Duration quorumElectionTimeout() {
        return Duration.ofMillis(Math.max(1, intValue("controller.quorum.election.timeout.ms")));
    }

    public long metadataRequestTimeoutMs() {
        return longValue("metadata.request.timeout.ms");
    }

    public LogManagerConfig logManagerConfig() {
        return new LogManagerConfig(logDirs(), intValue("num.recovery.threads.per.data.dir"),
                longValue("log.flush.scheduler.interval.ms"), longValue("log.flush.offset.checkpoint.interval.ms"),
                longValue("log.retention.check.interval.ms"), longValue("log.segment.delete.delay.ms"),
                Boolean.parseBoolean(values.get("log.cleaner.enable").trim()), intValue("log.cleaner.threads"),
                longValue("log.cleaner.backoff.ms"), longValue("producer.id.expiration.ms"),
                longValue("producer.id.expiration.check.interval.ms"), longValue("strata.log.dir.min.free.bytes"));
    }

    /**
     * The broker's defaults for topic-level configs, keyed by topic-level name: the broker synonym when set,
     * then Kafka's derived keys ({@code log.retention.minutes/hours}, {@code log.roll.hours}), then the default.
     */
    public Map<String, String> logConfigDefaults() {
        Map<String, String> defaults = new LinkedHashMap<>();
        for (LogConfig.Key key : LogConfig.KEYS) {
            String value = key.brokerSynonym().map(originals::get).orElse(null);
            if (value == null && key.name().equals("retention.ms")) {
                value = derived("log.retention.minutes", 60_000L, "log.retention.hours", 3_600_000L);
            } else if (value == null && key.name().equals("segment.ms")) {
                value = derived(null, 0, "log.roll.hours", 3_600_000L);
            }
            defaults.put(key.name(), value != null ? value : key.defaultValue());
        }
        return defaults;
    }

    private String derived(String minutesKey, long minuteMs, String hoursKey, long hourMs) {
        if (minutesKey != null && originals.containsKey(minutesKey)) {
            return Long.toString(intValue(minutesKey) * minuteMs);
        }
        if (originals.containsKey(hoursKey)) {
            return Long.toString(intValue(hoursKey) * hourMs);
        }
        return null;
    }

    private void validate() {
        for (BrokerConfigKey k : KEYS) {
            String v = values.get(k.name());
            if (v == null) {
                continue;
            }
            switch (k.type()) {
                case INT -> intValue(k.name());
                case LONG -> longValue(k.name());
                case BOOLEAN -> {
                    if (!v.trim().equalsIgnoreCase("true") && !v.trim().equalsIgnoreCase("false")) {
                        throw new ConfigException(k.name(), v, "expected true or false");
                    }
                }
                default -> { }
            }
        }
        if (logDirs().isEmpty()) {
            throw new ConfigException("log.dirs", values.get("log.dirs"), "at least one directory is required");
        }
        if (longValue("strata.log.dir.min.free.bytes") < 0) {
            throw new ConfigException("strata.log.dir.min.free.bytes", values.get("strata.log.dir.min.free.bytes"),
                    "must not be negative");
        }
        for (String role : processRoles()) {
            if (!role.equals("broker") && !role.equals("controller")) {
                throw new ConfigException("process.roles", values.get("process.roles"), "unknown role " + role);
            }
        }
        listeners();
        advertisedListeners();
        validateListenerSecurity();
        httpListeners();
        schemaRegistryListeners();
        quorumVoters();
        metadataListenerAddress();
        try {
            leaderRebalance();
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage());
        }
        try {
            for (LogConfig.Key key : LogConfig.KEYS) {
                Optional<String> value = key.brokerSynonym().map(originals::get);
                if (value.isPresent()) {
                    LogConfig.validateBrokerValue(key, value.get());
                }
            }
            LogConfig.fromTopicConfigs(logConfigDefaults());
        } catch (org.apache.kafka.common.errors.InvalidConfigurationException e) {
            throw new ConfigException(e.getMessage());
        }
    }

    /**
     * Every listener has a protocol; the metadata quorum's listeners are plaintext (Ratis runs over its own
     * unencrypted gRPC transport, so a secured controller listener would be a false promise); the inter-broker
     * listener is one of this node's client listeners.
     */
    private void validateListenerSecurity() {
        for (Endpoint e : listeners()) {
            SecurityProtocolName protocol = securityProtocol(e.listenerName());
            if (controllerListenerNames().contains(e.listenerName()) && protocol != SecurityProtocolName.PLAINTEXT) {
                throw new ConfigException("listener.security.protocol.map", values.get(
                        "listener.security.protocol.map"), "controller listener " + e.listenerName() + " must be "
                        + "PLAINTEXT: the metadata quorum (Apache Ratis) does not run over TLS or SASL yet");
            }
        }
        if (!brokerListeners().isEmpty()) {
            String interBroker = interBrokerListenerName();
            if (brokerListeners().stream().noneMatch(e -> e.listenerName().equals(interBroker))) {
                throw new ConfigException("inter.broker.listener.name", interBroker,
                        "not one of this node's client listeners " + brokerListeners());
            }
        }
    }

    private List<String> list(String key) {
        String v = values.get(key);
        if (v == null || v.isBlank()) {
            return List.of();
        }
        return Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    private int intValue(String key) {
        String v = values.get(key);
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException | NullPointerException e) {
            throw new ConfigException(key, v, "expected an integer");
        }
    }

    private long longValue(String key) {
        String v = values.get(key);
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException | NullPointerException e) {
            throw new ConfigException(key, v, "expected a long integer");
        }
    }
}
