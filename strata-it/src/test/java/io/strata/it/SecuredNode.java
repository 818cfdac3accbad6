package io.strata.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.strata.server.StrataServer;
import io.strata.server.config.ServerConfig;
import io.strata.server.security.ScramBootstrap;
import io.strata.testkit.Ports;
import java.net.InetSocketAddress;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;

/**
 * One in-process node with a SASL_SSL listener (SCRAM-SHA-512, first admin {@code admin}/{@code admin-secret},
 * sessions re-authenticated every {@link #REAUTH_MS} ms), an SSL listener requiring client certificates, a PLAINTEXT
 * listener and an HTTPS listener with Basic authentication, all with keys certified by one test CA; and the client
 * configurations for each listener. Unauthenticated connections are closed after 5 s
 * ({@code strata.connection.authentication.timeout.ms}).
 *
 * <p>The security tests share one such node per test JVM ({@link #shared()}), and its certificates per build.
 * Tests sharing it use their own topics and users. Thread-safe: immutable once started.
 */
final class SecuredNode implements AutoCloseable {

    static final String ADMIN_JAAS = jaas("admin", "admin-secret");
    static final long REAUTH_MS = 3000;

    private static final SharedFixture<SecuredNode> SHARED = new SharedFixture<>("secured-node",
            SecuredNode::start);

    private final TestCertificates certs;
    private final Path clientKeyStore;
    private final Path rogueKeyStore;
    private final StrataServer server;

    private SecuredNode(TestCertificates certs, Path clientKeyStore, Path rogueKeyStore, StrataServer server) {
        this.certs = certs;
        this.clientKeyStore = clientKeyStore;
        this.rogueKeyStore = rogueKeyStore;
        this.server = server;
    }

    /** The node of this test JVM, started on first use; stopped, and its directory deleted, when the JVM exits. */
    static SecuredNode shared() throws Exception {
        return SHARED.get();
    }

    /** Starts the node with its data under {@code dir}, and the certificates {@link #certificates} gives. */
    private static SecuredNode start(Path dir) throws Exception {
        TestCertificates certs = certificates(dir);
        Path serverKeyStore = certs.store("server");
        Path clientKeyStore = certs.store("client");
        Path rogueKeyStore = certs.store("rogue");
        Map<String, String> props = nodeProperties(dir, "PLAINTEXT://127.0.0.1:0,SASL_SSL://127.0.0.1:0,"
                + "SSL://127.0.0.1:0", serverKeyStore);
        // The HTTP listener over TLS with the same key store, every request authenticated against the SASL users.
        props.put("http.listeners", "HTTPS://127.0.0.1:0");
        props.put("http.authentication", "basic");
        props.put("ssl.truststore.location", certs.trustStore().toString());
        props.put("ssl.truststore.password", TestCertificates.PASSWORD);
        props.put("ssl.truststore.type", "PKCS12");
        props.put("listener.name.ssl.ssl.client.auth", "required");
        props.put("ssl.principal.mapping.rules", "RULE:^CN=([^,]+),.*$/$1/L,DEFAULT");
        props.put("listener.name.sasl_ssl.sasl.enabled.mechanisms", "SCRAM-SHA-512");
        // Every SASL_SSL client of these tests re-authenticates (KIP-368) every few seconds.
        props.put("listener.name.sasl_ssl.connections.max.reauth.ms", Long.toString(REAUTH_MS));
        props.put("strata.connection.authentication.timeout.ms", "5000");
        StrataServer server = StrataServer.start(ServerConfig.from(props), List.of(ScramBootstrap.parse(
                "SCRAM-SHA-512=[name=admin,password=admin-secret]")));
        return new SecuredNode(certs, clientKeyStore, rogueKeyStore, server);
    }

