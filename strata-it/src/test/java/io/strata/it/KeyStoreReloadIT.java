package io.strata.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.strata.server.StrataServer;
import io.strata.server.config.ServerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A TLS listener's key store changed at run time as Kafka users do it (KIP-226): IncrementalAlterConfigs of
 * {@code listener.name.ssl.ssl.keystore.location} on the broker's resource. New connections get the new certificate
 * while an open producer keeps sending; a store that does not load is refused with INVALID_CONFIG and changes
 * nothing; the cluster-wide default is refused; the secret is described as sensitive; the change survives a
 * restart; and re-setting the same location reloads a certificate renewed in place.
 */
class KeyStoreReloadIT {

    private static final String LOCATION = "listener.name.ssl.ssl.keystore.location";
    private static final String PASSWORD = "listener.name.ssl.ssl.keystore.password";

    @TempDir
    Path dir;

    private StrataServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void keyStoreChangesAtRunTimeAndAfterRestart() throws Exception {
        TestCertificates certs = TestCertificates.create(Files.createDirectories(dir.resolve("certs")));
        // Each keytool run is a JVM start: the three stores are made side by side.
        Path first;
        Path second;
        Path third;
        try (ExecutorService keytool = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<Path> f1 = keytool.submit(() -> certs.signed("first", "CN=first,O=Strata"));
            Future<Path> f2 = keytool.submit(() -> certs.signed("second", "CN=second,O=Strata"));
            Future<Path> f3 = keytool.submit(() -> certs.signed("third", "CN=third,O=Strata"));
            first = f1.get();
            second = f2.get();
            third = f3.get();
        }
        Map<String, String> props = SecuredNode.nodeProperties(dir, "PLAINTEXT://127.0.0.1:0,SSL://127.0.0.1:0",
                first);
        server = StrataServer.start(ServerConfig.from(props));
        assertThat(presentedName(certs)).isEqualTo("CN=first,O=Strata");

        ConfigResource broker = new ConfigResource(ConfigResource.Type.BROKER, "1");
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, address("PLAINTEXT")));
             KafkaProducer<String, String> producer = sslProducer(certs)) {
            producer.send(new ProducerRecord<>("certs", "before")).get(30, TimeUnit.SECONDS);

            set(admin, broker, Map.of(LOCATION, second.toString(), PASSWORD, TestCertificates.PASSWORD));
            assertThat(presentedName(certs)).isEqualTo("CN=second,O=Strata");
            // The producer's connection was made with the first certificate and goes on.
            producer.send(new ProducerRecord<>("certs", "after")).get(30, TimeUnit.SECONDS);

            assertThatThrownBy(() -> set(admin, broker, Map.of(LOCATION, dir.resolve("missing.p12").toString())))
                    .hasCauseInstanceOf(InvalidConfigurationException.class);
            assertThatThrownBy(() -> set(admin, broker, Map.of(PASSWORD, "wrong")))
                    .hasCauseInstanceOf(InvalidConfigurationException.class);
            assertThatThrownBy(() -> set(admin, new ConfigResource(ConfigResource.Type.BROKER, ""),
                    Map.of(LOCATION, third.toString()))).hasCauseInstanceOf(InvalidRequestException.class);
            assertThat(presentedName(certs)).isEqualTo("CN=second,O=Strata");

            Config described = admin.describeConfigs(List.of(broker)).all().get(30, TimeUnit.SECONDS).get(broker);
            assertThat(described.get(LOCATION).value()).isEqualTo(second.toString());
            assertThat(described.get(LOCATION).source()).isEqualTo(ConfigEntry.ConfigSource.DYNAMIC_BROKER_CONFIG);
            assertThat(described.get(PASSWORD).isSensitive()).isTrue();
            assertThat(described.get(PASSWORD).value()).isNull();
        }

        server.close();
        server = StrataServer.start(ServerConfig.from(props));
        assertThat(presentedName(certs)).isEqualTo("CN=second,O=Strata");

        // A certificate renewed in place: the same location again reloads the file.
        Files.copy(third, second, StandardCopyOption.REPLACE_EXISTING);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, address("PLAINTEXT")))) {
            set(admin, broker, Map.of(LOCATION, second.toString()));
        }
        assertThat(presentedName(certs)).isEqualTo("CN=third,O=Strata");
    }

    private static void set(Admin admin, ConfigResource resource, Map<String, String> values)
            throws InterruptedException, ExecutionException, java.util.concurrent.TimeoutException {
        Collection<AlterConfigOp> ops = values.entrySet().stream().map(e -> new AlterConfigOp(
                new ConfigEntry(e.getKey(), e.getValue()), AlterConfigOp.OpType.SET)).toList();
        admin.incrementalAlterConfigs(Map.of(resource, ops)).all().get(30, TimeUnit.SECONDS);
    }

    /** The subject of the certificate a new TLS connection to the SSL listener is shown. */
    private String presentedName(TestCertificates certs) throws Exception {
        SSLContext context = TlsSockets.trusting(certs.trustStore());
        String[] hostPort = address("SSL").split(":");
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(hostPort[0],
                Integer.parseInt(hostPort[1]))) {
            socket.setSoTimeout(10_000);
            socket.startHandshake();
            return ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSubjectX500Principal()
                    .getName();
        }
    }

    private KafkaProducer<String, String> sslProducer(TestCertificates certs) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, address("SSL"));
        p.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SSL");
        p.put(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, certs.trustStore().toString());
        p.put(SslConfigs.SSL_TRUSTSTORE_PASSWORD_CONFIG, TestCertificates.PASSWORD);
        p.put(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, "PKCS12");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        return new KafkaProducer<>(p);
    }

    private String address(String listener) {
        return SecuredNode.address(server, listener);
    }
}
