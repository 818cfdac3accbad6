package io.strata.cli.schema;

import picocli.CommandLine.Option;

/** The {@code --schema-registry URL} option every schema command shares (a picocli mixin). */
public final class RegistryOptions {

    /** A node's registry on its default HTTP listener. */
    static final String DEFAULT_URL = "http://localhost:9190/schema-registry";

    @Option(names = {"-r", "--schema-registry"}, paramLabel = "URL",
            defaultValue = "${env:STRATA_SCHEMA_REGISTRY_URL:-" + DEFAULT_URL + "}",
            description = "The schema registry (default: $STRATA_SCHEMA_REGISTRY_URL, else " + DEFAULT_URL
                    + "). Any Confluent-compatible registry works.")
    String url;

    RegistryClient client() {
        return new RegistryClient(url);
    }
}
