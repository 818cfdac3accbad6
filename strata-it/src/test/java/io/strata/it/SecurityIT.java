package io.strata.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.strata.server.StrataServer;
import io.strata.server.config.ServerConfig;
import io.strata.server.security.ScramBootstrap;
import io.strata.server.security.ScramClient;
import io.strata.testkit.Ports;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialDeletion;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.clients.admin.UserScramCredentialsDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.SaslAuthenticateRequestData;
import org.apache.kafka.common.message.SaslAuthenticateResponseData;
import org.apache.kafka.common.message.SaslHandshakeRequestData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.MetadataRequest;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.requests.SaslAuthenticateRequest;
import org.apache.kafka.common.requests.SaslAuthenticateResponse;
import org.apache.kafka.common.requests.SaslHandshakeRequest;
import org.apache.kafka.common.requests.SaslHandshakeResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One node with a SASL_SSL listener (SCRAM-SHA-512, its first admin added at start), an SSL listener requiring
 * client certificates and a PLAINTEXT listener, exercised with the real Java clients: produce and consume over
 * each, refusals of a wrong password and of an untrusted certificate, and hostile connections (garbage before the
 * TLS handshake, requests before SASL, a client that never finishes its handshake), after each of which the node
 * keeps serving everyone else; re-authentication (KIP-368) and SaslHandshake v0; and the same produce and consume
 * over SASL_SSL with kcat (librdkafka), confluent-kafka-python and KafkaJS. Its HTTP listener serves HTTPS with
 * Basic authentication against the same SCRAM users.
 */
class SecurityIT {

    private static final String ADMIN_JAAS = jaas("admin", "admin-secret");
    private static final long REAUTH_MS = 3000;

    @TempDir
    static Path dir;

    private static TestCertificates certs;
    private static Path clientKeyStore;
    private static Path rogueKeyStore;
    private static StrataServer server;
    private static String plaintext;
    private static String saslSsl;
    private static String ssl;

