package io.strata.it;

import static io.strata.it.SecuredNode.ADMIN_JAAS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import javax.net.ssl.SSLContext;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The TLS side of {@link SecuredNode}'s listeners, exercised with the real Java clients: produce and consume over
 * SASL_SSL, SSL with a client certificate and PLAINTEXT; the HTTPS listener's Basic authentication against the
 * SCRAM users; refusals of an untrusted or missing client certificate; and hostile connections (garbage before the
 * TLS handshake, a client that never finishes its handshake), after each of which the node keeps serving everyone
 * else. {@link SecuritySaslIT} covers SASL itself and {@link SecurityClientsIT} the clients in other languages.
 */
class SecurityIT {

    private static SecuredNode node;

    @BeforeAll
    static void shareTheNode() throws Exception {
        node = SecuredNode.shared();
    }

    @Test
    void producesAndConsumesOverEverySecuredListener() throws Exception {
        try (Admin admin = Admin.create(node.saslSslClient(ADMIN_JAAS))) {
            admin.createTopics(List.of(new NewTopic("secured", 1, (short) 1))).all().get();
        }
        roundTrip(node.saslSslClient(ADMIN_JAAS), "over SASL_SSL");
        roundTrip(node.mutualTlsClient(node.clientKeyStore()), "over SSL");
        roundTrip(node.plaintextClient(), "over PLAINTEXT");
        try (KafkaConsumer<byte[], byte[]> consumer = Clients.consumer(node.ssl(), SecuredNode.withoutBootstrap(
                node.mutualTlsClient(node.clientKeyStore())))) {
            consumer.assign(List.of(new org.apache.kafka.common.TopicPartition("secured", 0)));
            consumer.seekToBeginning(consumer.assignment());
            List<String> values = new java.util.ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (values.size() < 3 && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    values.add(new String(r.value(), StandardCharsets.UTF_8));
                }
            }
            assertThat(values).containsExactly("over SASL_SSL", "over SSL", "over PLAINTEXT");
        }
    }

    @Test
    void theHttpListenerServesHttpsToScramUsersOnly() throws Exception {
        SSLContext context = TlsSockets.trusting(node.certs().trustStore());
        String base = "https://localhost:" + node.server().httpListeners().getFirst().address().getPort();
        try (java.net.http.HttpClient client = java.net.http.HttpClient.newBuilder().sslContext(context).build()) {
            java.util.function.BiFunction<String, String, java.net.http.HttpResponse<String>> get = (path, auth) -> {
                var request = java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + path));
                if (auth != null) {
                    request.header("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString(
                            auth.getBytes(StandardCharsets.UTF_8)));
                }
                try {
                    return client.send(request.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
                } catch (IOException | InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            };
            var metrics = get.apply("/metrics", "admin:admin-secret");
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(PrometheusText.parse(metrics.body())).isNotEmpty();
            var console = get.apply("/", "admin:admin-secret");
            assertThat(console.statusCode()).isEqualTo(200);
            assertThat(console.headers().firstValue("Content-Type")).hasValueSatisfying(t ->
                    assertThat(t).startsWith("text/html"));
            for (String auth : java.util.Arrays.asList(null, "admin:wrong", "nobody:admin-secret")) {
                var refused = get.apply("/metrics", auth);
                assertThat(refused.statusCode()).as("%s", auth).isEqualTo(401);
                assertThat(refused.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(h ->
                        assertThat(h).startsWith("Basic realm="));
            }
        }
    }

    @Test
    void anUntrustedClientCertificateFailsTheHandshake() throws Exception {
        try (Admin rogue = Admin.create(node.mutualTlsClient(node.rogueKeyStore()))) {
            assertThatThrownBy(() -> rogue.describeCluster().nodes().get())
                    .isInstanceOf(ExecutionException.class).cause().isInstanceOf(SslAuthenticationException.class);
        }
        Map<String, Object> noCertificate = new HashMap<>(node.mutualTlsClient(node.clientKeyStore()));
        noCertificate.keySet().removeIf(k -> k.startsWith("ssl.keystore"));
        try (Admin anonymous = Admin.create(noCertificate)) {
            assertThatThrownBy(() -> anonymous.describeCluster().nodes().get())
                    .isInstanceOf(ExecutionException.class).cause().isInstanceOf(SslAuthenticationException.class);
        }
        node.assertServesEveryListener();
    }

    @Test
    void garbageBeforeTheTlsHandshakeIsDisconnected() throws Exception {
        for (String listener : List.of(node.ssl(), node.saslSsl())) {
            try (Socket socket = TlsSockets.connect(listener)) {
                OutputStream out = socket.getOutputStream();
                out.write("GET / HTTP/1.1\r\nHost: strata\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                assertThat(TlsSockets.closedByServer(socket.getInputStream())).as(listener).isTrue();
            }
        }
        node.assertServesEveryListener();
    }

    @Test
    void aClientThatNeverHandshakesIsDisconnectedAfterTheAuthenticationTimeout() throws Exception {
        try (Socket silent = TlsSockets.connect(node.ssl()); Socket halfway = TlsSockets.connect(node.saslSsl())) {
            // strata.connection.authentication.timeout.ms is 5 s; the socket's read timeout is 15 s.
            assertThat(TlsSockets.closedByServer(silent.getInputStream())).isTrue();
            assertThat(TlsSockets.closedByServer(halfway.getInputStream())).isTrue();
        }
        node.assertServesEveryListener();
    }

    private static void roundTrip(Map<String, Object> config, String value) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(
                (String) config.get(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG), SecuredNode.withoutBootstrap(config))) {
            producer.send(new ProducerRecord<>("secured", value.getBytes(StandardCharsets.UTF_8))).get();
        }
    }
}
