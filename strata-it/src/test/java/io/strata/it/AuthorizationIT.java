package io.strata.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.FeatureUpdate;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.UpdateFeaturesOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AccessControlEntryFilter;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourcePatternFilter;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.tools.AclCommand;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The authorizer end to end, with Kafka's clients and {@code kafka-acls}: a node whose client listener is
 * SASL_PLAINTEXT (PLAIN users admin, alice, bob, carol), {@code authorizer.class.name} set to Kafka's
 * StandardAuthorizer and {@code super.users=User:admin} (also the broker's own principal, as Kafka requires).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AuthorizationIT {

    @TempDir
    static Path dir;

    private static final Map<String, FeatureUpdate> TRANSACTIONS_VERSION_TWO = Map.of("transaction.version",
            new FeatureUpdate((short) 2, FeatureUpdate.UpgradeType.UPGRADE));

    private static TestNode node;
    private static Admin admin;

    @BeforeAll
    static void start() throws Exception {
        String jaas = "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"admin\" "
                + "password=\"admin-secret\" user_admin=\"admin-secret\" user_alice=\"alice-secret\" "
                + "user_bob=\"bob-secret\" user_carol=\"carol-secret\";";
        Map<String, String> overrides = new HashMap<>();
        // TestNode's client listener is named PLAINTEXT; here it speaks SASL_PLAINTEXT.
        overrides.put("listener.security.protocol.map", "PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT");
        overrides.put("listener.name.plaintext.sasl.enabled.mechanisms", "PLAIN");
        overrides.put("listener.name.plaintext.plain.sasl.jaas.config", jaas);
        overrides.put("sasl.mechanism.inter.broker.protocol", "PLAIN");
        overrides.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
        overrides.put("super.users", "User:admin");
        overrides.put("http.listeners", "");
        overrides.put("group.initial.rebalance.delay.ms", "0");
        node = TestNode.start(dir.resolve("node"), overrides);
        admin = Admin.create(config("admin"));
        admin.createTopics(List.of(new NewTopic("secret", 1, (short) 1), new NewTopic("team-a.orders", 1, (short) 1),
                new NewTopic("team-b.orders", 1, (short) 1), new NewTopic("shared", 1, (short) 1))).all().get();
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(node.bootstrap(), config("admin"))) {
            for (String topic : List.of("secret", "team-a.orders", "team-b.orders")) {
                producer.send(new ProducerRecord<>(topic, bytes(topic))).get();
            }
        }
    }

    @AfterAll
    static void stop() {
        if (admin != null) {
            admin.close();
        }
        if (node != null) {
            node.close();
        }
    }

    static Map<String, Object> config(String user) {
        Map<String, Object> config = new HashMap<>();
        config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, node.bootstrap());
        config.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_PLAINTEXT");
        config.put(SaslConfigs.SASL_MECHANISM, "PLAIN");
        config.put(SaslConfigs.SASL_JAAS_CONFIG, "org.apache.kafka.common.security.plain.PlainLoginModule required "
                + "username=\"" + user + "\" password=\"" + user + "-secret\";");
        config.put(CommonClientConfigs.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000);
        return config;
    }

    private static Map<String, Object> with(Map<String, Object> base, Object... pairs) {
        Map<String, Object> config = new HashMap<>(base);
        for (int i = 0; i < pairs.length; i += 2) {
            config.put((String) pairs[i], pairs[i + 1]);
        }
        return config;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static AclBinding acl(ResourceType type, String name, PatternType pattern, String principal,
                                  AclOperation op, AclPermissionType permission) {
        return new AclBinding(new ResourcePattern(type, name, pattern), new AccessControlEntry(principal, "*", op,
                permission));
    }

    private static void grant(AclBinding... bindings) throws Exception {
        admin.createAcls(List.of(bindings)).all().get();
    }

    private static Throwable cause(ThrowingCall call) {
        try {
            call.run();
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (Exception e) {
            return e;
        }
        throw new AssertionError("expected a failure");
    }

    @FunctionalInterface
    interface ThrowingCall {
        void run() throws Exception;
    }

    /** What alice reads from one partition without a group, or the exception that stops her. */
    private static List<String> read(String user, String topic) {
        try (KafkaConsumer<byte[], byte[]> consumer = Clients.consumer(node.bootstrap(), config(user))) {
            consumer.assign(List.of(new TopicPartition(topic, 0)));
            List<String> values = new ArrayList<>();
            Clients.poll(consumer, 1).forEach(r -> values.add(new String(r.value(), StandardCharsets.UTF_8)));
            return values;
        }
    }

    @Test
    @Order(1)
    void aUserWithoutAclsCanNeitherReadWriteDescribeCreateNorDelete() throws Exception {
        assertThatThrownBy(() -> read("alice", "secret")).isInstanceOf(TopicAuthorizationException.class);
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(node.bootstrap(),
                with(config("alice"), ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false,
                        ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000))) {
            assertThat(cause(() -> producer.send(new ProducerRecord<>("secret", bytes("x"))).get()))
                    .isInstanceOf(TopicAuthorizationException.class);
        }
        // KIP-679: an idempotent producer needs IDEMPOTENT_WRITE on the cluster or WRITE on some topic.
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(node.bootstrap(),
                with(config("alice"), ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000))) {
            assertThat(cause(() -> producer.send(new ProducerRecord<>("secret", bytes("x"))).get()))
                    .isInstanceOfAny(ClusterAuthorizationException.class, TopicAuthorizationException.class);
        }
        try (Admin alice = Admin.create(config("alice"))) {
            assertThat(alice.listTopics().names().get()).isEmpty(); // hidden, not an error
            assertThat(cause(() -> alice.describeTopics(List.of("secret")).allTopicNames().get()))
                    .isInstanceOf(TopicAuthorizationException.class);
            assertThat(cause(() -> alice.createTopics(List.of(new NewTopic("alice-new", 1, (short) 1))).all().get()))
                    .isInstanceOf(TopicAuthorizationException.class);
            assertThat(cause(() -> alice.deleteTopics(List.of("secret")).all().get()))
                    .isInstanceOf(TopicAuthorizationException.class);
            assertThat(cause(() -> alice.describeAcls(AclBindingFilter.ANY).values().get()))
                    .isInstanceOf(ClusterAuthorizationException.class);
            assertThat(cause(() -> alice.createAcls(List.of(acl(ResourceType.TOPIC, "secret", PatternType.LITERAL,
                    "User:alice", AclOperation.ALL, AclPermissionType.ALLOW))).all().get()))
                    .isInstanceOf(ClusterAuthorizationException.class);
            // kafka-features.sh needs ALTER on the cluster, even for a dry run.
            assertThat(cause(() -> alice.updateFeatures(TRANSACTIONS_VERSION_TWO,
                    new UpdateFeaturesOptions().validateOnly(true)).all().get()))
                    .isInstanceOf(ClusterAuthorizationException.class);
        }
        assertThat(admin.listTopics().names().get()).contains("secret");
    }

    @Test
    @Order(2)
    void aPrefixedReadAclAllowsExactlyTheMatchingTopics() throws Exception {
        grant(acl(ResourceType.TOPIC, "team-a.", PatternType.PREFIXED, "User:alice", AclOperation.READ,
                AclPermissionType.ALLOW));
        assertThat(read("alice", "team-a.orders")).containsExactly("team-a.orders");
        assertThatThrownBy(() -> read("alice", "team-b.orders")).isInstanceOf(TopicAuthorizationException.class);
        try (Admin alice = Admin.create(config("alice"))) {
            // READ implies DESCRIBE: Metadata shows her the matching topic, and only it.
            assertThat(alice.listTopics().names().get()).containsExactly("team-a.orders");
        }
    }

    @Test
    @Order(3)
    void groupsAreChecked() throws Exception {
        Map<String, Object> other = with(config("alice"), ConsumerConfig.GROUP_ID_CONFIG, "alice-other");
        try (KafkaConsumer<byte[], byte[]> consumer = Clients.consumer(node.bootstrap(), other)) {
            consumer.subscribe(List.of("team-a.orders"));
            assertThatThrownBy(() -> consumer.poll(Duration.ofSeconds(10)))
                    .isInstanceOf(GroupAuthorizationException.class);
        }
        grant(acl(ResourceType.GROUP, "alice-", PatternType.PREFIXED, "User:alice", AclOperation.READ,
                AclPermissionType.ALLOW));
        Map<String, Object> own = with(config("alice"), ConsumerConfig.GROUP_ID_CONFIG, "alice-consumers");
        try (KafkaConsumer<byte[], byte[]> consumer = Clients.consumer(node.bootstrap(), own)) {
            consumer.subscribe(List.of("team-a.orders"));
            assertThat(Clients.poll(consumer, 1)).hasSize(1);
            consumer.commitSync();
        }
        assertThat(admin.listConsumerGroupOffsets("alice-consumers").partitionsToOffsetAndMetadata().get())
                .containsKey(new TopicPartition("team-a.orders", 0));
    }

    @Test
    @Order(4)
    void aDenyBeatsAnAllow() throws Exception {
        grant(acl(ResourceType.TOPIC, "shared", PatternType.LITERAL, "User:bob", AclOperation.WRITE,
                AclPermissionType.ALLOW));
        Map<String, Object> bob = with(config("bob"), ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false,
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(node.bootstrap(), bob)) {
            producer.send(new ProducerRecord<>("shared", bytes("allowed"))).get();
        }
        grant(acl(ResourceType.TOPIC, "sha", PatternType.PREFIXED, "User:*", AclOperation.WRITE,
                AclPermissionType.DENY));
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(node.bootstrap(), bob)) {
            assertThat(cause(() -> producer.send(new ProducerRecord<>("shared", bytes("denied"))).get()))
                    .isInstanceOf(TopicAuthorizationException.class);
        }
    }

    @Test
    @Order(5)
    void transactionalIdsAreChecked() throws Exception {
        Map<String, Object> txn = with(config("alice"), ProducerConfig.TRANSACTIONAL_ID_CONFIG, "alice-tx",
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(node.bootstrap(), txn)) {
            assertThatThrownBy(producer::initTransactions).isInstanceOf(TransactionalIdAuthorizationException.class);
        }
        grant(acl(ResourceType.TRANSACTIONAL_ID, "alice-tx", PatternType.LITERAL, "User:alice", AclOperation.WRITE,
                AclPermissionType.ALLOW), acl(ResourceType.TOPIC, "team-a.", PatternType.PREFIXED, "User:alice",
                AclOperation.WRITE, AclPermissionType.ALLOW));
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(node.bootstrap(), txn)) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>("team-a.orders", bytes("in a transaction")));
            producer.commitTransaction();
        }
        assertThat(read("alice", "team-a.orders")).contains("in a transaction");
    }

    @Test
    @Order(6)
    void superUsersMayDoEverything() throws Exception {
        grant(acl(ResourceType.TOPIC, "*", PatternType.LITERAL, "User:*", AclOperation.ALL, AclPermissionType.DENY));
        try {
            assertThat(read("admin", "secret")).containsExactly("secret");
            admin.createTopics(List.of(new NewTopic("admin-only", 1, (short) 1))).all().get();
            admin.deleteTopics(List.of("admin-only")).all().get();
            admin.updateFeatures(TRANSACTIONS_VERSION_TWO, new UpdateFeaturesOptions().validateOnly(true)).all().get();
            assertThatThrownBy(() -> read("alice", "team-a.orders")).isInstanceOf(TopicAuthorizationException.class);
        } finally {
            admin.deleteAcls(List.of(new AclBindingFilter(new ResourcePatternFilter(ResourceType.TOPIC, "*",
                    PatternType.LITERAL), AccessControlEntryFilter.ANY))).all().get();
        }
    }

    @Test
    @Order(7)
    void kafkaAclsAddsAndListsAcls() throws Exception {
        Path commandConfig = dir.resolve("admin.properties");
        Files.writeString(commandConfig, String.join("\n",
                "security.protocol=SASL_PLAINTEXT", "sasl.mechanism=PLAIN",
                "sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required "
                        + "username=\"admin\" password=\"admin-secret\";"));
        InProcessTool add = InProcessTool.run(() -> AclCommand.main(new String[] {"--bootstrap-server",
                node.bootstrap(), "--command-config", commandConfig.toString(), "--add", "--allow-principal",
                "User:carol", "--operation", "Read", "--operation", "Describe", "--topic", "carol-topic"}));
        assertThat(add.status()).as(add.err()).isZero();
        InProcessTool list = InProcessTool.run(() -> AclCommand.main(new String[] {"--bootstrap-server",
                node.bootstrap(), "--command-config", commandConfig.toString(), "--list", "--topic", "carol-topic"}));
        assertThat(list.status()).as(list.err()).isZero();
        assertThat(list.out()).contains("User:carol").contains("READ").contains("DESCRIBE");
        assertThat(admin.describeAcls(new AclBindingFilter(new ResourcePatternFilter(ResourceType.TOPIC,
                "carol-topic", PatternType.LITERAL), AccessControlEntryFilter.ANY)).values().get()).hasSize(2);
    }

    @Test
    @Order(8)
    void aclsSurviveARestart() throws Exception {
        Set<AclBinding> before = Set.copyOf(admin.describeAcls(AclBindingFilter.ANY).values().get());
        assertThat(before).isNotEmpty();
        admin.close();
        node.restart();
        admin = Admin.create(config("admin"));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(Set.copyOf(admin.describeAcls(AclBindingFilter.ANY).values().get())).isEqualTo(before));
        assertThat(read("alice", "team-a.orders")).isNotEmpty();
        assertThatThrownBy(() -> read("alice", "team-b.orders")).isInstanceOf(TopicAuthorizationException.class);
    }
}
