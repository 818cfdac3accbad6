package io.strata.cli.cluster;

import picocli.CommandLine.Command;

/** {@code strata cluster ...}: the cluster as a whole. */
@Command(name = "cluster", mixinStandardHelpOptions = true, description = "Inspect the cluster.",
        subcommands = {ClusterDescribe.class})
public final class ClusterCommand {
}
