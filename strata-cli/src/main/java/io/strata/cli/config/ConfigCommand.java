package io.strata.cli.config;

import picocli.CommandLine.Command;

/** {@code strata config ...}: describe, set and delete topic and broker configs. */
@Command(name = "config", mixinStandardHelpOptions = true,
        description = "Show and change topic and broker configs (dynamic configs apply without restart).",
        subcommands = {ConfigDescribe.class, ConfigSet.class, ConfigDelete.class})
public final class ConfigCommand {
}
