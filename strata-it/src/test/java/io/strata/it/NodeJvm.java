package io.strata.it;

import java.io.File;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * How a {@link NodeProcess} JVM is launched: its class path and the JVM options that make its start cheap. The
 * tests start node JVMs dozens of times on a 2-core machine (ClusterFailoverIT alone 21 times in CI), each start
 * competing for the CPU with the nodes already running, so what a start costs in CPU is what the tests wait for.
 * Measured on one node: about 7.5 s of CPU to serve clients with the JVM's defaults, 2.7 s with these options.
 *
 * <ul>
 *   <li>Class-data sharing (as {@code bin/strata} does): the JVM records the classes a node loads in an archive
 *       ({@code -XX:+AutoCreateSharedArchive}, written when a node exits cleanly) and later starts map them
 *       instead of loading and verifying each class again. The archive is {@code strata.it.node.archive}, one per
 *       test JVM; a node started while it is missing or stale runs without it.</li>
 *   <li>The client compiler only ({@code -XX:TieredStopAtLevel=1}): a node of these tests serves a few thousand
 *       requests a second at most, and the optimising compiler's work on each new JVM costs more CPU than its
 *       faster code saves.</li>
 *   <li>The serial collector: a 512 MB heap, and no concurrent GC threads competing with the other nodes.</li>
 * </ul>
 *
 * <p>None of these changes what a node does, only what its JVM costs; tests that measure a node's speed use
 * {@link #productionOptions()} instead (class-data sharing only). Thread-safe: stateless.
 */
final class NodeJvm {

    private NodeJvm() {
    }

    /** The options of a node JVM in a test that checks behaviour, not speed. */
    static List<String> options() {
        List<String> options = new ArrayList<>(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"));
        options.addAll(productionOptions());
        return options;
    }

    /**
     * The options of a node JVM whose speed a test measures: the JVM's default compiler and collector, and
     * class-data sharing, which changes only how classes are loaded at start.
     */
    static List<String> productionOptions() {
        return archive().map(archive -> List.of("-XX:SharedArchiveFile=" + archive, "-XX:+AutoCreateSharedArchive",
                "-Xlog:cds=off", "-Xlog:cds+dynamic=off")).orElse(List.of());
    }

    /**
     * The test JVM's class path without this module's own test classes, which a node never loads, and without
     * entries that do not exist: class-data sharing archives classes from jar files only, and a directory on the
     * class path would disable it.
     */
    static String classPath() {
        String full = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Optional<Path> own = ownClasses();
        return String.join(File.pathSeparator, Arrays.stream(full.split(File.pathSeparator))
                .filter(entry -> !entry.isBlank() && Files.exists(Path.of(entry)))
                .filter(entry -> own.isEmpty() || !Path.of(entry).toAbsolutePath().equals(own.get()))
                .toList());
    }

    /** The class-data archive, when one is configured and every class path entry is a jar file. */
    private static Optional<Path> archive() {
        String configured = System.getProperty("strata.it.node.archive", "");
        if (configured.isEmpty() || !Arrays.stream(classPath().split(File.pathSeparator))
                .allMatch(entry -> Files.isRegularFile(Path.of(entry)))) {
            return Optional.empty();
        }
        return Optional.of(Path.of(configured).toAbsolutePath());
    }

    private static Optional<Path> ownClasses() {
        try {
            return Optional.of(Path.of(NodeJvm.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                    .toAbsolutePath());
        } catch (URISyntaxException | SecurityException e) {
            return Optional.empty();
        }
    }
}
