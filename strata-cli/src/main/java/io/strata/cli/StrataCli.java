package io.strata.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code strata} command: runs a node and (in later subcommands) manages a cluster. */
@Command(name = "strata", mixinStandardHelpOptions = true, versionProvider = StrataCli.Version.class,
        description = "Strata: a Kafka-compatible streaming platform.",
        subcommands = {ServerCommand.class, CommandLine.HelpCommand.class})
public final class StrataCli {

    public static void main(String[] args) {
        // gRPC (inside Ratis) logs through java.util.logging: route it to the same log as everything else.
        org.slf4j.bridge.SLF4JBridgeHandler.removeHandlersForRootLogger();
        org.slf4j.bridge.SLF4JBridgeHandler.install();
        int exit = commandLine().execute(args);
        if (exit != ServerCommand.KEEP_RUNNING) {
            System.exit(exit);
        }
    }

    /** The configured command line; tests run commands through it without exiting the JVM. */
    public static CommandLine commandLine() {
        return new CommandLine(new StrataCli()).setCaseInsensitiveEnumValuesAllowed(true);
    }

    /** Reports the version from the jar manifest, when built as a jar. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = StrataCli.class.getPackage().getImplementationVersion();
            return new String[] {"strata " + (v != null ? v : "(development build)")};
        }
    }
}