    /**
     * The CA and the node's, a client's and a rogue key store: made once per build in {@code strata.it.certs.dir},
     * under a file lock, so that the test JVMs running side by side share them (making them runs {@code keytool}
     * fifteen times); made in {@code dir} when that property is not set. Certificates made more than a day ago are
     * made again: they are valid for 30 days.
     */
    private static TestCertificates certificates(Path dir) throws Exception {
        String shared = System.getProperty("strata.it.certs.dir", "");
        if (shared.isEmpty()) {
            return makeCertificates(Files.createDirectories(dir.resolve("certs")));
        }
        Path certDir = Files.createDirectories(Path.of(shared));
        Path made = certDir.resolve("made");
        try (FileChannel lock = FileChannel.open(certDir.resolve("lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE); FileLock held = lock.lock()) {
            if (Files.exists(made) && Files.getLastModifiedTime(made).toInstant()
                    .isAfter(Instant.now().minus(Duration.ofDays(1)))) {
                return TestCertificates.existing(certDir);
            }
            try (Stream<Path> old = Files.list(certDir)) {
                for (Path p : old.filter(p -> !p.getFileName().toString().equals("lock")).toList()) {
                    Files.delete(p);
                }
            }
            TestCertificates certs = makeCertificates(certDir);
            Files.writeString(made, Instant.now().toString());
            return certs;
        }
    }

    private static TestCertificates makeCertificates(Path certDir) throws Exception {
        TestCertificates certs = TestCertificates.create(certDir);
        // Each keytool run is a JVM start: the three stores are made side by side.
        try (ExecutorService keytool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Path>> stores = List.of(
                    keytool.submit(() -> certs.signed("server", "CN=localhost,O=Strata")),
                    keytool.submit(() -> certs.signed("client", "CN=Client One,OU=Tests,O=Strata")),
                    keytool.submit(() -> certs.selfSigned("rogue", "CN=rogue")));
            for (Future<Path> store : stores) {
                store.get();
            }
        }
        return certs;
    }

    /**
     * The properties of a combined node with its data under {@code dir}, the given client listeners (and a
     * controller listener on a free port) and {@code keyStore} as the key store of its TLS listeners; no HTTP
     * listener. Callers add what their node needs.
     */
    static Map<String, String> nodeProperties(Path dir, String listeners, Path keyStore) {
        int controller = Ports.free();
        Map<String, String> props = new HashMap<>();
        props.put("node.id", "1");
        props.put("process.roles", "broker,controller");
        props.put("listeners", listeners + ",CONTROLLER://127.0.0.1:" + controller);
        props.put("controller.quorum.voters", "1@127.0.0.1:" + controller);
        props.put("log.dirs", dir.resolve("logs").toString());
        props.put("http.listeners", "");
        props.put("ssl.keystore.location", keyStore.toString());
        props.put("ssl.keystore.password", TestCertificates.PASSWORD);
        props.put("ssl.keystore.type", "PKCS12");
        return props;
    }

    /** {@code 127.0.0.1:port} of {@code server}'s listener named {@code listener}. */
    static String address(StrataServer server, String listener) {
        InetSocketAddress a = server.listeners().stream().filter(l -> l.listenerName().equals(listener))
                .findFirst().orElseThrow().address();
        return "127.0.0.1:" + a.getPort();
    }

    StrataServer server() {
        return server;
    }

    TestCertificates certs() {
        return certs;
    }

    /** A key store certified by the CA, for the SSL listener's client authentication ({@code CN=Client One}). */
    Path clientKeyStore() {
        return clientKeyStore;
    }

    /** A key store with a self-signed certificate the CA never saw. */
    Path rogueKeyStore() {
        return rogueKeyStore;
    }

    String plaintext() {
        return address(server, "PLAINTEXT");
    }

    String saslSsl() {
        return address(server, "SASL_SSL");
    }

    String ssl() {
        return address(server, "SSL");
    }

    /** A client of the SASL_SSL listener logging in with {@code jaas}. */
    Map<String, Object> saslSslClient(String jaas) {
        Map<String, Object> config = trusting(saslSsl());
        config.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_SSL");
        config.put(SaslConfigs.SASL_MECHANISM, "SCRAM-SHA-512");
        config.put(SaslConfigs.SASL_JAAS_CONFIG, jaas);
        return config;
    }

    /** A client of the SSL listener presenting the certificate of {@code keyStore}. */
    Map<String, Object> mutualTlsClient(Path keyStore) {
        Map<String, Object> config = trusting(ssl());
        config.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SSL");
        config.put(SslConfigs.SSL_KEYSTORE_LOCATION_CONFIG, keyStore.toString());
        config.put(SslConfigs.SSL_KEYSTORE_PASSWORD_CONFIG, TestCertificates.PASSWORD);
        config.put(SslConfigs.SSL_KEYSTORE_TYPE_CONFIG, "PKCS12");
        return config;
    }

    /** A client of the PLAINTEXT listener. */
    Map<String, Object> plaintextClient() {
        return Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, plaintext());
    }

    /** Every listener still serves a client that belongs there (after something hostile happened to the node). */
    void assertServesEveryListener() throws Exception {
        for (Map<String, Object> config : List.of(saslSslClient(ADMIN_JAAS), mutualTlsClient(clientKeyStore),
                plaintextClient())) {
            try (Admin admin = Admin.create(config)) {
                assertThat(admin.describeCluster().nodes().get()).hasSize(1);
            }
        }
    }

    private Map<String, Object> trusting(String bootstrap) {
        Map<String, Object> config = new HashMap<>();
        config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, certs.trustStore().toString());
        config.put(SslConfigs.SSL_TRUSTSTORE_PASSWORD_CONFIG, TestCertificates.PASSWORD);
        config.put(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, "PKCS12");
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 20_000);
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "security-it");
        return config;
    }

    /** {@code config} without what only Admin or a group member takes, for {@link Clients#producer} and consumer. */
    static Map<String, Object> withoutBootstrap(Map<String, Object> config) {
        Map<String, Object> copy = new HashMap<>(config);
        copy.remove(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG);
        copy.remove(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG);
        copy.remove(ConsumerConfig.GROUP_ID_CONFIG);
        return copy;
    }

    static String jaas(String user, String password) {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user
                + "\" password=\"" + password + "\";";
    }

    /** Stops the node. */
    @Override
    public void close() {
        server.close();
    }
}
