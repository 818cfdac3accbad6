package io.strata.cli.acl;

import io.strata.cli.client.AdminCommand;
import io.strata.cli.client.Await;
import io.strata.cli.output.Output;
import io.strata.cli.output.OutputOption;
import io.strata.cli.output.Table;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.acl.AccessControlEntryFilter;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourcePatternFilter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code strata acl remove}: deletes the ACLs on one resource pattern (DeleteAcls), all of them or only those of
 * the given principals and operations, and shows what was removed (same JSON schema as {@code acl list}).
 */
@Command(name = "remove", mixinStandardHelpOptions = true, description = "Remove ACLs from one resource.")
public final class AclRemove extends AdminCommand {

    @Mixin
    AclResource resource = new AclResource();

    @Option(names = "--allow-principal", paramLabel = "PRINCIPAL", description = "Remove this principal's ALLOW "
            + "ACLs; repeatable.")
    List<String> allow = new ArrayList<>();

    @Option(names = "--deny-principal", paramLabel = "PRINCIPAL", description = "Remove this principal's DENY "
            + "ACLs; repeatable.")
    List<String> deny = new ArrayList<>();

    @Option(names = "--operation", paramLabel = "OPERATION", converter = AclResource.OperationConverter.class,
            description = "Only these operations; repeatable (default: every operation).")
    List<AclOperation> operations = new ArrayList<>();

    @Mixin
    OutputOption output;

    @Override
    protected void validate() {
        resource.requireOnePattern(spec);
    }

    @Override
    protected int run(Admin admin) {
        ResourcePattern pattern = resource.pattern();
        ResourcePatternFilter on = new ResourcePatternFilter(pattern.resourceType(), pattern.name(),
                pattern.patternType());
        List<AclOperation> ops = operations.isEmpty() ? List.of(AclOperation.ANY) : operations;
        List<AclBindingFilter> filters = new ArrayList<>();
        for (AclOperation op : ops) {
            if (allow.isEmpty() && deny.isEmpty()) {
                filters.add(new AclBindingFilter(on, new AccessControlEntryFilter(null, null, op,
                        AclPermissionType.ANY)));
            }
            allow.forEach(p -> filters.add(new AclBindingFilter(on, new AccessControlEntryFilter(p, null, op,
                    AclPermissionType.ALLOW))));
            deny.forEach(p -> filters.add(new AclBindingFilter(on, new AccessControlEntryFilter(p, null, op,
                    AclPermissionType.DENY))));
        }
        List<AclBinding> removed = new ArrayList<>(Await.get(admin.deleteAcls(filters).all()));
        Output out = Output.of(spec, output.format());
        if (out.isJson()) {
            out.json(Map.of("acls", AclList.rows(removed)));
        } else {
            out.line("Removed " + removed.size() + " ACL" + (removed.size() == 1 ? "" : "s") + " from "
                    + AclList.describe(pattern) + ".");
        }
        return 0;
    }
}
