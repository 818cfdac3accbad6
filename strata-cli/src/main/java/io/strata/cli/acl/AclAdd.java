package io.strata.cli.acl;

import io.strata.cli.client.AdminCommand;
import io.strata.cli.client.Await;
import io.strata.cli.output.Output;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.ResourcePattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code strata acl add}: allows or denies principals operations on one resource (CreateAcls), as
 * {@code kafka-acls --add}. Adding an ACL that exists already succeeds without a change.
 */
@Command(name = "add", mixinStandardHelpOptions = true, description = "Add ACLs on one resource.")
public final class AclAdd extends AdminCommand {

    @Mixin
    AclResource resource = new AclResource();

    @Option(names = "--allow-principal", paramLabel = "PRINCIPAL", description = "Principal to allow, as User:name "
            + "(User:* for everyone); repeatable.")
    List<String> allow = new ArrayList<>();

    @Option(names = "--deny-principal", paramLabel = "PRINCIPAL", description = "Principal to deny; repeatable.")
    List<String> deny = new ArrayList<>();

    @Option(names = "--operation", paramLabel = "OPERATION", required = true,
            converter = AclResource.OperationConverter.class,
            description = "Read, Write, Create, Delete, Alter, Describe, ClusterAction, DescribeConfigs, "
                    + "AlterConfigs, IdempotentWrite or All; repeatable.")
    List<AclOperation> operations = new ArrayList<>();

    @Option(names = "--host", paramLabel = "HOST", defaultValue = "*",
            description = "Client IP address the ACLs apply to (default: any host).")
    String host;

    @Override
    protected void validate() {
        resource.requireOnePattern(spec);
        if (allow.isEmpty() && deny.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "give --allow-principal or --deny-principal");
        }
    }

    @Override
    protected int run(Admin admin) {
        ResourcePattern pattern = resource.pattern();
        List<AclBinding> bindings = new ArrayList<>();
        for (AclOperation op : operations) {
            allow.forEach(p -> bindings.add(new AclBinding(pattern, new AccessControlEntry(p, host, op,
                    AclPermissionType.ALLOW))));
            deny.forEach(p -> bindings.add(new AclBinding(pattern, new AccessControlEntry(p, host, op,
                    AclPermissionType.DENY))));
        }
        Await.get(admin.createAcls(bindings).all());
        Output.of(spec).line("Added " + bindings.size() + " ACL" + (bindings.size() == 1 ? "" : "s") + " on "
                + AclList.describe(pattern) + ".");
        return 0;
    }
}
