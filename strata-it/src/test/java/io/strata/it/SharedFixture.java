package io.strata.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A fixture that the test classes of one test JVM share: started on first use in a temporary directory of its own,
 * closed and the directory deleted when the JVM exits. Surefire runs each test class on its own JUnit engine, so
 * the sharing is the JVM's, not a JUnit store's. Thread-safe.
 *
 * @param <T> the fixture
 */
final class SharedFixture<T extends AutoCloseable> {

    /** Starts the fixture with its data under a directory it is given. */
    @FunctionalInterface
    interface Starter<T> {
        T start(Path dir) throws Exception;
    }

    private final String name;
    private final Starter<T> starter;
    /** Guarded by this. */
    private Optional<T> started = Optional.empty();

    /** A fixture that {@code starter} starts in a directory named after {@code name}. */
    SharedFixture(String name, Starter<T> starter) {
        this.name = name;
        this.starter = starter;
    }

    /** The fixture, started on the first call; a failed start is tried again on the next. */
    synchronized T get() throws Exception {
        if (started.isEmpty()) {
            Path dir = Files.createTempDirectory(name);
            T fixture = starter.start(dir);
            Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(() -> closeAndDelete(fixture, dir)));
            started = Optional.of(fixture);
        }
        return started.get();
    }

    private static void closeAndDelete(AutoCloseable fixture, Path dir) {
        try {
            fixture.close();
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        } catch (Exception e) {
            // the JVM is exiting: a directory left behind is all that is lost
        }
    }
}
