package io.strata.server.console;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.UserScramCredentialAlteration;
import org.apache.kafka.clients.admin.UserScramCredentialDeletion;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.clients.admin.UserScramCredentialsDescription;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.errors.DuplicateResourceException;
import org.apache.kafka.common.errors.SecurityDisabledException;
import org.apache.kafka.common.quota.ClientQuotaAlteration;
import org.apache.kafka.common.quota.ClientQuotaEntity;
import org.apache.kafka.common.quota.ClientQuotaFilter;

/**
 * An in-memory cluster for the console's security pages, answering as Kafka does where the pages depend on it:
 * SECURITY_DISABLED for ACLs without an authorizer, filters matched by Kafka's own {@code matches}, and
 * DUPLICATE_RESOURCE for a user altered twice in one request. Records every request it was sent.
 */
final class FakeSecurityCalls implements SecurityCalls {

    boolean authorizer = true;
    final List<AclBinding> acls = new ArrayList<>();
    final Map<String, List<ScramCredentialInfo>> users = new LinkedHashMap<>();
    final Map<ClientQuotaEntity, Map<String, Double>> quotas = new LinkedHashMap<>();
    final List<List<UserScramCredentialAlteration>> userRequests = new ArrayList<>();
    final List<ClientQuotaAlteration> quotaRequests = new ArrayList<>();

    @Override
    public Collection<AclBinding> describeAcls(AclBindingFilter filter) {
        requireAuthorizer();
        return acls.stream().filter(filter::matches).toList();
    }

    @Override
    public void createAcl(AclBinding binding) {
        requireAuthorizer();
        if (!acls.contains(binding)) {
            acls.add(binding);
        }
    }

    @Override
    public Collection<AclBinding> deleteAcls(AclBindingFilter filter) {
        requireAuthorizer();
        List<AclBinding> deleted = acls.stream().filter(filter::matches).toList();
        acls.removeAll(deleted);
        return deleted;
    }

    private void requireAuthorizer() {
        if (!authorizer) {
            throw new SecurityDisabledException("No Authorizer is configured.");
        }
    }

    @Override
    public Map<String, UserScramCredentialsDescription> describeUsers() {
        Map<String, UserScramCredentialsDescription> out = new LinkedHashMap<>();
        users.forEach((name, infos) -> out.put(name, new UserScramCredentialsDescription(name, List.copyOf(infos))));
        return out;
    }

    @Override
    public void alterUsers(List<UserScramCredentialAlteration> alterations) {
        userRequests.add(alterations);
        if (alterations.stream().map(UserScramCredentialAlteration::user).distinct().count() < alterations.size()) {
            throw new DuplicateResourceException("a user altered twice in one request");
        }
        for (UserScramCredentialAlteration a : alterations) {
            List<ScramCredentialInfo> infos = users.computeIfAbsent(a.user(), u -> new ArrayList<>());
            switch (a) {
                case UserScramCredentialUpsertion u -> {
                    infos.removeIf(i -> i.mechanism() == u.credentialInfo().mechanism());
                    infos.add(u.credentialInfo());
                }
                case UserScramCredentialDeletion d -> infos.removeIf(i -> i.mechanism() == d.mechanism());
                default -> throw new IllegalArgumentException(a.toString());
            }
            if (infos.isEmpty()) {
                users.remove(a.user());
            }
        }
    }

    @Override
    public Map<ClientQuotaEntity, Map<String, Double>> describeQuotas(ClientQuotaFilter filter) {
        return Map.copyOf(quotas);
    }

    @Override
    public void alterQuotas(ClientQuotaAlteration alteration, boolean validateOnly) {
        quotaRequests.add(alteration);
        if (validateOnly) {
            return;
        }
        Map<String, Double> values = quotas.computeIfAbsent(alteration.entity(), e -> new HashMap<>());
        alteration.ops().forEach(op -> Optional.ofNullable(op.value()).ifPresentOrElse(
                v -> values.put(op.key(), v), () -> values.remove(op.key())));
        if (values.isEmpty()) {
            quotas.remove(alteration.entity());
        }
    }
}
