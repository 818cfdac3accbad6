package io.strata.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.strata.server.StrataServer;
import io.strata.server.config.ServerConfig;
import io.strata.server.security.ScramBootstrap;
import io.strata.testkit.Ports;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.quota.ClientQuotaAlteration;
import org.apache.kafka.common.quota.ClientQuotaEntity;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Quotas of users as their connections authenticate them: {@code alice} with SCRAM-SHA-256, {@code bob} with PLAIN
 * (both on a SASL_PLAINTEXT listener) and {@code carol} by her TLS client certificate ({@code CN=carol}, mapped by
 * {@code ssl.principal.mapping.rules}), producing side by side with the same client id, are each held within 10 % of
 * the quota that Kafka's precedence (KIP-55) picks for them: alice's {@code user} quota, bob's {@code user} and
 * {@code client-id} quota (over his plain {@code user} one), and the {@code <default>} user quota for carol, who has
 * none of her own; the client id's own quota is below all of them and applies to none (user quotas come first).
 * About 25 s on a quiet host (certificates and node start about 8 s, one quota cycle about 15 s).
 */
class QuotaSaslIT {

    private static final String CLIENT_ID = "reports";

    @TempDir
    static Path dir;

    private static TestCertificates certs;
    private static Path carolKeyStore;
    private static StrataServer server;

    @BeforeAll
    static void start() throws Exception {
        certs = TestCertificates.create(Files.createDirectories(dir.resolve("certs")));
        Path serverKeyStore;
        try (ExecutorService keytool = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<Path> serverStore = keytool.submit(() -> certs.signed("server", "CN=localhost,O=Strata"));
            Future<Path> carolStore = keytool.submit(() -> certs.signed("carol", "CN=carol,O=Strata"));
            serverKeyStore = serverStore.get();
            carolKeyStore = carolStore.get();
        }
        int controller = Ports.free();
        Map<String, String> props = new HashMap<>();
        props.put("node.id", "1");
        props.put("process.roles", "broker,controller");
        props.put("listeners", "PLAINTEXT://127.0.0.1:0,SASL_PLAINTEXT://127.0.0.1:0,SSL://127.0.0.1:0,"
                + "CONTROLLER://127.0.0.1:" + controller);
        props.put("controller.quorum.voters", "1@127.0.0.1:" + controller);
        props.put("log.dirs", dir.resolve("logs").toString());
        props.put("http.listeners", "");
        props.put("ssl.keystore.location", serverKeyStore.toString());
        props.put("ssl.keystore.password", TestCertificates.PASSWORD);
        props.put("ssl.keystore.type", "PKCS12");
        props.put("ssl.truststore.location", certs.trustStore().toString());
        props.put("ssl.truststore.password", TestCertificates.PASSWORD);
        props.put("ssl.truststore.type", "PKCS12");
        props.put("listener.name.ssl.ssl.client.auth", "required");
        props.put("ssl.principal.mapping.rules", "RULE:^CN=([^,]+),.*$/$1/L,DEFAULT");
        props.put("listener.name.sasl_plaintext.sasl.enabled.mechanisms", "SCRAM-SHA-256,PLAIN");
        props.put("listener.name.sasl_plaintext.plain.sasl.jaas.config",
                "org.apache.kafka.common.security.plain.PlainLoginModule required user_bob=\"bob-secret\";");
        server = StrataServer.start(ServerConfig.from(props), List.of(ScramBootstrap.parse(
                "SCRAM-SHA-256=[name=alice,password=alice-secret]")));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static String address(String listener) {
        return "127.0.0.1:" + server.listeners().stream().filter(l -> l.listenerName().equals(listener))
                .findFirst().orElseThrow().address().getPort();
    }

    private static Map<String, Object> sasl(String mechanism, String jaas) {
        Map<String, Object> config = new HashMap<>();
        config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, address("SASL_PLAINTEXT"));
        config.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_PLAINTEXT");
        config.put(SaslConfigs.SASL_MECHANISM, mechanism);
        config.put(SaslConfigs.SASL_JAAS_CONFIG, jaas);
        return config;
    }

