package io.strata.cli;

import io.strata.metadata.ScramCredentialChange;
import io.strata.server.StrataServer;
import io.strata.server.config.ServerConfig;
import io.strata.server.security.ScramBootstrap;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.kafka.common.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code strata server [server.properties] [--override key=value]...}: runs a node in the foreground until
 * SIGTERM or Ctrl-C, then shuts it down cleanly.
 */
@Command(name = "server", mixinStandardHelpOptions = true,
        description = "Start a Strata node in the foreground. Without a file, the embedded defaults run a "
                + "single-node cluster on localhost:9092 with data in /tmp/strata-logs.")
final class ServerCommand implements Callable<Integer> {

    /** Returned when the node was started and stopped through the shutdown hook: the JVM is already exiting. */
    static final int KEEP_RUNNING = -1;

    private static final Logger log = LoggerFactory.getLogger(ServerCommand.class);

    @Parameters(index = "0", arity = "0..1", paramLabel = "server.properties",
            description = "Kafka-style properties file (process.roles, node.id, listeners, log.dirs...).")
    Path propertiesFile;

    @Option(names = "--override", paramLabel = "key=value", description = "Override a property; repeatable.")
    Map<String, String> overrides = new LinkedHashMap<>();

    @Option(names = "--add-scram", paramLabel = "SCRAM-SHA-512=[name=<user>,password=<password>]",
            description = "Store this SCRAM credential at start unless the user already has one for the mechanism "
                    + "(the first admin, as kafka-storage format --add-scram); repeatable.")
    List<String> addScram = new ArrayList<>();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        ServerConfig config;
        List<ScramCredentialChange> credentials = new ArrayList<>();
        try {
            config = ServerConfig.from(properties());
            for (String value : addScram) {
                credentials.add(ScramBootstrap.parse(value));
            }
        } catch (ConfigException | IOException | IllegalArgumentException e) {
            return invalidConfiguration(e);
        }
        if (!config.acceptedWithoutEffect().isEmpty()) {
            log.info("Kafka broker configs accepted, no effect in Strata: {}", config.acceptedWithoutEffect());
        }
        StrataServer server;
        try {
            server = StrataServer.start(config, credentials);
        } catch (ConfigException e) {
            return invalidConfiguration(e);
        } catch (Exception e) {
            log.error("Strata node failed to start", e);
            return 1;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "strata-shutdown"));
        server.awaitShutdown();
        return server.failure().isPresent() ? 1 : KEEP_RUNNING;
    }

    /** One line on the command's error stream, exit code 2 (bad usage), as every strata command does. */
    private int invalidConfiguration(Exception e) {
        spec.commandLine().getErr().println("strata server: invalid configuration: " + e.getMessage());
        spec.commandLine().getErr().flush();
        return 2;
    }

    private Map<String, String> properties() throws IOException {
        Map<String, String> props = new LinkedHashMap<>();
        if (propertiesFile != null) {
            Properties p = new Properties();
            try (Reader r = Files.newBufferedReader(propertiesFile, StandardCharsets.UTF_8)) {
                p.load(r);
            }
            p.stringPropertyNames().forEach(k -> props.put(k, p.getProperty(k).trim()));
        }
        props.putAll(overrides);
        return props;
    }
}
