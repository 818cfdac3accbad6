package io.strata.server.security;

import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * An immutable index of ACL bindings by resource type, then by literal name or by prefix, so that finding the
 * entries that apply to one resource costs a few hash lookups (one per prefix length of the name), never a scan of
 * every ACL. Built once per change of the ACLs in the metadata image. Thread-safe (immutable).
 */
final class AclIndex {

    static final AclIndex EMPTY = new AclIndex(List.of());

    private final Map<ResourceType, Map<String, List<AccessControlEntry>>> literal = new EnumMap<>(ResourceType.class);
    private final Map<ResourceType, Map<String, List<AccessControlEntry>>> prefixed = new EnumMap<>(ResourceType.class);
    /** Every binding per resource type, for the by-resource-type check (rare: idempotent producers). */
    private final Map<ResourceType, List<AclBinding>> byType = new EnumMap<>(ResourceType.class);

    AclIndex(Collection<AclBinding> bindings) {
        for (AclBinding b : bindings) {
            ResourcePattern p = b.pattern();
            Map<ResourceType, Map<String, List<AccessControlEntry>>> target =
                    p.patternType() == PatternType.PREFIXED ? prefixed : literal;
            target.computeIfAbsent(p.resourceType(), t -> new HashMap<>())
                    .computeIfAbsent(p.name(), n -> new ArrayList<>()).add(b.entry());
            byType.computeIfAbsent(p.resourceType(), t -> new ArrayList<>()).add(b);
        }
    }

    /**
     * The entries of every pattern that covers the resource: the literal name, the literal wildcard {@code *} and
     * every prefix of the name.
     */
    List<AccessControlEntry> entriesFor(ResourceType type, String name) {
        List<AccessControlEntry> found = new ArrayList<>();
        Map<String, List<AccessControlEntry>> lit = literal.get(type);
        if (lit != null) {
            found.addAll(lit.getOrDefault(name, List.of()));
            if (!name.equals(ResourcePattern.WILDCARD_RESOURCE)) {
                found.addAll(lit.getOrDefault(ResourcePattern.WILDCARD_RESOURCE, List.of()));
            }
        }
        Map<String, List<AccessControlEntry>> pre = prefixed.get(type);
        if (pre != null) {
            for (int end = 1; end <= name.length(); end++) {
                List<AccessControlEntry> entries = pre.get(name.substring(0, end));
                if (entries != null) {
                    found.addAll(entries);
                }
            }
        }
        return found;
    }

    /** Every binding on resources of {@code type}. */
    List<AclBinding> bindingsOf(ResourceType type) {
        return byType.getOrDefault(type, List.of());
    }
}