    private static Map<String, Object> certificate(Path keyStore) {
        Map<String, Object> config = new HashMap<>();
        config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, address("SSL"));
        config.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SSL");
        config.put(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, certs.trustStore().toString());
        config.put(SslConfigs.SSL_TRUSTSTORE_PASSWORD_CONFIG, TestCertificates.PASSWORD);
        config.put(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, "PKCS12");
        config.put(SslConfigs.SSL_KEYSTORE_LOCATION_CONFIG, keyStore.toString());
        config.put(SslConfigs.SSL_KEYSTORE_PASSWORD_CONFIG, TestCertificates.PASSWORD);
        config.put(SslConfigs.SSL_KEYSTORE_TYPE_CONFIG, "PKCS12");
        return config;
    }

    private static ClientQuotaEntity entity(Optional<String> user, Optional<String> clientId) {
        Map<String, String> parts = new LinkedHashMap<>(); // a null value is the <default> entity
        user.ifPresent(u -> parts.put(ClientQuotaEntity.USER, u.equals("<default>") ? null : u));
        clientId.ifPresent(c -> parts.put(ClientQuotaEntity.CLIENT_ID, c));
        return new ClientQuotaEntity(parts);
    }

    private static ClientQuotaAlteration produceQuota(ClientQuotaEntity entity, int bytesPerSecond) {
        return new ClientQuotaAlteration(entity, List.of(new ClientQuotaAlteration.Op("producer_byte_rate",
                (double) bytesPerSecond)));
    }

    /** A producer with requests of a quarter of its quota: held evenly, and few enough to keep up on a busy host. */
    private static KafkaProducer<byte[], byte[]> producer(Map<String, Object> security, int quota) {
        Map<String, Object> config = new HashMap<>(security);
        config.put(ProducerConfig.CLIENT_ID_CONFIG, CLIENT_ID);
        config.put(ProducerConfig.ACKS_CONFIG, "1");
        config.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        config.put(ProducerConfig.BATCH_SIZE_CONFIG, quota / 4);
        return Clients.producer((String) security.get(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG), config);
    }

    @Test
    void eachAuthenticatedUserIsHeldToTheQuotaThatPrecedenceGivesIt() throws Exception {
        int alice = 524_288;
        int bob = 262_144;
        int anyUser = 131_072;
        try (Admin admin = Clients.admin(address("PLAINTEXT"))) {
            admin.createTopics(List.of(new NewTopic("alice", 1, (short) 1), new NewTopic("bob", 1, (short) 1),
                    new NewTopic("carol", 1, (short) 1))).all().get();
            admin.alterClientQuotas(List.of(
                    produceQuota(entity(Optional.of("alice"), Optional.empty()), alice),
                    produceQuota(entity(Optional.of("bob"), Optional.of(CLIENT_ID)), bob),
                    produceQuota(entity(Optional.of("bob"), Optional.empty()), 4 * alice),
                    produceQuota(entity(Optional.of("<default>"), Optional.empty()), anyUser),
                    produceQuota(entity(Optional.empty(), Optional.of(CLIENT_ID)), 16_384))).all().get();
        }
        Map<String, Integer> quotas = Map.of("alice", alice, "bob", bob, "carol", anyUser);
        Map<String, Map<String, Object>> logins = Map.of(
                "alice", sasl("SCRAM-SHA-256", "org.apache.kafka.common.security.scram.ScramLoginModule required "
                        + "username=\"alice\" password=\"alice-secret\";"),
                "bob", sasl("PLAIN", "org.apache.kafka.common.security.plain.PlainLoginModule required "
                        + "username=\"bob\" password=\"bob-secret\";"),
                "carol", certificate(carolKeyStore));
        byte[] value = new byte[1024];
        Map<String, HeldRate> rates = new HashMap<>();
        List<AutoCloseable> running = new ArrayList<>();
        try {
            for (String user : quotas.keySet()) {
                HeldRate rate = new HeldRate(QuotaIT.SPAN_SECONDS);
                rates.put(user, rate);
                running.add(QuotaIT.backlogged(producer(logins.get(user), quotas.get(user)),
                        new ProducerRecord<>(user, value), rate));
            }
            await().atMost(Duration.ofSeconds(QuotaIT.SPAN_SECONDS * 4))
                    .until(() -> rates.values().stream().allMatch(HeldRate::measured));
        } finally {
            for (AutoCloseable producer : running) {
                producer.close();
            }
        }
        rates.forEach((user, rate) -> System.out.printf("QuotaSaslIT: %s %.0f B/s (quota %d)%n", user,
                rate.bytesPerSecond(), quotas.get(user)));
        quotas.forEach((user, quota) -> assertThat(rates.get(user).bytesPerSecond()).as(user)
                .isBetween(quota * 0.9, quota * 1.1));
    }
}
