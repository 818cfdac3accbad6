package io.strata.metadata.controller;

import io.strata.metadata.MetadataImage;
import io.strata.metadata.records.MetadataRecord;
import io.strata.metadata.records.MetadataRecord.AclRecord;
import io.strata.metadata.records.MetadataRecord.RemoveAclRecord;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.InvalidRequestException;

/**
 * Decides CreateAcls and DeleteAcls at the controller, as Kafka's AclControlManager: a new binding gets a fresh id
 * (an {@link AclRecord}); a binding equal to one already stored (or created earlier in the same request) succeeds
 * without a record; a deletion filter removes every stored binding it matches ({@link AclBindingFilter#matches},
 * so MATCH and ANY pattern types work as in Kafka).
 *
 * <p>Stateless and thread-safe.
 */
public final class AclControl {

    private AclControl() {
    }

    /**
     * One outcome per binding, in order: empty on success, else {@code InvalidRequestException} for a binding that
     * is not concrete (ANY, MATCH or UNKNOWN anywhere), has an empty resource name or a principal without a type.
     */
    public static Decision<List<Optional<ApiException>>> create(MetadataImage image, List<AclBinding> bindings,
                                                                 Supplier<Uuid> ids) {
        Set<AclBinding> present = new HashSet<>(image.acls().values());
        List<MetadataRecord> records = new ArrayList<>();
        List<Optional<ApiException>> outcomes = new ArrayList<>();
        for (AclBinding binding : bindings) {
            Optional<ApiException> invalid = validate(binding);
            if (invalid.isEmpty() && present.add(binding)) {
                Uuid id = ids.get();
                while (image.acls().containsKey(id)) {
                    id = ids.get();
                }
                records.add(new AclRecord(id, binding));
            }
            outcomes.add(invalid);
        }
        return new Decision<>(records, outcomes);
    }

    /** Per filter, in order, the bindings it deleted; a binding matched by several filters is deleted once. */
    public static Decision<List<List<AclBinding>>> delete(MetadataImage image, List<AclBindingFilter> filters) {
        Map<Uuid, AclBinding> remaining = new LinkedHashMap<>(image.acls());
        List<MetadataRecord> records = new ArrayList<>();
        List<List<AclBinding>> deleted = new ArrayList<>();
        for (AclBindingFilter filter : filters) {
            List<AclBinding> matched = new ArrayList<>();
            var it = remaining.entrySet().iterator();
            while (it.hasNext()) {
                Map.Entry<Uuid, AclBinding> e = it.next();
                if (filter.matches(e.getValue())) {
                    matched.add(e.getValue());
                    records.add(new RemoveAclRecord(e.getKey()));
                    it.remove();
                }
            }
            deleted.add(List.copyOf(matched));
        }
        return new Decision<>(records, deleted);
    }

    private static Optional<ApiException> validate(AclBinding binding) {
        if (!AclRecord.isConcrete(binding)) {
            return Optional.of(new InvalidRequestException("Invalid ACL: " + binding
                    + " (resource type, pattern type, operation and permission must be concrete)"));
        }
        if (binding.pattern().name().isEmpty()) {
            return Optional.of(new InvalidRequestException("Resource name must not be empty"));
        }
        String principal = binding.entry().principal();
        int colon = principal.indexOf(':');
        if (colon <= 0 || colon == principal.length() - 1) {
            return Optional.of(new InvalidRequestException("Invalid principal " + principal
                    + ": expected <type>:<name>, such as User:alice"));
        }
        if (binding.entry().host().isEmpty()) {
            return Optional.of(new InvalidRequestException("Host must not be empty: use * for any host"));
        }
        return Optional.empty();
    }
}
