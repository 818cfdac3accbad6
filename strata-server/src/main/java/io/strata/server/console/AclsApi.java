package io.strata.server.console;

import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AccessControlEntryFilter;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.SecurityDisabledException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourcePatternFilter;
import org.apache.kafka.common.resource.ResourceType;

/**
 * The console's ACLs, through the Admin API (DescribeAcls, CreateAcls, DeleteAcls), so that the cluster validates
 * and authorises every change as any client's: the bindings (of one resource type, whose resource name and
 * principal contain the searched text, case-insensitive), sorted and paged; one binding added; one exact binding
 * deleted. On a node without an authorizer the list says so ({@code enabled: false} with Kafka's message) instead of
 * failing; adding or deleting there fails with Kafka's SECURITY_DISABLED.
 *
 * <p>Thread-safe.
 */
final class AclsApi {

    /** How the console sorts bindings: by resource, then principal, host, operation and permission. */
    private static final Comparator<AclBinding> ORDER = Comparator
            .comparing((AclBinding b) -> b.pattern().resourceType())
            .thenComparing(b -> b.pattern().name())
            .thenComparing(b -> b.pattern().patternType())
            .thenComparing(b -> b.entry().principal())
            .thenComparing(b -> b.entry().host())
            .thenComparing(b -> b.entry().operation())
            .thenComparing(b -> b.entry().permissionType());

    /** Kafka's filter wildcards and unknown values, which name no binding. */
    private static final Set<String> NOT_CONCRETE = Set.of("UNKNOWN", "ANY", "MATCH");

    private final SecurityCalls cluster;

    AclsApi(SecurityCalls cluster) {
        this.cluster = cluster;
    }

    /**
     * One page of the bindings of {@code resourceType} (every type when empty) whose resource name contains
     * {@code name} and whose principal contains {@code principal}.
     */
    Map<String, Object> list(Optional<ResourceType> resourceType, Optional<String> name, Optional<String> principal,
                             Paging paging) {
        List<AclBinding> all;
        try {
            all = List.copyOf(cluster.describeAcls(new AclBindingFilter(new ResourcePatternFilter(
                    resourceType.orElse(ResourceType.ANY), null, PatternType.ANY), AccessControlEntryFilter.ANY)));
        } catch (SecurityDisabledException e) {
            Map<String, Object> out = paging.header(0);
            out.put("enabled", false);
            out.put("message", e.getMessage());
            out.put("acls", List.of());
            return out;
        }
        List<AclBinding> matching = all.stream()
                .filter(b -> contains(b.pattern().name(), name) && contains(b.entry().principal(), principal))
                .sorted(ORDER).toList();
        Map<String, Object> out = paging.header(matching.size());
        out.put("enabled", true);
        out.put("acls", paging.slice(matching).stream().map(AclsApi::row).toList());
        return out;
    }

    /** Adds {@code binding}; the cluster refuses an incomplete one (INVALID_REQUEST) or an unauthorised caller. */
    Map<String, Object> create(AclBinding binding) {
        cluster.createAcl(binding);
        Map<String, Object> out = row(binding);
        out.put("created", true);
        return out;
    }

    /** Deletes exactly {@code binding}; 404 when the cluster has no such binding. */
    Map<String, Object> delete(AclBinding binding) {
        if (cluster.deleteAcls(binding.toFilter()).isEmpty()) {
            throw new ConsoleExchange.Refusal(404, "no such ACL binding: " + binding);
        }
        Map<String, Object> out = row(binding);
        out.put("deleted", true);
        return out;
    }

    /**
     * The binding named by the parameters {@code resourceType}, {@code patternType} (default {@code LITERAL}),
     * {@code name}, {@code principal}, {@code host} (default {@code *}), {@code operation} and {@code permission}
     * (default {@code ALLOW}); 400 for a missing parameter or an unknown value. Kafka's own checks (such as a
     * principal's form) are the cluster's.
     */
    static AclBinding binding(Function<String, Optional<String>> param) {
        ResourceType type = choice(ResourceType.class, "resourceType", required(param, "resourceType"));
        PatternType pattern = choice(PatternType.class, "patternType", param.apply("patternType").orElse("LITERAL"));
        AclOperation operation = choice(AclOperation.class, "operation", required(param, "operation"));
        AclPermissionType permission = choice(AclPermissionType.class, "permission",
                param.apply("permission").orElse("ALLOW"));
        return new AclBinding(new ResourcePattern(type, required(param, "name"), pattern),
                new AccessControlEntry(required(param, "principal"), param.apply("host").orElse("*"), operation,
                        permission));
    }

    /** The resource type named by {@code value} ({@code TOPIC}, {@code GROUP}, ...; any case); 400 otherwise. */
    static ResourceType resourceType(String value) {
        return choice(ResourceType.class, "resourceType", value);
    }

    private static String required(Function<String, Optional<String>> param, String name) {
        return param.apply(name).map(String::trim).filter(v -> !v.isEmpty())
                .orElseThrow(() -> new ConsoleExchange.Refusal(400, "missing parameter " + name));
    }

    /** The constant of {@code type} named {@code value} (any case); 400 for none or a filter-only wildcard. */
    private static <E extends Enum<E>> E choice(Class<E> type, String param, String value) {
        List<E> concrete = Arrays.stream(type.getEnumConstants()).filter(c -> !NOT_CONCRETE.contains(c.name()))
                .toList();
        String name = value.trim().toUpperCase(Locale.ROOT);
        return concrete.stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow(() ->
                new ConsoleExchange.Refusal(400, "parameter " + param + " is one of "
                        + concrete.stream().map(Enum::name).collect(Collectors.joining(", "))));
    }

    private static boolean contains(String value, Optional<String> text) {
        return text.map(t -> value.toLowerCase(Locale.ROOT).contains(t.toLowerCase(Locale.ROOT))).orElse(true);
    }

    private static Map<String, Object> row(AclBinding b) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("resourceType", b.pattern().resourceType().name());
        m.put("patternType", b.pattern().patternType().name());
        m.put("name", b.pattern().name());
        m.put("principal", b.entry().principal());
        m.put("host", b.entry().host());
        m.put("operation", b.entry().operation().name());
        m.put("permission", b.entry().permissionType().name());
        return m;
    }
}
