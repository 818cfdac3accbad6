package io.strata.server.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.SecurityDisabledException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.Test;

class AclsApiTest {

    private final FakeSecurityCalls cluster = new FakeSecurityCalls();
    private final AclsApi api = new AclsApi(cluster);

    @Test
    void listsSortedFilteredAndPaged() {
        cluster.acls.add(acl(ResourceType.TOPIC, "orders", "User:bob", AclOperation.READ));
        cluster.acls.add(acl(ResourceType.GROUP, "billing", "User:alice", AclOperation.READ));
        cluster.acls.add(acl(ResourceType.TOPIC, "orders", "User:alice", AclOperation.WRITE));
        cluster.acls.add(acl(ResourceType.TOPIC, "audit", "User:Alice", AclOperation.READ));

        Map<String, Object> all = api.list(Optional.empty(), Optional.empty(), Optional.empty(), new Paging(0, 50));
        assertThat(all).containsEntry("enabled", true).containsEntry("total", 4);
        assertThat(names(all)).containsExactly("TOPIC audit User:Alice", "TOPIC orders User:alice",
                "TOPIC orders User:bob", "GROUP billing User:alice");

        assertThat(names(api.list(Optional.of(ResourceType.TOPIC), Optional.of("ORD"), Optional.of("alice"),
                new Paging(0, 50)))).containsExactly("TOPIC orders User:alice");
        Map<String, Object> second = api.list(Optional.empty(), Optional.empty(), Optional.of("alice"),
                new Paging(1, 2));
        assertThat(second).containsEntry("total", 3);
        assertThat(names(second)).containsExactly("GROUP billing User:alice");
    }

    @Test
    void withoutAnAuthorizerTheListSaysSoAndChangesFailWithKafkasError() {
        cluster.authorizer = false;
        Map<String, Object> list = api.list(Optional.empty(), Optional.empty(), Optional.empty(), new Paging(0, 50));
        assertThat(list).containsEntry("enabled", false).containsEntry("message", "No Authorizer is configured.")
                .containsEntry("total", 0).containsEntry("acls", List.of());
        assertThatThrownBy(() -> api.create(acl(ResourceType.TOPIC, "t", "User:a", AclOperation.READ)))
                .isInstanceOf(SecurityDisabledException.class);
    }

    @Test
    void createsAndDeletesExactlyOneBinding() {
        AclBinding prefixed = new AclBinding(new ResourcePattern(ResourceType.TOPIC, "orders", PatternType.PREFIXED),
                new AccessControlEntry("User:alice", "*", AclOperation.WRITE, AclPermissionType.ALLOW));
        AclBinding literal = acl(ResourceType.TOPIC, "orders", "User:alice", AclOperation.WRITE);
        assertThat(api.create(prefixed)).containsEntry("created", true).containsEntry("patternType", "PREFIXED");
        api.create(literal);

        assertThat(api.delete(literal)).containsEntry("deleted", true);
        assertThat(cluster.acls).containsExactly(prefixed);
        assertThatThrownBy(() -> api.delete(literal)).isInstanceOfSatisfying(ConsoleExchange.Refusal.class,
                r -> assertThat(r.status).isEqualTo(404));
    }

    @Test
    void bindingFromFormParametersWithKafkasDefaultsAndNoWildcards() {
        Map<String, String> form = new HashMap<>(Map.of("resourceType", "topic", "name", "orders",
                "principal", "User:alice", "operation", "write"));
        assertThat(AclsApi.binding(p -> Optional.ofNullable(form.get(p)))).isEqualTo(
                acl(ResourceType.TOPIC, "orders", "User:alice", AclOperation.WRITE));

        form.put("patternType", "PREFIXED");
        form.put("host", "10.0.0.1");
        form.put("permission", "deny");
        AclBinding b = AclsApi.binding(p -> Optional.ofNullable(form.get(p)));
        assertThat(b.pattern().patternType()).isEqualTo(PatternType.PREFIXED);
        assertThat(b.entry().host()).isEqualTo("10.0.0.1");
        assertThat(b.entry().permissionType()).isEqualTo(AclPermissionType.DENY);

        // A wildcard would make a delete match many bindings: never accepted as a binding's value.
        for (Map.Entry<String, String> bad : List.of(Map.entry("operation", "ANY"), Map.entry("patternType", "MATCH"),
                Map.entry("resourceType", "UNKNOWN"), Map.entry("permission", "maybe"))) {
            Map<String, String> wrong = new HashMap<>(form);
            wrong.put(bad.getKey(), bad.getValue());
            assertThatThrownBy(() -> AclsApi.binding(p -> Optional.ofNullable(wrong.get(p))))
                    .isInstanceOfSatisfying(ConsoleExchange.Refusal.class, r -> {
                        assertThat(r.status).isEqualTo(400);
                        assertThat(r.getMessage()).contains(bad.getKey()).doesNotContain("ANY,");
                    });
        }
        form.remove("principal");
        assertThatThrownBy(() -> AclsApi.binding(p -> Optional.ofNullable(form.get(p))))
                .hasMessage("missing parameter principal");
    }

    @SuppressWarnings("unchecked")
    private static List<String> names(Map<String, Object> page) {
        return ((List<Map<String, Object>>) page.get("acls")).stream()
                .map(m -> m.get("resourceType") + " " + m.get("name") + " " + m.get("principal")).toList();
    }

    private static AclBinding acl(ResourceType type, String name, String principal, AclOperation operation) {
        return new AclBinding(new ResourcePattern(type, name, PatternType.LITERAL),
                new AccessControlEntry(principal, "*", operation, AclPermissionType.ALLOW));
    }
}