    @BeforeAll
    static void start() throws Exception {
        Path certDir = Files.createDirectories(dir.resolve("certs"));
        certs = TestCertificates.create(certDir);
        // Each keytool run is a JVM start: the three stores are made side by side.
        Path serverKeyStore;
        try (ExecutorService keytool = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<Path> server = keytool.submit(() -> certs.signed("server", "CN=localhost,O=Strata"));
            Future<Path> client = keytool.submit(() -> certs.signed("client", "CN=Client One,OU=Tests,O=Strata"));
            Future<Path> rogue = keytool.submit(() -> certs.selfSigned("rogue", "CN=rogue"));
            serverKeyStore = server.get();
            clientKeyStore = client.get();
            rogueKeyStore = rogue.get();
        }
        int controller = Ports.free();
        Map<String, String> props = new HashMap<>();
        props.put("node.id", "1");
        props.put("process.roles", "broker,controller");
        props.put("listeners", "PLAINTEXT://127.0.0.1:0,SASL_SSL://127.0.0.1:0,SSL://127.0.0.1:0,"
                + "CONTROLLER://127.0.0.1:" + controller);
        props.put("controller.quorum.voters", "1@127.0.0.1:" + controller);
        props.put("log.dirs", dir.resolve("logs").toString());
        // The HTTP listener over TLS with the same key store, every request authenticated against the SASL users.
        props.put("http.listeners", "HTTPS://127.0.0.1:0");
        props.put("http.authentication", "basic");
        props.put("ssl.keystore.location", serverKeyStore.toString());
        props.put("ssl.keystore.password", TestCertificates.PASSWORD);
        props.put("ssl.keystore.type", "PKCS12");
        props.put("ssl.truststore.location", certs.trustStore().toString());
        props.put("ssl.truststore.password", TestCertificates.PASSWORD);
        props.put("ssl.truststore.type", "PKCS12");
        props.put("listener.name.ssl.ssl.client.auth", "required");
        props.put("ssl.principal.mapping.rules", "RULE:^CN=([^,]+),.*$/$1/L,DEFAULT");
        props.put("listener.name.sasl_ssl.sasl.enabled.mechanisms", "SCRAM-SHA-512");
        // Every SASL_SSL client of these tests re-authenticates (KIP-368) every few seconds.
        props.put("listener.name.sasl_ssl.connections.max.reauth.ms", Long.toString(REAUTH_MS));
        props.put("strata.connection.authentication.timeout.ms", "5000");
        server = StrataServer.start(ServerConfig.from(props), List.of(ScramBootstrap.parse(
                "SCRAM-SHA-512=[name=admin,password=admin-secret]")));
        plaintext = address("PLAINTEXT");
        saslSsl = address("SASL_SSL");
        ssl = address("SSL");
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void producesAndConsumesOverEverySecuredListener() throws Exception {
        try (Admin admin = Admin.create(saslSsl(ADMIN_JAAS))) {
            admin.createTopics(List.of(new NewTopic("secured", 1, (short) 1))).all().get();
        }
        roundTrip(saslSsl(ADMIN_JAAS), "over SASL_SSL");
        roundTrip(mutualTls(clientKeyStore), "over SSL");
        roundTrip(Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, plaintext), "over PLAINTEXT");
        try (KafkaConsumer<byte[], byte[]> consumer = Clients.consumer(ssl, withoutBootstrap(
                mutualTls(clientKeyStore)))) {
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
    void scramCredentialsAreManagedThroughTheAdminApi() throws Exception {
        try (Admin admin = Admin.create(saslSsl(ADMIN_JAAS))) {
            admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion("bob",
                    new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 8192), "bob-secret"))).all().get();
            Map<String, UserScramCredentialsDescription> described = admin.describeUserScramCredentials().all().get();
            assertThat(described).containsKeys("admin", "bob");
            assertThat(described.get("bob").credentialInfos()).containsExactly(
                    new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 8192));
            try (Admin bob = Admin.create(saslSsl(jaas("bob", "bob-secret")))) {
                assertThat(bob.describeCluster().nodes().get()).hasSize(1);
            }
            admin.alterUserScramCredentials(List.of(new UserScramCredentialDeletion("bob",
                    ScramMechanism.SCRAM_SHA_512))).all().get();
            try (Admin bob = Admin.create(saslSsl(jaas("bob", "bob-secret")))) {
                assertThatThrownBy(() -> bob.describeCluster().nodes().get())
                        .isInstanceOf(ExecutionException.class).cause()
                        .isInstanceOf(SaslAuthenticationException.class);
            }
        }
    }

    @Test
    void theHttpListenerServesHttpsToScramUsersOnly() throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(certs.trustStore())) {
            trust.load(in, TestCertificates.PASSWORD.toCharArray());
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        String base = "https://localhost:" + server.httpListeners().getFirst().address().getPort();
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
    void aWrongPasswordIsRefusedAndOthersAreStillServed() throws Exception {
        try (Admin wrong = Admin.create(saslSsl(jaas("admin", "not-the-password")))) {
            assertThatThrownBy(() -> wrong.describeCluster().nodes().get())
                    .isInstanceOf(ExecutionException.class).cause().isInstanceOf(SaslAuthenticationException.class);
        }
        assertServesEveryListener();
    }

    @Test
    void anUntrustedClientCertificateFailsTheHandshake() throws Exception {
        try (Admin rogue = Admin.create(mutualTls(rogueKeyStore))) {
            assertThatThrownBy(() -> rogue.describeCluster().nodes().get())
                    .isInstanceOf(ExecutionException.class).cause().isInstanceOf(SslAuthenticationException.class);
        }
        Map<String, Object> noCertificate = new HashMap<>(mutualTls(clientKeyStore));
        noCertificate.keySet().removeIf(k -> k.startsWith("ssl.keystore"));
        try (Admin anonymous = Admin.create(noCertificate)) {
            assertThatThrownBy(() -> anonymous.describeCluster().nodes().get())
                    .isInstanceOf(ExecutionException.class).cause().isInstanceOf(SslAuthenticationException.class);
        }
        assertServesEveryListener();
    }

    @Test
    void garbageBeforeTheTlsHandshakeIsDisconnected() throws Exception {
        for (String listener : List.of(ssl, saslSsl)) {
            try (Socket socket = connect(listener)) {
                OutputStream out = socket.getOutputStream();
                out.write("GET / HTTP/1.1\r\nHost: strata\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                assertThat(closedByServer(socket.getInputStream())).as(listener).isTrue();
            }
        }
        assertServesEveryListener();
    }

    @Test
    void aClientThatNeverHandshakesIsDisconnectedAfterTheAuthenticationTimeout() throws Exception {
        try (Socket silent = connect(ssl); Socket halfway = connect(saslSsl)) {
            // strata.connection.authentication.timeout.ms is 5 s; the socket's read timeout is 15 s.
            assertThat(closedByServer(silent.getInputStream())).isTrue();
            assertThat(closedByServer(halfway.getInputStream())).isTrue();
        }
        assertServesEveryListener();
    }

    @Test
    void requestsBeforeSaslAuthenticationAreDisconnected() throws Exception {
        try (SSLSocket socket = tlsSocket(saslSsl)) {
            MetadataRequest request = new MetadataRequest.Builder(new MetadataRequestData().setTopics(null))
                    .build((short) 12);
            ByteBuffer frame = request.serializeWithHeader(new RequestHeader(request.apiKey(), request.version(),
                    "raw", 1));
            OutputStream out = socket.getOutputStream();
            byte[] body = new byte[frame.remaining()];
            frame.get(body);
            out.write(ByteBuffer.allocate(4).putInt(body.length).array());
            out.write(body);
            out.flush();
            assertThat(closedByServer(socket.getInputStream())).isTrue();
        }
        try (SSLSocket socket = tlsSocket(saslSsl)) {
            // A SASL token larger than sasl.server.max.receive.size (512 KiB) is not even read.
            DataInputStream in = new DataInputStream(socket.getInputStream());
            socket.getOutputStream().write(ByteBuffer.allocate(4).putInt(1 << 20).array());
            socket.getOutputStream().flush();
            assertThat(closedByServer(in)).isTrue();
        }
        assertServesEveryListener();
    }

    @Test
    void aSessionEndsUnlessReauthenticatedWithinItsLifetime() throws Exception {
        try (SSLSocket socket = tlsSocket(saslSsl)) {
            RawSasl raw = new RawSasl(socket);
            assertThat(raw.scramLogin("admin", "admin-secret").sessionLifetimeMs()).isEqualTo(REAUTH_MS);
            assertThat(raw.metadataAnswered()).isTrue();
            // A re-authentication on the same connection starts a new session.
            assertThat(raw.scramLogin("admin", "admin-secret").errorCode()).isZero();
            long reauthenticated = System.nanoTime();
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
                    .until(() -> !raw.metadataAnswered());
            assertThat(Duration.ofNanos(System.nanoTime() - reauthenticated)).isGreaterThanOrEqualTo(
                    Duration.ofMillis(REAUTH_MS));
        }
        try (SSLSocket socket = tlsSocket(saslSsl)) {
            RawSasl raw = new RawSasl(socket);
            raw.scramLogin("admin", "admin-secret");
            // Re-authenticating as someone else is refused, and closes the connection.
            try (Admin admin = Admin.create(saslSsl(ADMIN_JAAS))) {
                admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion("carol",
                        new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 4096), "carol-secret"))).all().get();
            }
            assertThat(raw.scramLogin("carol", "carol-secret").errorCode()).isEqualTo(
                    Errors.SASL_AUTHENTICATION_FAILED.code());
            assertThat(closedByServer(socket.getInputStream())).isTrue();
        }
    }

    @Test
    void kcatProducesAndConsumesOverSaslSslAndMutualTls() throws Exception {
        // librdkafka, a client no one here wrote, with its own TLS (OpenSSL) and SASL/SCRAM.
        Path kcat = Arrays.stream(System.getenv("PATH").split(java.io.File.pathSeparator))
                .map(d -> Path.of(d, "kcat")).filter(Files::isExecutable).findFirst()
                .orElseThrow(() -> new AssertionError("kcat is not installed (`apt-get install kcat`)"));
        try (Admin admin = Admin.create(saslSsl(ADMIN_JAAS))) {
            admin.createTopics(List.of(new NewTopic("kcat-secured", 1, (short) 1))).all().get();
        }
        List<String> scram = List.of("-b", saslSsl, "-X", "security.protocol=SASL_SSL", "-X",
                "sasl.mechanisms=SCRAM-SHA-512", "-X", "sasl.username=admin", "-X", "sasl.password=admin-secret",
                "-X", "ssl.ca.location=" + certs.caPem());
        List<String> mutual = List.of("-b", ssl, "-X", "security.protocol=SSL", "-X",
                "ssl.ca.location=" + certs.caPem(), "-X", "ssl.keystore.location=" + clientKeyStore, "-X",
                "ssl.keystore.password=" + TestCertificates.PASSWORD);
        run(kcat, scram, "one\ntwo\n", "-P", "-t", "kcat-secured", "-X", "acks=all");
        run(kcat, mutual, "three\n", "-P", "-t", "kcat-secured", "-X", "acks=all");
        assertThat(run(kcat, scram, "", "-C", "-t", "kcat-secured", "-o", "beginning", "-e", "-q").lines())
                .containsExactly("one", "two", "three");
        assertThat(run(kcat, mutual, "", "-C", "-t", "kcat-secured", "-o", "beginning", "-e", "-q").lines())
                .containsExactly("one", "two", "three");
    }

    @Test
    void confluentKafkaPythonProducesAndConsumesOverSaslSsl() throws Exception {
        // Debian's python3 with its python3-confluent-kafka (as ConfluentKafkaPythonIT runs it).
        Path python = Path.of("/usr/bin/python3");
        try (Admin admin = Admin.create(saslSsl(ADMIN_JAAS))) {
            admin.createTopics(List.of(new NewTopic("python-secured", 1, (short) 1))).all().get();
        }
        String script = String.join("\n",
                "import sys",
                "from confluent_kafka import Consumer, Producer",
                "conf = {'bootstrap.servers': sys.argv[1], 'security.protocol': 'SASL_SSL',",
                "        'sasl.mechanisms': 'SCRAM-SHA-512', 'sasl.username': 'admin',",
                "        'sasl.password': 'admin-secret', 'ssl.ca.location': sys.argv[2]}",
                "producer = Producer(dict(conf, acks='all'))",
                "producer.produce('python-secured', b'from python')",
                "assert producer.flush(30) == 0, 'not delivered'",
                "consumer = Consumer(dict(conf, **{'group.id': 'python-secured', 'auto.offset.reset': 'earliest'}))",
                "consumer.subscribe(['python-secured'])",
                "for _ in range(60):",
                "    message = consumer.poll(1)",
                "    if message is not None:",
                "        assert message.error() is None, message.error()",
                "        print(message.value().decode())",
                "        break",
                "consumer.close()");
        ProcessBuilder builder = new ProcessBuilder(python.toString(), "-c", script, saslSsl,
                certs.caPem().toString());
        // Nothing from a developer's Python environment may leak into Debian's python3.
        builder.environment().clear();
        builder.environment().put("PATH", "/usr/bin:/bin");
        Path stderr = Files.createTempFile(dir, "python", ".err");
        Process process = builder.redirectError(stderr.toFile()).start();
        process.getOutputStream().close();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(90, java.util.concurrent.TimeUnit.SECONDS)).as("python finished").isTrue();
        assertThat(process.exitValue()).as("python: %s", Files.readString(stderr)).isZero();
        assertThat(out.lines()).containsExactly("from python");
    }

    @Test
    void kafkaJsProducesAndConsumesOverSaslSsl() throws Exception {
        // KafkaJS as KafkaJsIT installs it (`.ci/run --deps-only`): Node's own TLS, KafkaJS's own SCRAM.
        Path modules = Path.of(System.getProperty("compat.dir", "target/compat")).resolve("kafkajs/node_modules");
        assertThat(modules.resolve("kafkajs/package.json")).as("KafkaJS installed by `.ci/run --deps-only`")
                .isRegularFile();
        try (Admin admin = Admin.create(saslSsl(ADMIN_JAAS))) {
            admin.createTopics(List.of(new NewTopic("js-secured", 1, (short) 1))).all().get();
        }
        String script = String.join("\n",
                "const { Kafka, logLevel } = require('kafkajs');",
                "const fs = require('fs');",
                "const kafka = new Kafka({ clientId: 'js-secured', brokers: [process.argv[1]],",
                "  logLevel: logLevel.NOTHING, ssl: { ca: [fs.readFileSync(process.argv[2], 'utf-8')] },",
                "  sasl: { mechanism: 'scram-sha-512', username: 'admin', password: 'admin-secret' } });",
                "(async () => {",
                "  const producer = kafka.producer();",
                "  await producer.connect();",
                "  await producer.send({ topic: 'js-secured', acks: -1, messages: [{ value: 'from kafkajs' }] });",
                "  await producer.disconnect();",
                "  const consumer = kafka.consumer({ groupId: 'js-secured' });",
                "  await consumer.connect();",
                "  await consumer.subscribe({ topic: 'js-secured', fromBeginning: true });",
                "  await new Promise((resolve, reject) => consumer.run({ eachMessage: async ({ message }) => {",
                "    console.log(message.value.toString()); resolve(); } }).catch(reject));",
                "  await consumer.disconnect();",
                "})().catch(e => { console.error(e); process.exit(1); });");
        ProcessBuilder builder = new ProcessBuilder("node", "-e", script, saslSsl, certs.caPem().toString());
        builder.environment().put("NODE_PATH", modules.toAbsolutePath().toString());
        Path stderr = Files.createTempFile(dir, "kafkajs", ".err");
        Process process = builder.redirectError(stderr.toFile()).start();
        process.getOutputStream().close();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(90, java.util.concurrent.TimeUnit.SECONDS)).as("node finished").isTrue();
        assertThat(process.exitValue()).as("kafkajs: %s", Files.readString(stderr)).isZero();
        assertThat(out.lines()).containsExactly("from kafkajs");
    }

    private static String run(Path kcat, List<String> connection, String stdin, String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(kcat.toString()));
        command.addAll(connection);
        command.addAll(List.of(args));
        Path stderr = Files.createTempFile(dir, "kcat", ".err");
        Process process = new ProcessBuilder(command).redirectError(stderr.toFile()).start();
        try (OutputStream in = process.getOutputStream()) {
            in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).as("kcat finished").isTrue();
        assertThat(process.exitValue()).as("kcat %s: %s", command, Files.readString(stderr)).isZero();
        return out;
    }

    @Test
    void saslHandshakeV0IsFollowedByBareTokens() throws Exception {
        try (SSLSocket socket = tlsSocket(saslSsl)) {
            RawSasl raw = new RawSasl(socket);
            SaslHandshakeResponse handshake = raw.send(new SaslHandshakeRequest.Builder(
                    new SaslHandshakeRequestData().setMechanism("SCRAM-SHA-512")).build((short) 0));
            assertThat(handshake.error()).isEqualTo(Errors.NONE);
            ScramClient scram = new ScramClient(io.strata.server.security.ScramMechanism.SCRAM_SHA_512, "admin",
                    "admin-secret");
            byte[] serverFirst = raw.bare(scram.clientFirst());
            scram.verifyServerFinal(raw.bare(scram.clientFinal(serverFirst)));
            assertThat(raw.metadataAnswered()).isTrue();
        }
        try (SSLSocket socket = tlsSocket(saslSsl)) {
            RawSasl raw = new RawSasl(socket);
            raw.send(new SaslHandshakeRequest.Builder(new SaslHandshakeRequestData().setMechanism("SCRAM-SHA-512"))
                    .build((short) 0));
            raw.bare("n,,n=nobody,r=abc".getBytes(StandardCharsets.UTF_8), false);
            assertThat(closedByServer(socket.getInputStream())).isTrue();
        }
    }

    /** SASL by hand over a TLS socket: SaslHandshake v1, SaslAuthenticate v2 with SCRAM-SHA-512. */
    private static final class RawSasl {

        private final SSLSocket socket;
        private int correlationId;

        RawSasl(SSLSocket socket) {
            this.socket = socket;
        }

        SaslAuthenticateResponseData scramLogin(String user, String password) throws IOException {
            SaslHandshakeResponse handshake = send(new SaslHandshakeRequest.Builder(new SaslHandshakeRequestData()
                    .setMechanism("SCRAM-SHA-512")).build((short) 1));
            assertThat(handshake.error()).isEqualTo(Errors.NONE);
            ScramClient scram = new ScramClient(io.strata.server.security.ScramMechanism.SCRAM_SHA_512, user,
                    password);
            SaslAuthenticateResponse first = authenticate(scram.clientFirst());
            return authenticate(scram.clientFinal(first.saslAuthBytes())).data();
        }

        /** Sends a bare token (after SaslHandshake v0) and reads the bare reply. */
        byte[] bare(byte[] token) throws IOException {
            return bare(token, true);
        }

        byte[] bare(byte[] token, boolean readReply) throws IOException {
            OutputStream out = socket.getOutputStream();
            out.write(ByteBuffer.allocate(4).putInt(token.length).array());
            out.write(token);
            out.flush();
            if (!readReply) {
                return null;
            }
            DataInputStream in = new DataInputStream(socket.getInputStream());
            byte[] reply = new byte[in.readInt()];
            in.readFully(reply);
            return reply;
        }

        /** Whether a Metadata request gets its response (false: the server closed the connection). */
        boolean metadataAnswered() {
            try {
                send(new MetadataRequest.Builder(new MetadataRequestData().setTopics(List.of())).build((short) 12));
                return true;
            } catch (IOException e) {
                return false;
            }
        }

        private SaslAuthenticateResponse authenticate(byte[] token) throws IOException {
            return send(new SaslAuthenticateRequest.Builder(new SaslAuthenticateRequestData().setAuthBytes(token))
                    .build((short) 2));
        }

        <R extends AbstractResponse> R send(AbstractRequest request) throws IOException {
            RequestHeader header = new RequestHeader(request.apiKey(), request.version(), "raw-sasl",
                    ++correlationId);
            ByteBuffer frame = request.serializeWithHeader(header);
            byte[] body = new byte[frame.remaining()];
            frame.get(body);
            OutputStream out = socket.getOutputStream();
            out.write(ByteBuffer.allocate(4).putInt(body.length).array());
            out.write(body);
            out.flush();
            DataInputStream in = new DataInputStream(socket.getInputStream());
            byte[] response = new byte[in.readInt()];
            in.readFully(response);
            @SuppressWarnings("unchecked")
            R parsed = (R) AbstractResponse.parseResponse(ByteBuffer.wrap(response), header);
            return parsed;
        }
    }

    private static void roundTrip(Map<String, Object> config, String value) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(
                (String) config.get(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG), withoutBootstrap(config))) {
            producer.send(new ProducerRecord<>("secured", value.getBytes(StandardCharsets.UTF_8))).get();
        }
    }

    private static void assertServesEveryListener() throws Exception {
        for (Map<String, Object> config : List.of(saslSsl(ADMIN_JAAS), mutualTls(clientKeyStore),
                Map.<String, Object>of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, plaintext))) {
            try (Admin admin = Admin.create(config)) {
                assertThat(admin.describeCluster().nodes().get()).hasSize(1);
            }
        }
    }

    private static Map<String, Object> saslSsl(String jaas) {
        Map<String, Object> config = trusting(saslSsl);
        config.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_SSL");
        config.put(SaslConfigs.SASL_MECHANISM, "SCRAM-SHA-512");
        config.put(SaslConfigs.SASL_JAAS_CONFIG, jaas);
        return config;
    }

    private static Map<String, Object> mutualTls(Path keyStore) {
        Map<String, Object> config = trusting(ssl);
        config.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SSL");
        config.put(SslConfigs.SSL_KEYSTORE_LOCATION_CONFIG, keyStore.toString());
        config.put(SslConfigs.SSL_KEYSTORE_PASSWORD_CONFIG, TestCertificates.PASSWORD);
        config.put(SslConfigs.SSL_KEYSTORE_TYPE_CONFIG, "PKCS12");
        return config;
    }

    private static Map<String, Object> trusting(String bootstrap) {
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

    private static Map<String, Object> withoutBootstrap(Map<String, Object> config) {
        Map<String, Object> copy = new HashMap<>(config);
        copy.remove(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG);
        copy.remove(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG);
        copy.remove(ConsumerConfig.GROUP_ID_CONFIG);
        return copy;
    }

    private static String jaas(String user, String password) {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user
                + "\" password=\"" + password + "\";";
    }

    private static String address(String listener) {
        InetSocketAddress a = server.listeners().stream().filter(l -> l.listenerName().equals(listener))
                .findFirst().orElseThrow().address();
        return "127.0.0.1:" + a.getPort();
    }

    private static Socket connect(String address) throws IOException {
        Socket socket = new Socket();
        int colon = address.lastIndexOf(':');
        socket.connect(new InetSocketAddress(address.substring(0, colon),
                Integer.parseInt(address.substring(colon + 1))), 5_000);
        socket.setSoTimeout(15_000);
        return socket;
    }

    private static SSLSocket tlsSocket(String address) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(certs.trustStore())) {
            trust.load(in, TestCertificates.PASSWORD.toCharArray());
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        Socket plain = connect(address);
        int colon = address.lastIndexOf(':');
        SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(plain, address.substring(0, colon),
                Integer.parseInt(address.substring(colon + 1)), true);
        socket.startHandshake();
        return socket;
    }

    /** True when the server closed the connection (end of stream or reset) before the socket's read timeout. */
    private static boolean closedByServer(InputStream in) throws IOException {
        try {
            while (true) {
                if (in.read() == -1) {
                    return true;
                }
            }
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }
}
