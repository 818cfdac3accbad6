package io.strata.server.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.strata.server.api.ControllerQuorum;
import io.strata.server.api.RequestContext;
import io.strata.server.cluster.QuorumWaiter;
import io.strata.server.network.ConnectionInfo;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.message.CreateAclsResponseData;
import org.apache.kafka.common.message.DeleteAclsResponseData;
import org.apache.kafka.common.message.DescribeAclsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.CreateAclsRequest;
import org.apache.kafka.common.requests.DeleteAclsRequest;
import org.apache.kafka.common.requests.DescribeAclsRequest;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.Test;

class AclApisTest {

    private static final AclBinding BINDING = new AclBinding(
            new ResourcePattern(ResourceType.TOPIC, "orders", PatternType.LITERAL),
            new AccessControlEntry("User:alice", "*", AclOperation.WRITE, AclPermissionType.ALLOW));

    private final ControllerQuorum quorum = ControllerQuorum.withBrokers(1);
    private final QuorumWaiter waiter = QuorumWaiter.withoutPublishing(5_000);

    @Test
    void withoutAnAuthorizerEveryAclRequestIsSecurityDisabled() {
        RequestContext context = context(ApiKeys.CREATE_ACLS, Authorizer.ALLOW_ALL);
        CreateAclsResponseData created = (CreateAclsResponseData) new AclApis.CreateAcls(quorum, waiter)
                .handle(context, create());
        assertThat(created.results()).singleElement().satisfies(r -> {
            assertThat(r.errorCode()).isEqualTo(Errors.SECURITY_DISABLED.code());
            assertThat(r.errorMessage()).isEqualTo("No Authorizer is configured.");
        });
        DescribeAclsResponseData described = (DescribeAclsResponseData) new AclApis.DescribeAcls(quorum)
                .handle(context(ApiKeys.DESCRIBE_ACLS, Authorizer.ALLOW_ALL), describe());
        assertThat(described.errorCode()).isEqualTo(Errors.SECURITY_DISABLED.code());
        DeleteAclsResponseData deleted = (DeleteAclsResponseData) new AclApis.DeleteAcls(quorum, waiter)
                .handle(context(ApiKeys.DELETE_ACLS, Authorizer.ALLOW_ALL), delete());
        assertThat(deleted.filterResults()).singleElement().satisfies(r ->
                assertThat(r.errorCode()).isEqualTo(Errors.SECURITY_DISABLED.code()));
        assertThat(quorum.image().acls()).isEmpty();
    }

    @Test
    void withTheAuthorizerBindingsAreStoredDescribedAndDeleted() {
        Authorizer authorizer = new AclAuthorizer(() -> quorum.image().acls(), Set.of("User:ANONYMOUS"), false);
        CreateAclsResponseData created = (CreateAclsResponseData) new AclApis.CreateAcls(quorum, waiter)
                .handle(context(ApiKeys.CREATE_ACLS, authorizer), create());
        assertThat(created.results()).singleElement().satisfies(r ->
                assertThat(r.errorCode()).isEqualTo(Errors.NONE.code()));
        DescribeAclsResponseData described = (DescribeAclsResponseData) new AclApis.DescribeAcls(quorum)
                .handle(context(ApiKeys.DESCRIBE_ACLS, authorizer), describe());
        assertThat(described.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(described.resources()).singleElement().satisfies(r -> assertThat(r.resourceName())
                .isEqualTo("orders"));
        DeleteAclsResponseData deleted = (DeleteAclsResponseData) new AclApis.DeleteAcls(quorum, waiter)
                .handle(context(ApiKeys.DELETE_ACLS, authorizer), delete());
        assertThat(deleted.filterResults()).singleElement().satisfies(r -> assertThat(r.matchingAcls()).hasSize(1));
        assertThat(quorum.image().acls()).isEmpty();
    }

    private static CreateAclsRequest create() {
        return new CreateAclsRequest.Builder(new org.apache.kafka.common.message.CreateAclsRequestData()
                .setCreations(List.of(CreateAclsRequest.aclCreation(BINDING)))).build((short) 3);
    }

    private static DescribeAclsRequest describe() {
        return new DescribeAclsRequest.Builder(AclBindingFilter.ANY).build((short) 3);
    }

    private static DeleteAclsRequest delete() {
        return new DeleteAclsRequest.Builder(new org.apache.kafka.common.message.DeleteAclsRequestData()
                .setFilters(List.of(DeleteAclsRequest.deleteAclsFilter(BINDING.toFilter())))).build((short) 3);
    }

    private static RequestContext context(ApiKeys api, Authorizer authorizer) {
        return new RequestContext(new RequestHeader(api, (short) 3, "c", 1),
                new ConnectionInfo("c1", "PLAINTEXT", new InetSocketAddress("127.0.0.1", 5555)), authorizer);
    }
}
