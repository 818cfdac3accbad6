package io.strata.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.strata.server.StrataServer;
import io.strata.server.config.ServerConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTP built-ins on a node whose only client listener is SASL_SSL with the authorizer on: the console, the
 * schema registry and the HTTP proxy reach the cluster through the inter-broker listener as the node's own
 * inter-broker user (a super user here), with its certificate and its SASL credentials, while a Kafka user without
 * ACLs still gets nothing.
 */
class SecuredBuiltinsIT {

    private static final String JAAS = "org.apache.kafka.common.security.plain.PlainLoginModule required";

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
    void consoleRegistryAndProxyWorkOnASecuredInterBrokerListener() throws Exception {
        TestCertificates certs = TestCertificates.create(Files.createDirectories(dir.resolve("certs")));
        Path keyStore = certs.signed("broker", "CN=broker,O=Strata");
        Map<String, String> props = SecuredNode.nodeProperties(dir, "SECURE://127.0.0.1:0", keyStore);
        props.put("listener.security.protocol.map", "SECURE:SASL_SSL,CONTROLLER:PLAINTEXT");
        props.put("inter.broker.listener.name", "SECURE");
        props.put("http.listeners", "http://127.0.0.1:0");
        props.put("sasl.enabled.mechanisms", "PLAIN");
        props.put("sasl.mechanism.inter.broker.protocol", "PLAIN");
        props.put("listener.name.secure.plain.sasl.jaas.config", JAAS + " username=\"admin\" password=\"admin-pw\""
                + " user_admin=\"admin-pw\" user_alice=\"alice-pw\";");
        props.put("ssl.truststore.location", certs.trustStore().toString());
        props.put("ssl.truststore.password", TestCertificates.PASSWORD);
        props.put("ssl.truststore.type", "PKCS12");
        props.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
        props.put("super.users", "User:admin");
        server = StrataServer.start(ServerConfig.from(props));
        String http = "http://127.0.0.1:" + server.httpListeners().getFirst().address().getPort();
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

        try (Admin admin = Admin.create(clientProps(certs, "admin", "admin-pw"))) {
            admin.createTopics(List.of(new NewTopic("orders", 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(clientProps(certs, "admin", "admin-pw"),
                new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>("orders", "k", "from-kafka")).get(30, TimeUnit.SECONDS);
        }

        // The console's message browser reads through its own Kafka consumer.
        HttpResponse<String> messages = client.send(HttpRequest.newBuilder(URI.create(http
                + "/api/console/messages?topic=orders&partition=0&from=offset&offset=0")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(messages.statusCode()).as(messages.body()).isEqualTo(200);
        assertThat(messages.body()).contains(Base64.getEncoder().encodeToString("from-kafka".getBytes(UTF_8)));

        // The registry writes its _schemas topic through its own producer.
        HttpResponse<String> registered = client.send(HttpRequest.newBuilder(URI.create(http
                        + "/schema-registry/subjects/orders-value/versions"))
                .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"schema\":\"{\\\"type\\\":\\\"string\\\"}\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(registered.statusCode()).as(registered.body()).isEqualTo(200);
        assertThat(registered.body()).contains("\"id\":1");

        // The proxy produces through its own producer.
        HttpResponse<String> produced = client.send(HttpRequest.newBuilder(URI.create(http + "/topics/orders"))
                .header("Content-Type", "application/vnd.kafka.json.v2+json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"records\":[{\"value\":\"from-http\"}]}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(produced.statusCode()).as(produced.body()).isEqualTo(200);
        assertThat(produced.body()).contains("\"offset\":1").doesNotContain("error_code\":4");

        try (KafkaConsumer<String, String> consumer = consumer(certs, "admin", "admin-pw")) {
            TopicPartition tp = new TopicPartition("orders", 0);
            consumer.assign(List.of(tp));
            consumer.seek(tp, 0);
            List<String> values = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (values.size() < 2 && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    values.add(r.value());
                }
            }
            assertThat(values).containsExactly("from-kafka", "\"from-http\"");
        }
        // A user without ACLs is still refused: the built-ins did not open the cluster up.
        try (KafkaConsumer<String, String> alice = consumer(certs, "alice", "alice-pw")) {
            assertThat(alice.listTopics(Duration.ofSeconds(30))).doesNotContainKey("orders");
        }
    }

    private KafkaConsumer<String, String> consumer(TestCertificates certs, String user, String password) {
        Properties props = clientProps(certs, user, password);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        return new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer());
    }

    private Properties clientProps(TestCertificates certs, String user, String password) {
        Properties props = new Properties();
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, server.bootstrapServers());
        props.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_SSL");
        props.put(SaslConfigs.SASL_MECHANISM, "PLAIN");
        props.put(SaslConfigs.SASL_JAAS_CONFIG, JAAS + " username=\"" + user + "\" password=\"" + password + "\";");
        props.put(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, certs.trustStore().toString());
        props.put(SslConfigs.SSL_TRUSTSTORE_PASSWORD_CONFIG, TestCertificates.PASSWORD);
        props.put(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, "PKCS12");
        return props;
    }
}
