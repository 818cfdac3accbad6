package io.strata.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A Java tool (a main class on this test's class path, such as Kafka's {@code VerifiableProducer}) run as its own
 * process, whose standard output is a stream of JSON objects, one a line; other lines (log output) are ignored. The
 * events are kept in arrival order; standard error goes to a file.
 *
 * <p>Thread-safe: the events list is written by a reader thread and read by the test.
 */
final class JsonLinesProcess implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final List<JsonNode> events = new CopyOnWriteArrayList<>();
    private final Thread reader;

    private JsonLinesProcess(Process process) {
        this.process = process;
        this.reader = Thread.ofPlatform().daemon().name("json-lines-" + process.pid()).start(this::read);
    }

    /** Starts {@code mainClass} with {@code args}; its standard error goes to {@code stderr}. */
    static JsonLinesProcess start(String mainClass, List<String> args, Path stderr) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.add("-Xmx256m");
        command.add("-cp");
        command.add(System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")));
        command.add(mainClass);
        command.addAll(args);
        return new JsonLinesProcess(new ProcessBuilder(command).redirectError(stderr.toFile()).start());
    }

    private void read() {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                if (line.startsWith("{")) {
                    try {
                        events.add(JSON.readTree(line));
                    } catch (IOException e) {
                        // a log line that happens to start with a brace: not an event
                    }
                }
            }
        } catch (IOException e) {
            // the process ended
        }
    }

    /** The events so far whose {@code name} is {@code name}. */
    List<JsonNode> events(String name) {
        return events.stream().filter(named(name)).toList();
    }

    long count(String name) {
        return events.stream().filter(named(name)).count();
    }

    private static Predicate<JsonNode> named(String name) {
        return e -> name.equals(e.path("name").asText());
    }

    /** Waits for the process to exit by itself and for its output to be read; returns the exit status. */
    int awaitExit(long timeout, TimeUnit unit) throws InterruptedException {
        if (!process.waitFor(timeout, unit)) {
            throw new IllegalStateException("Tool " + process.pid() + " did not exit within " + timeout + " " + unit);
        }
        reader.join(unit.toMillis(timeout));
        return process.exitValue();
    }

    /** SIGTERM (the Verifiable tools close their clients on it), then waits for the output to be read. */
    void stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
        reader.join(30_000);
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
