package io.strata.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.strata.server.StrataServer;
import io.strata.server.config.ServerConfig;
import io.strata.server.security.ScramBootstrap;
import io.strata.testkit.Ports;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two nodes whose only client listener is SASL_SSL, which is also their inter-broker listener: followers fetch from
 * leaders over TLS, authenticated with SCRAM-SHA-512 as the {@code broker} user, so an {@code acks=all} write to a
 * topic with {@code min.insync.replicas=2} is acknowledged only through that secured replication. The authorizer is on,
 * with the broker's own principal a super user (as Kafka requires), and an ACL created on one node governs both.
 */
class SecuredReplicationIT {

    @TempDir
    static Path dir;

    private static TestCertificates certs;
    private static final List<StrataServer> NODES = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        certs = TestCertificates.create(Files.createDirectories(dir.resolve("certs")));
        Path keyStore = certs.signed("broker", "CN=broker,O=Strata");
        int[] controllers = {Ports.free(), Ports.free()};
        String voters = "1@127.0.0.1:" + controllers[0] + ",2@127.0.0.1:" + controllers[1];
        try (ExecutorService starters = Executors.newThreadPerTaskExecutor(Thread.ofPlatform().factory())) {
            List<Future<StrataServer>> started = new ArrayList<>();
            for (int id = 1; id <= 2; id++) {
                Map<String, String> props = new HashMap<>();
                props.put("node.id", Integer.toString(id));
                props.put("process.roles", "broker,controller");
                props.put("listeners", "SASL_SSL://127.0.0.1:0,CONTROLLER://127.0.0.1:" + controllers[id - 1]);
                props.put("controller.quorum.voters", voters);
                props.put("log.dirs", dir.resolve("node-" + id).toString());
                props.put("http.listeners", "");
                props.put("ssl.keystore.location", keyStore.toString());
                props.put("ssl.keystore.password", TestCertificates.PASSWORD);
                props.put("ssl.keystore.type", "PKCS12");
                props.put("ssl.truststore.location", certs.trustStore().toString());
                props.put("ssl.truststore.password", TestCertificates.PASSWORD);
                props.put("ssl.truststore.type", "PKCS12");
                props.put("listener.name.sasl_ssl.sasl.enabled.mechanisms", "SCRAM-SHA-512");
                props.put("security.inter.broker.protocol", "SASL_SSL");
                props.put("sasl.mechanism.inter.broker.protocol", "SCRAM-SHA-512");
                props.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
                props.put("super.users", "User:broker;User:admin");
                props.put("listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config",
                        "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"broker\" "
                                + "password=\"broker-secret\";");
                started.add(starters.submit(() -> StrataServer.start(ServerConfig.from(props), List.of(
                        ScramBootstrap.parse("SCRAM-SHA-512=[name=broker,password=broker-secret]"),
                        ScramBootstrap.parse("SCRAM-SHA-512=[name=admin,password=admin-secret]"),
                        ScramBootstrap.parse("SCRAM-SHA-512=[name=alice,password=alice-secret]")))));
            }
            for (Future<StrataServer> f : started) {
                NODES.add(f.get(3, TimeUnit.MINUTES));
            }
        }
    }

    @AfterAll
    static void stop() {
        NODES.forEach(StrataServer::close);
    }

    private static Map<String, Object> config(String user) {
        Map<String, Object> config = new HashMap<>();
        config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, NODES.get(0).bootstrapServers());
        config.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_SSL");
        config.put(SaslConfigs.SASL_MECHANISM, "SCRAM-SHA-512");
        config.put(SaslConfigs.SASL_JAAS_CONFIG, "org.apache.kafka.common.security.scram.ScramLoginModule "
                + "required username=\"" + user + "\" password=\"" + user + "-secret\";");
        config.put(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, certs.trustStore().toString());
        config.put(SslConfigs.SSL_TRUSTSTORE_PASSWORD_CONFIG, TestCertificates.PASSWORD);
        config.put(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, "PKCS12");
        return config;
    }

    @Test
    void anAclCreatedOnOneNodeGovernsReadsFromLeadersOnEveryNode() throws Exception {
        Map<String, Object> config = config("admin");
        try (Admin admin = Admin.create(config)) {
            admin.createTopics(List.of(new NewTopic("acl-replicated", 2, (short) 2))).all().get();
            try (KafkaProducer<byte[], byte[]> producer = Clients.producer(NODES.get(0).bootstrapServers(),
                    config)) {
                for (int partition = 0; partition < 2; partition++) {
                    producer.send(new ProducerRecord<>("acl-replicated", partition, null, new byte[] {1})).get();
                }
            }
            // One leader per node: a read of both partitions is authorised by each node's own copy of the ACLs.
            assertThat(admin.describeTopics(List.of("acl-replicated")).allTopicNames().get().get("acl-replicated")
                    .partitions()).extracting(p -> p.leader().id()).containsExactlyInAnyOrder(1, 2);
            List<TopicPartition> partitions = List.of(new TopicPartition("acl-replicated", 0),
                    new TopicPartition("acl-replicated", 1));
            try (KafkaConsumer<byte[], byte[]> alice = Clients.consumer(NODES.get(0).bootstrapServers(),
                    config("alice"))) {
                alice.assign(partitions);
                assertThatThrownBy(() -> alice.poll(Duration.ofSeconds(5)))
                        .isInstanceOf(TopicAuthorizationException.class);
            }
            admin.createAcls(List.of(new AclBinding(new ResourcePattern(ResourceType.TOPIC, "acl-",
                    PatternType.PREFIXED), new AccessControlEntry("User:alice", "*", AclOperation.READ,
                    AclPermissionType.ALLOW)))).all().get();
            try (KafkaConsumer<byte[], byte[]> alice = Clients.consumer(NODES.get(0).bootstrapServers(),
                    config("alice"))) {
                alice.assign(partitions);
                assertThat(Clients.poll(alice, 2)).extracting(ConsumerRecord::partition)
                        .containsExactlyInAnyOrder(0, 1);
            }
        }
    }

    @Test
    void followersReplicateOverTheSecuredInterBrokerListener() throws Exception {
        Map<String, Object> config = config("admin");
        try (Admin admin = Admin.create(config)) {
            assertThat(admin.describeCluster().nodes().get()).extracting(Node::id).containsExactlyInAnyOrder(1, 2);
            admin.createTopics(List.of(new NewTopic("replicated", 2, (short) 2)
                    .configs(Map.of("min.insync.replicas", "2")))).all().get();
            Map<String, Object> producerConfig = new HashMap<>(config);
            producerConfig.remove(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG);
            producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
            try (KafkaProducer<byte[], byte[]> producer = Clients.producer(NODES.get(0).bootstrapServers(),
                    producerConfig)) {
                for (int partition = 0; partition < 2; partition++) {
                    producer.send(new ProducerRecord<>("replicated", partition, null,
                            ("record " + partition).getBytes(StandardCharsets.UTF_8))).get();
                }
            }
            TopicDescription topic = admin.describeTopics(List.of("replicated")).allTopicNames().get()
                    .get("replicated");
            assertThat(topic.partitions()).allSatisfy(p -> assertThat(p.isr()).hasSize(2));
        }
    }
}
