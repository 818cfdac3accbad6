package io.strata.cli.acl;

import picocli.CommandLine.Command;

/** {@code strata acl ...}: access control lists, which the cluster keeps in its metadata log. */
@Command(name = "acl", mixinStandardHelpOptions = true,
        description = "Manage ACLs (needs authorizer.class.name on the nodes).",
        subcommands = {AclAdd.class, AclList.class, AclRemove.class})
public final class AclCommand {
}
