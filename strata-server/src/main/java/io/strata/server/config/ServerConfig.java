package io.strata.server.config;

import io.strata.metadata.LeaderRebalanceConfig;
import io.strata.server.replication.ReplicationConfig;
import io.strata.server.security.SecurityProtocolName;
import io.strata.storage.LogConfig;
import io.strata.storage.LogManagerConfig;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeMap;
import org.apache.kafka.common.config.ConfigException;

/**
 * The node's static configuration: Kafka's KRaft property names and defaults, parsed and validated once at start.
 * Immutable and thread-safe.
 *
 * <p>Topic-level defaults ({@code log.segment.bytes}, {@code message.max.bytes}...) are the broker synonyms of
 * {@link LogConfig#KEYS}; {@link #logConfigDefaults()} turns them into topic-level names. The key table is
 * {@link BrokerKeyTable}'s, the listener keys are read by {@link ListenerConfig}.
 */
public final class ServerConfig {

    /**
     * Broker keys with their defaults, as DescribeConfigs lists them; topic-level synonyms come from
     * {@link LogConfig#KEYS}.
     */
    public static final List<BrokerConfigKey> KEYS = BrokerKeyTable.KEYS;

    private final Map<String, String> originals;
    private final Map<String, String> values;
    private final ListenerConfig listeners;

    private ServerConfig(Map<String, String> originals) {
        this.originals = Collections.unmodifiableMap(new TreeMap<>(originals));
        this.values = Collections.unmodifiableMap(BrokerKeyTable.withDefaults(originals));
        this.listeners = new ListenerConfig(values, originals.containsKey("listener.security.protocol.map"));
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
        return BrokerKeyTable.acceptedWithoutEffect(originals.keySet());
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
        return splitList(values.get("process.roles"));
    }

    public List<Endpoint> listeners() {
        return listeners.listeners();
    }

    /** Client-facing listeners: every listener except the controller listeners. */
    public List<Endpoint> brokerListeners() {
        return listeners.brokerListeners();
    }

    /**
     * The embedded HTTP server's listeners ({@code http.listeners}): {@code HTTP} and {@code HTTPS}, at most one of
     * each; empty when it is off.
     */
    public List<Endpoint> httpListeners() {
        return listeners.httpListeners();
    }

    /**
     * The schema registry's own listeners ({@code schema.registry.listeners}), serving its API at the root path;
     * empty (the default) when the registry is only under {@code /schema-registry} of the HTTP server.
     */
    public List<Endpoint> schemaRegistryListeners() {
        return listeners.schemaRegistryListeners();
    }

    /** Advertised listeners; those not given fall back to the bound listener. */
    public List<Endpoint> advertisedListeners() {
        return listeners.advertisedListeners();
    }

    public List<String> controllerListenerNames() {
        return listeners.controllerListenerNames();
    }

    /** Voter id to the address of its controller listener. */
    public Map<Integer, InetSocketAddress> quorumVoters() {
        Map<Integer, InetSocketAddress> voters = new TreeMap<>();
        for (String voter : splitList(values.get("controller.quorum.voters"))) {
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
        return listeners.securityProtocolMap();
    }

    /** The security protocol of a listener. */
    public SecurityProtocolName securityProtocol(String listenerName) {
        return listeners.securityProtocol(listenerName);
    }

    /**
     * The listener brokers use to reach each other: {@code inter.broker.listener.name}, else the listener named
     * by {@code security.inter.broker.protocol}, else the first client listener.
     */
    public String interBrokerListenerName() {
        return listeners.interBrokerListenerName();
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
        listeners.validate();
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

    /** The items of a Kafka list value: comma-separated, trimmed, empty ones dropped; none when unset. */
    static List<String> splitList(String value) {
        if (value == null || value.isBlank()) {
            return List.of();
        }
        return Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
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
