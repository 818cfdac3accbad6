package io.strata.server.console;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.UserScramCredentialAlteration;
import org.apache.kafka.clients.admin.UserScramCredentialsDescription;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.quota.ClientQuotaAlteration;
import org.apache.kafka.common.quota.ClientQuotaEntity;
import org.apache.kafka.common.quota.ClientQuotaFilter;

/**
 * The Kafka Admin calls of the console's ACL and user pages, each waited for within the console's bound: the seam
 * between what the pages show and the cluster (which {@link AdminSecurityCalls} asks through the console's own
 * Admin client, so that the authorizer's rules apply to the console as to any client). Every method throws the
 * Kafka {@code ApiException} that failed the call, e.g. {@code SecurityDisabledException} for ACLs on a node
 * without an authorizer.
 *
 * <p>Implementations are thread-safe.
 */
interface SecurityCalls {

    /** DescribeAcls: the bindings that match {@code filter}. */
    Collection<AclBinding> describeAcls(AclBindingFilter filter);

    /** CreateAcls of one binding. */
    void createAcl(AclBinding binding);

    /** DeleteAcls of one filter: the bindings deleted. */
    Collection<AclBinding> deleteAcls(AclBindingFilter filter);

    /** DescribeUserScramCredentials of every user: mechanisms and iterations, never secrets. */
    Map<String, UserScramCredentialsDescription> describeUsers();

    /** AlterUserScramCredentials of one or more credentials in one request. */
    void alterUsers(List<UserScramCredentialAlteration> alterations);

    /** DescribeClientQuotas: the quotas of the entities that match {@code filter}. */
    Map<ClientQuotaEntity, Map<String, Double>> describeQuotas(ClientQuotaFilter filter);

    /** AlterClientQuotas of one entity; with {@code validateOnly} the cluster only checks it. */
    void alterQuotas(ClientQuotaAlteration alteration, boolean validateOnly);
}
