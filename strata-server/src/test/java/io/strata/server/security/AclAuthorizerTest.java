package io.strata.server.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.strata.server.config.ServerConfig;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.Test;

class AclAuthorizerTest {

    private static final Principal ALICE = Principal.user("alice");
    private static final Principal BOB = Principal.user("bob");
    private static final InetAddress HOST = InetAddress.getLoopbackAddress();

    private final AtomicReference<Map<Uuid, AclBinding>> acls = new AtomicReference<>(Map.of());

    private AclAuthorizer authorizer(Set<String> superUsers, boolean allowEveryone) {
        return new AclAuthorizer(acls::get, superUsers, allowEveryone);
    }

    private void set(AclBinding... bindings) {
        Map<Uuid, AclBinding> map = new HashMap<>();
        for (AclBinding b : bindings) {
            map.put(Uuid.randomUuid(), b);
        }
        acls.set(Map.copyOf(map));
    }

    private static AclBinding acl(ResourceType type, String name, PatternType pattern, String principal,
                                  String host, AclOperation op, AclPermissionType permission) {
        return new AclBinding(new ResourcePattern(type, name, pattern),
                new AccessControlEntry(principal, host, op, permission));
    }

    private static AclBinding allow(String topic, PatternType pattern, String principal, AclOperation op) {
        return acl(ResourceType.TOPIC, topic, pattern, principal, "*", op, AclPermissionType.ALLOW);
    }

    private static boolean topic(AclAuthorizer a, Principal p, AclOperation op, String name) {
        return a.authorize(p, HOST, op, ResourceType.TOPIC, name);
    }

    @Test
    void literalAclsMatchTheirNameAndPrincipalOnly() {
        set(allow("orders", PatternType.LITERAL, "User:alice", AclOperation.READ));
        AclAuthorizer a = authorizer(Set.of(), false);
        assertThat(topic(a, ALICE, AclOperation.READ, "orders")).isTrue();
        assertThat(topic(a, ALICE, AclOperation.READ, "orders2")).isFalse();
        assertThat(topic(a, ALICE, AclOperation.WRITE, "orders")).isFalse();
        assertThat(topic(a, BOB, AclOperation.READ, "orders")).isFalse();
        assertThat(a.authorize(ALICE, HOST, AclOperation.READ, ResourceType.GROUP, "orders")).isFalse();
    }

    @Test
    void prefixesMatchEveryNameThatStartsWithThem() {
        set(allow("orders-", PatternType.PREFIXED, "User:alice", AclOperation.READ));
        AclAuthorizer a = authorizer(Set.of(), false);
        assertThat(topic(a, ALICE, AclOperation.READ, "orders-eu")).isTrue();
        assertThat(topic(a, ALICE, AclOperation.READ, "orders-")).isTrue();
        assertThat(topic(a, ALICE, AclOperation.READ, "orders")).isFalse();
        assertThat(topic(a, ALICE, AclOperation.READ, "payments")).isFalse();
    }

    @Test
    void wildcardsMatchEveryResourcePrincipalAndHost() {
        set(allow("*", PatternType.LITERAL, "User:*", AclOperation.WRITE));
        AclAuthorizer a = authorizer(Set.of(), false);
        assertThat(topic(a, ALICE, AclOperation.WRITE, "anything")).isTrue();
        assertThat(topic(a, BOB, AclOperation.WRITE, "else")).isTrue();
        assertThat(topic(a, BOB, AclOperation.READ, "else")).isFalse();
    }

    @Test
    void hostsMatchTheClientAddress() throws Exception {
        set(acl(ResourceType.TOPIC, "t", PatternType.LITERAL, "User:alice", "10.1.2.3", AclOperation.READ,
                AclPermissionType.ALLOW));
        AclAuthorizer a = authorizer(Set.of(), false);
        assertThat(a.authorize(ALICE, InetAddress.getByName("10.1.2.3"), AclOperation.READ, ResourceType.TOPIC,
                "t")).isTrue();
        assertThat(topic(a, ALICE, AclOperation.READ, "t")).isFalse();
    }

    @Test
    void denyBeatsAllowButDoesNotDenyImpliedOperations() {
        set(allow("orders", PatternType.LITERAL, "User:alice", AclOperation.ALL),
                acl(ResourceType.TOPIC, "ord", PatternType.PREFIXED, "User:*", "*", AclOperation.READ,
                        AclPermissionType.DENY));
        AclAuthorizer a = authorizer(Set.of(), false);
        assertThat(topic(a, ALICE, AclOperation.READ, "orders")).isFalse();
        assertThat(topic(a, ALICE, AclOperation.WRITE, "orders")).isTrue();
        assertThat(topic(a, ALICE, AclOperation.DESCRIBE, "orders")).isTrue();
    }

