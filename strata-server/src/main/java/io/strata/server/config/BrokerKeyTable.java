package io.strata.server.config;

import io.strata.storage.LogConfig;
import io.strata.storage.LogManagerConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The broker keys a node knows: {@link #KEYS}, with Kafka's names, types and defaults (what the node reads and
 * DescribeConfigs lists), and which of the keys Apache Kafka's broker knows a node acts on at all.
 *
 * <p>Immutable and thread-safe.
 */
final class BrokerKeyTable {

    /** Kafka's default {@code listener.security.protocol.map}. */
    private static final String DEFAULT_PROTOCOL_MAP =
            "SASL_SSL:SASL_SSL,PLAINTEXT:PLAINTEXT,SSL:SSL,SASL_PLAINTEXT:SASL_PLAINTEXT";

    /** Broker keys with their defaults; topic-level synonyms come from {@link LogConfig#KEYS}. */
    static final List<BrokerConfigKey> KEYS = List.of(
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
    private static final Set<String> SECURITY_KEYS = Set.of("ssl.keystore.location", "ssl.keystore.password",
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

    private BrokerKeyTable() {
    }

    /** The given properties over the defaults of {@link #KEYS}, in the table's order and then the given order. */
    static Map<String, String> withDefaults(Map<String, String> properties) {
        Map<String, String> values = new LinkedHashMap<>();
        for (BrokerConfigKey k : KEYS) {
            if (k.defaultValue() != null) {
                values.put(k.name(), k.defaultValue());
            }
        }
        values.putAll(properties);
        return values;
    }

    /**
     * The given keys that Apache Kafka's broker knows and a node accepts without acting on them (security,
     * quotas, tiered storage, thread pools...), sorted. Keys Kafka does not know are left out, as Kafka ignores
     * them.
     */
    static SortedSet<String> acceptedWithoutEffect(Set<String> given) {
        Set<String> actedOn = new HashSet<>(READ_ELSEWHERE);
        KEYS.stream().map(BrokerConfigKey::name).forEach(actedOn::add);
        // Listed as a key for DescribeConfigs, but the metadata quorum's heartbeats do its work.
        actedOn.remove("broker.heartbeat.interval.ms");
        actedOn.addAll(SECURITY_KEYS);
        LogConfig.KEYS.stream().filter(LogConfig.Key::applied)
                .forEach(k -> k.brokerSynonym().ifPresent(actedOn::add));
        SortedSet<String> result = new TreeSet<>(given);
        result.retainAll(KAFKA_BROKER_KEYS);
        result.removeAll(actedOn);
        return result;
    }

    private static Set<String> kafkaBrokerKeys() {
        try (InputStream in = BrokerKeyTable.class.getResourceAsStream("kafka-broker-configs.txt")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().map(String::trim)
                    .filter(l -> !l.isEmpty() && !l.startsWith("#")).collect(Collectors.toUnmodifiableSet());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
