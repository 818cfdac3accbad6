package io.strata.server.security;

import io.strata.server.config.ServerConfig;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * The ACL authorizer, with the semantics of Kafka's {@code StandardAuthorizer} (KIP-801): ACLs come from the
 * metadata image (so every node has the same), super users may do everything, a DENY that matches beats any ALLOW,
 * READ, WRITE, DELETE and ALTER allow DESCRIBE, ALTER_CONFIGS allows DESCRIBE_CONFIGS, ALL matches every operation,
 * {@code User:*} every principal and host {@code *} every address; a resource without any ACL is allowed only with
 * {@code allow.everyone.if.no.acl.found}.
 *
 * <p>Lookups use an {@link AclIndex} rebuilt only when the image's ACL map changes (the image keeps the same map
 * instance while ACLs are untouched). Thread-safe.
 */
public final class AclAuthorizer implements Authorizer {

    /** The value a Kafka KRaft config names; accepted so such a config works unchanged. */
    public static final String KAFKA_CLASS_NAME = "org.apache.kafka.metadata.authorizer.StandardAuthorizer";
    /** Strata's own short name for {@code authorizer.class.name}. */
    public static final String SHORT_NAME = "acl";

    private static final String WILDCARD_PRINCIPAL = "User:*";
    private static final String WILDCARD_HOST = "*";

    private final Supplier<Map<Uuid, AclBinding>> acls;
    private final Set<String> superUsers;
    private final boolean allowEveryoneIfNoAclFound;
    private volatile Snapshot snapshot = new Snapshot(Map.of(), AclIndex.EMPTY);
    /** Serialises rebuilds of the index, so that one image's ACLs are indexed once. */
    private final ReentrantLock rebuild = new ReentrantLock();

    private record Snapshot(Map<Uuid, AclBinding> source, AclIndex index) {
    }

    /**
     * @param acls                      the current ACLs (the metadata image's)
     * @param superUsers                principals allowed everything, as {@code User:name}
     * @param allowEveryoneIfNoAclFound whether a resource without any ACL is open to everyone
     */
    public AclAuthorizer(Supplier<Map<Uuid, AclBinding>> acls, Set<String> superUsers,
                         boolean allowEveryoneIfNoAclFound) {
        this.acls = acls;
        this.superUsers = Set.copyOf(superUsers);
        this.allowEveryoneIfNoAclFound = allowEveryoneIfNoAclFound;
    }

    /**
     * The authorizer {@code authorizer.class.name} asks for: none when unset or empty, this one for Kafka's
     * StandardAuthorizer, its own class name or {@value #SHORT_NAME}.
     *
     * @throws IllegalArgumentException for any other authorizer, or a malformed {@code super.users}
     */
    public static Authorizer from(ServerConfig config, Supplier<Map<Uuid, AclBinding>> acls) {
        String name = config.get("authorizer.class.name").orElse("").trim();
        if (name.isEmpty()) {
            return Authorizer.ALLOW_ALL;
        }
        if (!name.equals(KAFKA_CLASS_NAME) && !name.equals(SHORT_NAME)
                && !name.equals(AclAuthorizer.class.getName())) {
            throw new IllegalArgumentException("authorizer.class.name=" + name + " is not supported: use "
                    + KAFKA_CLASS_NAME + " (or " + SHORT_NAME + ")");
        }
        return new AclAuthorizer(acls, superUsers(config.get("super.users").orElse("")),
                Boolean.parseBoolean(config.get("allow.everyone.if.no.acl.found").orElse("false").trim()));
    }

    /** Parses Kafka's {@code super.users}: principals separated by semicolons, each {@code type:name}. */
    static Set<String> superUsers(String value) {
        Set<String> users = Arrays.stream(value.split(";")).map(String::trim).filter(s -> !s.isEmpty())
                .collect(Collectors.toUnmodifiableSet());
        for (String user : users) {
            int colon = user.indexOf(':');
            if (colon <= 0 || colon == user.length() - 1) {
                throw new IllegalArgumentException("super.users: " + user + " is not a principal such as User:admin");
            }
        }
        return users;
    }

