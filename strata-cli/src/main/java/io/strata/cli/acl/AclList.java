package io.strata.cli.acl;

import io.strata.cli.client.AdminCommand;
import io.strata.cli.client.Await;
import io.strata.cli.output.Output;
import io.strata.cli.output.OutputOption;
import io.strata.cli.output.Table;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.acl.AccessControlEntryFilter;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.ResourcePattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code strata acl list}: the ACLs on a resource (every ACL when none is named), optionally of one principal
 * (DescribeAcls). JSON schema: {@code {"acls":[{"resourceType","name","patternType","principal","host",
 * "operation","permission"}]}}, sorted by resource, then principal, operation and permission.
 */
@Command(name = "list", mixinStandardHelpOptions = true, description = "List ACLs.")
public final class AclList extends AdminCommand {

    @Mixin
    AclResource resource = new AclResource();

    @Option(names = "--principal", paramLabel = "PRINCIPAL", description = "Only this principal's ACLs.")
    String principal;

    @Mixin
    OutputOption output;

    @Override
    protected int run(Admin admin) {
        AclBindingFilter filter = new AclBindingFilter(resource.filter(), new AccessControlEntryFilter(principal,
                null, AclOperation.ANY, AclPermissionType.ANY));
        List<Map<String, Object>> rows = rows(Await.get(admin.describeAcls(filter).values()));
        Output out = Output.of(spec, output.format());
        if (out.isJson()) {
            out.json(Map.of("acls", rows));
        } else {
            Table table = Table.of("RESOURCE", "NAME", "PATTERN", "PRINCIPAL", "HOST", "OPERATION", "PERMISSION");
            rows.forEach(r -> table.row(r.values().toArray()));
            out.table(table);
        }
        return 0;
    }

    static List<Map<String, Object>> rows(Collection<AclBinding> bindings) {
        List<Map<String, Object>> rows = new ArrayList<>();
        bindings.stream().sorted(Comparator.comparing((AclBinding b) -> b.pattern().resourceType())
                        .thenComparing(b -> b.pattern().name()).thenComparing(b -> b.pattern().patternType())
                        .thenComparing(b -> b.entry().principal()).thenComparing(b -> b.entry().operation())
                        .thenComparing(b -> b.entry().permissionType()))
                .forEach(b -> {
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("resourceType", b.pattern().resourceType().name());
                    row.put("name", b.pattern().name());
                    row.put("patternType", b.pattern().patternType().name());
                    row.put("principal", b.entry().principal());
                    row.put("host", b.entry().host());
                    row.put("operation", b.entry().operation().name());
                    row.put("permission", b.entry().permissionType().name());
                    rows.add(row);
                });
        return rows;
    }

    /** {@code topic 'orders'} or {@code topics prefixed 'orders-'}, for messages. */
    static String describe(ResourcePattern pattern) {
        String type = pattern.resourceType().name().toLowerCase(Locale.ROOT).replace('_', ' ');
        return switch (pattern.patternType()) {
            case PREFIXED -> type + "s prefixed '" + pattern.name() + "'";
            default -> type + " '" + pattern.name() + "'";
        };
    }
}
