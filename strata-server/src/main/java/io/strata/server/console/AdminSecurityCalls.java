package io.strata.server.console;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.AlterClientQuotasOptions;
import org.apache.kafka.clients.admin.UserScramCredentialAlteration;
import org.apache.kafka.clients.admin.UserScramCredentialsDescription;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.quota.ClientQuotaAlteration;
import org.apache.kafka.common.quota.ClientQuotaEntity;
import org.apache.kafka.common.quota.ClientQuotaFilter;

/**
 * {@link SecurityCalls} through the console's shared Admin client ({@link ConsoleClients}), each waited for with
 * {@link KafkaCalls#await}. Thread-safe: the Admin client is.
 */
final class AdminSecurityCalls implements SecurityCalls {

    private final ConsoleClients clients;

    AdminSecurityCalls(ConsoleClients clients) {
        this.clients = clients;
    }

    @Override
    public Collection<AclBinding> describeAcls(AclBindingFilter filter) {
        return KafkaCalls.await(clients.admin().describeAcls(filter).values());
    }

    @Override
    public void createAcl(AclBinding binding) {
        KafkaCalls.await(clients.admin().createAcls(List.of(binding)).all());
    }

    @Override
    public Collection<AclBinding> deleteAcls(AclBindingFilter filter) {
        return KafkaCalls.await(clients.admin().deleteAcls(List.of(filter)).all());
    }

    @Override
    public Map<String, UserScramCredentialsDescription> describeUsers() {
        return KafkaCalls.await(clients.admin().describeUserScramCredentials().all());
    }

    @Override
    public void alterUsers(List<UserScramCredentialAlteration> alterations) {
        KafkaCalls.await(clients.admin().alterUserScramCredentials(alterations).all());
    }

    @Override
    public Map<ClientQuotaEntity, Map<String, Double>> describeQuotas(ClientQuotaFilter filter) {
        return KafkaCalls.await(clients.admin().describeClientQuotas(filter).entities());
    }

    @Override
    public void alterQuotas(ClientQuotaAlteration alteration, boolean validateOnly) {
        KafkaCalls.await(clients.admin().alterClientQuotas(List.of(alteration),
                new AlterClientQuotasOptions().validateOnly(validateOnly)).all());
    }
}
