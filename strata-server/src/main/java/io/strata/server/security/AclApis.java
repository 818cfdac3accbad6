package io.strata.server.security;

import io.strata.metadata.MetadataQuorum;
import io.strata.server.ApiModule;
import io.strata.server.NodeServices;
import io.strata.server.api.ApiHandler;
import io.strata.server.api.RequestContext;
import io.strata.server.api.RequestDispatcher;
import io.strata.server.cluster.QuorumWaiter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AccessControlEntryFilter;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.message.CreateAclsResponseData;
import org.apache.kafka.common.message.CreateAclsResponseData.AclCreationResult;
import org.apache.kafka.common.message.DeleteAclsResponseData;
import org.apache.kafka.common.message.DeleteAclsResponseData.DeleteAclsFilterResult;
import org.apache.kafka.common.message.DeleteAclsResponseData.DeleteAclsMatchingAcl;
import org.apache.kafka.common.message.DescribeAclsResponseData;
import org.apache.kafka.common.message.DescribeAclsResponseData.AclDescription;
import org.apache.kafka.common.message.DescribeAclsResponseData.DescribeAclsResource;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.CreateAclsRequest;
import org.apache.kafka.common.requests.DeleteAclsRequest;
import org.apache.kafka.common.requests.DescribeAclsRequest;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourcePatternFilter;
import org.apache.kafka.common.resource.ResourceType;

/**
 * CreateAcls, DescribeAcls and DeleteAcls, v1-3 as Kafka 4.x (literal and prefixed patterns from v1). ACLs live in the metadata log
 * (so they reach every node and survive restarts); DescribeAcls reads the node's image. The dispatcher has checked
 * CLUSTER ALTER (create, delete) or DESCRIBE (describe) already. A node without {@code authorizer.class.name}
 * answers all three with SECURITY_DISABLED, as Kafka does: it would not enforce the ACLs it stored. Handlers are
 * thread-safe.
 */
public final class AclApis implements ApiModule {

    /** Kafka's message for ACL requests to a node without an authorizer. */
    static final String NO_AUTHORIZER = "No Authorizer is configured.";

    @Override
    public void register(RequestDispatcher dispatcher, NodeServices s) {
        dispatcher.register(ApiKeys.CREATE_ACLS, 1, 3, new CreateAcls(s.quorum(), s.waiter()))
                .register(ApiKeys.DESCRIBE_ACLS, 1, 3, new DescribeAcls(s.quorum()))
                .register(ApiKeys.DELETE_ACLS, 1, 3, new DeleteAcls(s.quorum(), s.waiter()));
    }

    /** Stores new bindings in one metadata entry; each creation succeeds or fails on its own. */
    record CreateAcls(MetadataQuorum quorum, QuorumWaiter waiter) implements ApiHandler<CreateAclsRequest> {

        @Override
        public ApiMessage handle(RequestContext context, CreateAclsRequest request) {
            if (!context.authorizer().enabled()) {
                return new CreateAclsResponseData().setResults(request.data().creations().stream()
                        .map(c -> new AclCreationResult().setErrorCode(Errors.SECURITY_DISABLED.code())
                                .setErrorMessage(NO_AUTHORIZER)).toList());
            }
            List<AclBinding> bindings = new ArrayList<>();
            List<AclCreationResult> results = new ArrayList<>();
            List<AclCreationResult> sent = new ArrayList<>();
            for (var c : request.data().creations()) {
                AclCreationResult result = new AclCreationResult();
                results.add(result);
                try {
                    bindings.add(new AclBinding(
                            new ResourcePattern(ResourceType.fromCode(c.resourceType()), c.resourceName(),
                                    PatternType.fromCode(c.resourcePatternType())),
                            new AccessControlEntry(c.principal(), c.host(), AclOperation.fromCode(c.operation()),
                                    AclPermissionType.fromCode(c.permissionType()))));
                    sent.add(result);
                } catch (IllegalArgumentException | NullPointerException e) {
                    // ANY or MATCH where a concrete value is needed: Kafka's INVALID_REQUEST for this creation.
                    result.setErrorCode(Errors.INVALID_REQUEST.code()).setErrorMessage(e.getMessage());
                }
            }
            if (bindings.isEmpty()) {
                return new CreateAclsResponseData().setResults(results);
            }
            List<Optional<ApiException>> outcomes;
            try {
                outcomes = waiter.await(quorum.createAcls(bindings));
            } catch (ApiException e) {
                sent.forEach(r -> r.setErrorCode(Errors.forException(e).code()).setErrorMessage(e.getMessage()));
                return new CreateAclsResponseData().setResults(results);
            }
            for (int i = 0; i < outcomes.size(); i++) {
                AclCreationResult result = sent.get(i);
                outcomes.get(i).ifPresent(e -> result.setErrorCode(Errors.forException(e).code())
                        .setErrorMessage(e.getMessage()));
            }
            return new CreateAclsResponseData().setResults(results);
        }
    }

