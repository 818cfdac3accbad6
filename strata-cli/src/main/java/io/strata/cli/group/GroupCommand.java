package io.strata.cli.group;

import picocli.CommandLine.Command;

/** {@code strata group ...}: list, describe, reset the offsets of, and delete consumer groups. */
@Command(name = "group", mixinStandardHelpOptions = true,
        description = "Manage consumer groups (classic and consumer protocol) and their committed offsets.",
        subcommands = {GroupList.class, GroupDescribe.class, GroupResetOffsets.class, GroupDelete.class})
public final class GroupCommand {
}