    @Override
    public boolean enabled() {
        return true;
    }

    @Override
    public boolean authorize(Principal principal, InetAddress host, AclOperation operation, ResourceType type,
                             String name) {
        String who = principal.toString();
        if (superUsers.contains(who)) {
            return true;
        }
        List<AccessControlEntry> entries = index().entriesFor(type, name);
        if (entries.isEmpty()) {
            return allowEveryoneIfNoAclFound;
        }
        String address = host.getHostAddress();
        boolean allowed = false;
        for (AccessControlEntry e : entries) {
            if (!matches(e, who, address)) {
                continue;
            }
            if (e.permissionType() == AclPermissionType.DENY) {
                if (e.operation() == AclOperation.ALL || e.operation() == operation) {
                    return false;
                }
            } else if (allows(e.operation(), operation)) {
                allowed = true;
            }
        }
        return allowed;
    }

    /**
     * Kafka's rule: allowed if an ALLOW entry for the principal covers some resource of the type and no matching
     * DENY covers that same pattern entirely (the wildcard, the same literal name, or a prefix of its name).
     */
    @Override
    public boolean authorizeAny(Principal principal, InetAddress host, AclOperation operation, ResourceType type) {
        String who = principal.toString();
        if (superUsers.contains(who)) {
            return true;
        }
        String address = host.getHostAddress();
        List<AclBinding> bindings = index().bindingsOf(type);
        if (bindings.isEmpty()) {
            return allowEveryoneIfNoAclFound;
        }
        List<ResourcePattern> denied = bindings.stream()
                .filter(b -> b.entry().permissionType() == AclPermissionType.DENY && matches(b.entry(), who, address)
                        && (b.entry().operation() == AclOperation.ALL || b.entry().operation() == operation))
                .map(AclBinding::pattern).toList();
        return bindings.stream().anyMatch(b -> b.entry().permissionType() == AclPermissionType.ALLOW
                && matches(b.entry(), who, address) && allows(b.entry().operation(), operation)
                && denied.stream().noneMatch(d -> covers(d, b.pattern())));
    }

    /** Whether the DENY pattern {@code deny} applies to every resource {@code allow} names. */
    private static boolean covers(ResourcePattern deny, ResourcePattern allow) {
        if (deny.patternType() == PatternType.LITERAL) {
            return deny.name().equals(ResourcePattern.WILDCARD_RESOURCE)
                    || allow.patternType() == PatternType.LITERAL && deny.name().equals(allow.name());
        }
        return allow.name().startsWith(deny.name());
    }

    private static boolean matches(AccessControlEntry e, String principal, String address) {
        return (e.principal().equals(principal) || e.principal().equals(WILDCARD_PRINCIPAL))
                && (e.host().equals(WILDCARD_HOST) || e.host().equals(address));
    }

    /** Whether an ALLOW entry for {@code granted} allows {@code requested}: equal, ALL, or implied. */
    static boolean allows(AclOperation granted, AclOperation requested) {
        if (granted == requested || granted == AclOperation.ALL) {
            return true;
        }
        return switch (requested) {
            case DESCRIBE -> granted == AclOperation.READ || granted == AclOperation.WRITE
                    || granted == AclOperation.DELETE || granted == AclOperation.ALTER;
            case DESCRIBE_CONFIGS -> granted == AclOperation.ALTER_CONFIGS;
            default -> false;
        };
    }

    /** The index of the current ACLs, rebuilt when the image's ACL map is another instance. */
    private AclIndex index() {
        Map<Uuid, AclBinding> current = acls.get();
        Snapshot s = snapshot;
        if (s.source() == current) {
            return s.index();
        }
        rebuild.lock();
        try {
            s = snapshot;
            if (s.source() != current) {
                s = new Snapshot(current, new AclIndex(current.values()));
                snapshot = s;
            }
            return s.index();
        } finally {
            rebuild.unlock();
        }
    }
}
