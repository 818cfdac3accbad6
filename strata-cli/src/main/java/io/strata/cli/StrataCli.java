package io.strata.cli;

import io.strata.cli.acl.AclCommand;
import io.strata.cli.client.ErrorHandlers;
import io.strata.cli.cluster.ClusterCommand;
import io.strata.cli.config.ConfigCommand;
import io.strata.cli.consume.ConsumeCommand;
import io.strata.cli.group.GroupCommand;
import io.strata.cli.produce.ProduceCommand;
import io.strata.cli.quota.QuotaCommand;
import io.strata.cli.schema.SchemaCommand;
import io.strata.cli.top.TopCommand;
import io.strata.cli.topic.TopicCommand;
import io.strata.cli.txn.TransactionsCommand;
import io.strata.cli.user.UserCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code strata} command: runs a node and manages a cluster through the Kafka clients. Exit codes: 0 success,
 * 1 the operation failed, 2 bad usage; errors are one line on stderr.
 */
@Command(name = "strata", mixinStandardHelpOptions = true, versionProvider = StrataCli.Version.class,
        description = "Strata: a Kafka-compatible streaming platform.",
        subcommands = {ServerCommand.class, TopicCommand.class, ProduceCommand.class, ConsumeCommand.class,
                ClusterCommand.class, ConfigCommand.class, GroupCommand.class, SchemaCommand.class,
                TopCommand.class, TransactionsCommand.class, UserCommand.class, AclCommand.class, QuotaCommand.class,
                CommandLine.HelpCommand.class})
public final class StrataCli {

    public static void main(String[] args) {
        if (args.length == 0 || !"server".equals(args[0])) {
            // Client commands keep stdout for results: logs go to stderr, and the Kafka clients' retry warnings
            // (a broker that is down) are replaced by the command's own one-line error. Set before logback starts.
            System.setProperty("strata.log.target", "System.err");
            System.setProperty("strata.log.level", System.getenv().getOrDefault("STRATA_LOG_LEVEL", "WARN"));
            System.setProperty("strata.kafka.log.level", "OFF");
        }
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
        return ErrorHandlers.install(new CommandLine(new StrataCli()).setCaseInsensitiveEnumValuesAllowed(true));
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
