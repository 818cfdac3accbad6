package io.strata.cli.quota;

import picocli.CommandLine.Command;

/** {@code strata quota ...}: client quotas per user, client id, both, and their defaults (Kafka's client quotas). */
@Command(name = "quota", mixinStandardHelpOptions = true,
        description = "Manage client quotas (byte rates, request time, controller mutations) of users and client ids.",
        subcommands = {QuotaSet.class, QuotaList.class, QuotaRemove.class})
public final class QuotaCommand {
}
