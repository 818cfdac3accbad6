package io.strata.cli.user;

import picocli.CommandLine.Command;

/** {@code strata user ...}: SCRAM users, whose salted credentials the cluster keeps in its metadata log. */
@Command(name = "user", mixinStandardHelpOptions = true,
        description = "Manage SCRAM users (SCRAM-SHA-256, SCRAM-SHA-512) of SASL listeners.",
        subcommands = {UserAdd.class, UserList.class, UserRemove.class})
public final class UserCommand {
}
