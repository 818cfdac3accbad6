package io.strata.it.compat;

import static org.assertj.core.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Runs a client that is not Java in this JVM (kcat, python3, node, an older Java client in its own JVM) as a
 * process, with its output in files of a test directory so that a chatty process can never block on a full pipe.
 * Stateless; safe to use from any thread.
 */
final class ExternalProcess {

    /** What a finished process left: its exit code and everything it printed. */
    record Result(List<String> command, int exitCode, String stdout, String stderr) {

        /** Fails the test, with the full output, unless the process exited with 0. */
        Result assertSuccess() {
            if (exitCode != 0) {
                fail("%s exited with %d%n--- stdout ---%n%s%n--- stderr ---%n%s", command, exitCode, stdout, stderr);
            }
            return this;
        }

        List<String> stdoutLines() {
            return stdout.lines().filter(line -> !line.isBlank()).toList();
        }
    }

    private ExternalProcess() {
    }

    /**
     * Runs {@code command} to completion, feeding it {@code stdin} (empty for none), and fails the test if it
     * outlives {@code timeout} (after killing it).
     */
    static Result run(List<String> command, Map<String, String> env, String stdin, Path workDir, Duration timeout)
            throws IOException, InterruptedException {
        Files.createDirectories(workDir);
        Path in = Files.createTempFile(workDir, "stdin", ".txt");
        Path out = Files.createTempFile(workDir, "stdout", ".txt");
        Path err = Files.createTempFile(workDir, "stderr", ".txt");
        Files.writeString(in, stdin, StandardCharsets.UTF_8);
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile())
                .redirectInput(in.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().putAll(env);
        Process process = builder.start();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly().waitFor();
            fail("%s did not finish within %s%n--- stdout ---%n%s%n--- stderr ---%n%s", command, timeout,
                    Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
        }
        return new Result(command, process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    /**
     * The absolute path of {@code name} on the {@code PATH}. A missing client fails the test instead of skipping
     * it: a matrix cell that silently stops running would still claim to work.
     */
    static Path require(String name, String installHint) {
        Optional<Path> found = which(name);
        if (found.isEmpty()) {
            fail("%s is not installed, so this compatibility test cannot run. Install it with %s "
                    + "(`.ci/run --deps-only` installs every client the compatibility tests need).", name, installHint);
        }
        return found.orElseThrow();
    }

    static Optional<Path> which(String name) {
        String path = Optional.ofNullable(System.getenv("PATH")).orElse("/usr/local/bin:/usr/bin:/bin");
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir, name);
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate.toAbsolutePath());
            }
        }
        return Optional.empty();
    }
}