    @Test
    void readWriteDeleteAlterImplyDescribeAndAlterConfigsImpliesDescribeConfigs() {
        for (AclOperation op : List.of(AclOperation.READ, AclOperation.WRITE, AclOperation.DELETE,
                AclOperation.ALTER)) {
            set(allow("t", PatternType.LITERAL, "User:alice", op));
            assertThat(topic(authorizer(Set.of(), false), ALICE, AclOperation.DESCRIBE, "t")).as(op.name()).isTrue();
        }
        set(allow("t", PatternType.LITERAL, "User:alice", AclOperation.ALTER_CONFIGS));
        AclAuthorizer a = authorizer(Set.of(), false);
        assertThat(topic(a, ALICE, AclOperation.DESCRIBE_CONFIGS, "t")).isTrue();
        assertThat(topic(a, ALICE, AclOperation.DESCRIBE, "t")).isFalse();
        set(allow("t", PatternType.LITERAL, "User:alice", AclOperation.CREATE));
        assertThat(topic(authorizer(Set.of(), false), ALICE, AclOperation.DESCRIBE, "t")).isFalse();
    }

    @Test
    void superUsersMayDoEverythingEvenWhenDenied() {
        set(acl(ResourceType.TOPIC, "*", PatternType.LITERAL, "User:admin", "*", AclOperation.ALL,
                AclPermissionType.DENY));
        AclAuthorizer a = authorizer(Set.of("User:admin"), false);
        assertThat(topic(a, Principal.user("admin"), AclOperation.DELETE, "t")).isTrue();
        assertThat(a.authorize(Principal.user("admin"), HOST, AclOperation.ALTER, ResourceType.CLUSTER,
                Authorizer.CLUSTER_NAME)).isTrue();
        assertThat(topic(a, ALICE, AclOperation.DELETE, "t")).isFalse();
    }

    @Test
    void allowEveryoneIfNoAclFoundOpensOnlyResourcesWithoutAcls() {
        set(allow("guarded", PatternType.LITERAL, "User:alice", AclOperation.READ));
        AclAuthorizer open = authorizer(Set.of(), true);
        assertThat(topic(open, BOB, AclOperation.READ, "free")).isTrue();
        assertThat(topic(open, BOB, AclOperation.READ, "guarded")).isFalse();
        assertThat(topic(authorizer(Set.of(), false), BOB, AclOperation.READ, "free")).isFalse();
    }

    @Test
    void authorizeAnyFindsAnAllowNotCoveredByADeny() {
        AclAuthorizer a = authorizer(Set.of(), false);
        assertThat(a.authorizeAny(ALICE, HOST, AclOperation.WRITE, ResourceType.TOPIC)).isFalse();
        set(allow("logs-", PatternType.PREFIXED, "User:alice", AclOperation.WRITE));
        assertThat(a.authorizeAny(ALICE, HOST, AclOperation.WRITE, ResourceType.TOPIC)).isTrue();
        assertThat(a.authorizeAny(BOB, HOST, AclOperation.WRITE, ResourceType.TOPIC)).isFalse();
        set(allow("logs-", PatternType.PREFIXED, "User:alice", AclOperation.WRITE),
                acl(ResourceType.TOPIC, "logs", PatternType.PREFIXED, "User:alice", "*", AclOperation.WRITE,
                        AclPermissionType.DENY));
        assertThat(a.authorizeAny(ALICE, HOST, AclOperation.WRITE, ResourceType.TOPIC)).isFalse();
    }

    @Test
    void followsTheCurrentAclsOfTheImage() {
        AclAuthorizer a = authorizer(Set.of(), false);
        assertThat(topic(a, ALICE, AclOperation.READ, "t")).isFalse();
        set(allow("t", PatternType.LITERAL, "User:alice", AclOperation.READ));
        assertThat(topic(a, ALICE, AclOperation.READ, "t")).isTrue();
        acls.set(Map.of());
        assertThat(topic(a, ALICE, AclOperation.READ, "t")).isFalse();
    }

    @Test
    void isEnabledByKafkasClassNameOrOursAndRefusesOthers() {
        assertThat(AclAuthorizer.from(ServerConfig.from(Map.of()), Map::of)).isSameAs(Authorizer.ALLOW_ALL);
        assertThat(AclAuthorizer.from(ServerConfig.from(Map.of("authorizer.class.name",
                AclAuthorizer.KAFKA_CLASS_NAME, "super.users", "User:a; User:b")), Map::of).enabled()).isTrue();
        assertThat(AclAuthorizer.from(ServerConfig.from(Map.of("authorizer.class.name", "acl")), Map::of))
                .isInstanceOf(AclAuthorizer.class);
        assertThatThrownBy(() -> AclAuthorizer.from(ServerConfig.from(Map.of("authorizer.class.name",
                "kafka.security.authorizer.AclAuthorizer")), Map::of)).isInstanceOf(IllegalArgumentException.class);
        assertThat(AclAuthorizer.superUsers("User:a;User:b ; ")).containsExactlyInAnyOrder("User:a", "User:b");
        assertThatThrownBy(() -> AclAuthorizer.superUsers("admin")).isInstanceOf(IllegalArgumentException.class);
    }
}
