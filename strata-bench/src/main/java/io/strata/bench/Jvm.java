package io.strata.bench;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Command lines for the child JVMs: the same {@code java} that runs the harness, and one set of broker flags
 * for both brokers (those of Kafka's {@code kafka-server-start.sh}: 1 GiB heap, G1). Immutable.
 *
 * @param java             the java executable
 * @param benchClassPath   class path with Kafka's broker and tools, and this module (Kafka broker, tools, clients)
 * @param strataClassPath  class path of the Strata distribution ({@code strata-cli/target})
 * @param strataCdsArchive the benchmark's own class-data archive for Strata (bin/strata server keeps another)
 */
public record Jvm(String java, String benchClassPath, String strataClassPath, Path strataCdsArchive) {

    /** Heap and GC flags shared by both brokers, from Kafka's start scripts. */
    public static final List<String> BROKER_FLAGS = List.of("-Xmx1G", "-Xms1G", "-server", "-XX:+UseG1GC",
            "-XX:MaxGCPauseMillis=20", "-XX:InitiatingHeapOccupancyPercent=35", "-XX:+ExplicitGCInvokesConcurrent",
            "-XX:MaxInlineLevel=15", "-Djava.awt.headless=true", "--enable-native-access=ALL-UNNAMED",
            "--sun-misc-unsafe-memory-access=allow");

    /** The heap size of {@link #BROKER_FLAGS}. */
    public static final String DEFAULT_HEAP = "1G";

    /** {@link #BROKER_FLAGS} with the heap ({@code -Xmx}, {@code -Xms}) set to {@code heap}, e.g. "512m" or "1G". */
    public static List<String> brokerFlags(String heap) {
        List<String> flags = new ArrayList<>(List.of("-Xmx" + heap, "-Xms" + heap));
        BROKER_FLAGS.stream().filter(f -> !f.startsWith("-Xmx") && !f.startsWith("-Xms")).forEach(flags::add);
        return List.copyOf(flags);
    }

    /** The JDK that runs the harness ({@code java} is its {@code bin/java}), for scripts that want a JAVA_HOME. */
    public Path javaHome() {
        return Path.of(java).toAbsolutePath().getParent().getParent();
    }

    /** Flags of the client tool JVMs (Kafka's kafka-run-class.sh defaults for tools, with a fixed heap). */
    public static final List<String> TOOL_FLAGS = List.of("-Xmx512M", "-Xms512M", "-XX:+UseG1GC",
            "-XX:MaxGCPauseMillis=20", "-Djava.awt.headless=true", "--enable-native-access=ALL-UNNAMED",
            "--sun-misc-unsafe-memory-access=allow");

    /** Resolves everything from the running JVM and the Strata checkout at {@code strataHome}. */
    public static Jvm detect(Path strataHome) {
        String java = ProcessHandle.current().info().command().orElse("java");
        Path cli = strataHome.resolve("strata-cli/target");
        String strataCp = cli.resolve("strata.jar") + File.pathSeparator + cli.resolve("lib") + File.separator + "*";
        return new Jvm(java, System.getProperty("java.class.path"), strataCp, cli.resolve("strata-bench-server.jsa"));
    }

    /** A tool or helper main class in a client JVM, with logging configured by {@code logbackConfig}. */
    public List<String> tool(Path logbackConfig, String mainClass, List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(java);
        cmd.addAll(TOOL_FLAGS);
        cmd.add("-Dlogback.configurationFile=" + logbackConfig);
        cmd.add("-cp");
        cmd.add(benchClassPath);
        cmd.add(mainClass);
        cmd.addAll(args);
        return cmd;
    }
}
