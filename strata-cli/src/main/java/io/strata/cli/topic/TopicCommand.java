package io.strata.cli.topic;

import picocli.CommandLine.Command;

/** {@code strata topic ...}: create, list, describe, alter and delete topics. */
@Command(name = "topic", mixinStandardHelpOptions = true, description = "Manage topics.",
        subcommands = {TopicCreate.class, TopicList.class, TopicDescribe.class, TopicAlter.class, TopicDelete.class})
public final class TopicCommand {
}