    /** The bindings that match the filter, grouped by resource pattern. */
    record DescribeAcls(MetadataQuorum quorum) implements ApiHandler<DescribeAclsRequest> {

        @Override
        public ApiMessage handle(RequestContext context, DescribeAclsRequest request) {
            if (!context.authorizer().enabled()) {
                return new DescribeAclsResponseData().setErrorCode(Errors.SECURITY_DISABLED.code())
                        .setErrorMessage(NO_AUTHORIZER);
            }
            AclBindingFilter filter = request.filter();
            if (filter.isUnknown()) {
                return new DescribeAclsResponseData().setErrorCode(Errors.INVALID_REQUEST.code())
                        .setErrorMessage("The filter has an unknown element: " + filter);
            }
            Map<ResourcePattern, List<AclDescription>> byResource = new LinkedHashMap<>();
            quorum.image().acls().values().stream().filter(filter::matches)
                    .sorted((a, b) -> a.toString().compareTo(b.toString()))
                    .forEach(b -> byResource.computeIfAbsent(b.pattern(), p -> new ArrayList<>())
                            .add(new AclDescription().setPrincipal(b.entry().principal()).setHost(b.entry().host())
                                    .setOperation(b.entry().operation().code())
                                    .setPermissionType(b.entry().permissionType().code())));
            List<DescribeAclsResource> resources = new ArrayList<>();
            byResource.forEach((p, acls) -> resources.add(new DescribeAclsResource()
                    .setResourceType(p.resourceType().code()).setResourceName(p.name())
                    .setPatternType(p.patternType().code()).setAcls(acls)));
            return new DescribeAclsResponseData().setResources(resources);
        }
    }

    /** Deletes, in one metadata entry, what each filter matches, and answers with the deleted bindings. */
    record DeleteAcls(MetadataQuorum quorum, QuorumWaiter waiter) implements ApiHandler<DeleteAclsRequest> {

        @Override
        public ApiMessage handle(RequestContext context, DeleteAclsRequest request) {
            if (!context.authorizer().enabled()) {
                return new DeleteAclsResponseData().setFilterResults(request.data().filters().stream()
                        .map(f -> new DeleteAclsFilterResult().setErrorCode(Errors.SECURITY_DISABLED.code())
                                .setErrorMessage(NO_AUTHORIZER)).toList());
            }
            List<AclBindingFilter> filters = new ArrayList<>();
            for (var f : request.data().filters()) {
                filters.add(new AclBindingFilter(
                        new ResourcePatternFilter(ResourceType.fromCode(f.resourceTypeFilter()),
                                f.resourceNameFilter(), PatternType.fromCode(f.patternTypeFilter())),
                        new AccessControlEntryFilter(f.principalFilter(), f.hostFilter(),
                                AclOperation.fromCode(f.operation()), AclPermissionType.fromCode(f.permissionType()))));
            }
            List<DeleteAclsFilterResult> results = new ArrayList<>();
            List<AclBindingFilter> valid = filters.stream().filter(f -> !f.isUnknown()).toList();
            List<List<AclBinding>> deleted;
            try {
                deleted = valid.isEmpty() ? List.of() : waiter.await(quorum.deleteAcls(valid));
            } catch (ApiException e) {
                filters.forEach(f -> results.add(new DeleteAclsFilterResult()
                        .setErrorCode(Errors.forException(e).code()).setErrorMessage(e.getMessage())));
                return new DeleteAclsResponseData().setFilterResults(results);
            }
            int next = 0;
            for (AclBindingFilter filter : filters) {
                if (filter.isUnknown()) {
                    results.add(new DeleteAclsFilterResult().setErrorCode(Errors.INVALID_REQUEST.code())
                            .setErrorMessage("The filter has an unknown element: " + filter));
                    continue;
                }
                List<DeleteAclsMatchingAcl> matching = new ArrayList<>();
                for (AclBinding b : deleted.get(next++)) {
                    matching.add(new DeleteAclsMatchingAcl().setResourceType(b.pattern().resourceType().code())
                            .setResourceName(b.pattern().name()).setPatternType(b.pattern().patternType().code())
                            .setPrincipal(b.entry().principal()).setHost(b.entry().host())
                            .setOperation(b.entry().operation().code())
                            .setPermissionType(b.entry().permissionType().code()));
                }
                results.add(new DeleteAclsFilterResult().setMatchingAcls(matching));
            }
            return new DeleteAclsResponseData().setFilterResults(results);
        }
    }
}
