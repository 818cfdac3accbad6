package io.strata.cli.output;

import picocli.CommandLine.Option;

/** The {@code --output table|json} option shared by every read command (a picocli mixin). */
public final class OutputOption {

    @Option(names = {"-o", "--output"}, paramLabel = "table|json", defaultValue = "table",
            description = "Output format: table (for people, default) or json (for scripts: one document on stdout, "
                    + "nothing else).")
    OutputFormat format = OutputFormat.TABLE;

    public OutputFormat format() {
        return format;
    }
}
