package io.strata.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A small tmpfs mounted for a test and unmounted when closed: a real file system that runs out of space. Mounting
 * needs root (as CI runs the tests); without it the test fails with a message saying so, it is never skipped.
 */
public final class Tmpfs implements AutoCloseable {
    private final Path mountPoint;

    private Tmpfs(Path mountPoint) {
        this.mountPoint = mountPoint;
    }

    /** Mounts a tmpfs of {@code size} (as {@code mount -o size=}, e.g. {@code 2m}) at {@code mountPoint}. */
    public static Tmpfs mount(Path mountPoint, String size) throws IOException, InterruptedException {
        Files.createDirectories(mountPoint);
        String output = run("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", mountPoint.toString());
        if (output != null) {
            throw new AssertionError("Cannot mount a tmpfs at " + mountPoint + ": the disk-full tests need to run"
                    + " as root (as CI does) with mount(8) available. mount said: " + output);
        }
        return new Tmpfs(mountPoint);
    }

    public Path dir() {
        return mountPoint;
    }

    /** Unmounts; lazily if something still holds a file open there, so that the test directory can be removed. */
    @Override
    public void close() throws IOException, InterruptedException {
        if (run("umount", mountPoint.toString()) != null) {
            String lazy = run("umount", "-l", mountPoint.toString());
            if (lazy != null) {
                throw new IOException("Cannot unmount the tmpfs at " + mountPoint + ": " + lazy);
            }
        }
    }

    /** Runs a command; null when it succeeded, otherwise what it printed and its exit status. */
    private static String run(String... command) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
        } catch (IOException e) {
            return e.toString();
        }
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return command[0] + " did not finish in 30 s";
        }
        return p.exitValue() == 0 ? null : output + " (exit status " + p.exitValue() + ")";
    }
}
