package io.strata.cli.schema;

import picocli.CommandLine.Command;

/** {@code strata schema ...}: register, list, get, check and delete schemas in a schema registry. */
@Command(name = "schema", mixinStandardHelpOptions = true,
        description = "Manage schemas in the schema registry (Strata's, or any Confluent-compatible one).",
        subcommands = {SchemaRegister.class, SchemaList.class, SchemaGet.class, SchemaCheck.class,
                SchemaDelete.class})
public final class SchemaCommand {
}
