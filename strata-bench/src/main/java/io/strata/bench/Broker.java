package io.strata.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A broker in its own JVM on ephemeral 127.0.0.1 ports with its data under a directory of its own: started,
 * timed until it serves Metadata, stopped or killed by PID. Subclasses say how to launch it.
 *
 * <p>Not thread-safe: driven by the harness thread.
 */
public abstract sealed class Broker implements AutoCloseable permits KafkaBroker, StrataBroker {

    static final String HOST = "127.0.0.1";

    protected final Jvm jvm;
    protected final Path dir;
    protected final ChildProcesses children;
    protected final int clientPort = freePort();
    protected final int controllerPort = freePort();
    /** The SASL_SSL listener's port, used only once {@link #saslSsl} configured it. */
    protected final int securePort = freePort();
    private final Map<String, String> configOverrides = new LinkedHashMap<>();
    private String heap = Jvm.DEFAULT_HEAP;
    private Process process;
    private Path output;
    private int starts;
    private long launchedAtNanos;

    protected Broker(Jvm jvm, Path dir, ChildProcesses children) {
        this.jvm = jvm;
        this.dir = dir;
        this.children = children;
    }

    /**
     * Sets a broker config (Kafka's name and format) for the next {@link #start}, replacing the harness's own value
     * for that key if it has one. Returns this broker.
     */
    public Broker config(String key, String value) {
        configOverrides.put(key, value);
        return this;
    }

    /** Adds the SASL_SSL listener of {@code setup} (for the next {@link #start}). Returns this broker. */
    public Broker saslSsl(SaslSslSetup setup) {
        setup.brokerConfigs(clientPort, controllerPort, securePort).forEach(this::config);
        return this;
    }

    /** Sets the heap ({@code -Xmx} and {@code -Xms}, e.g. "512m") for the next {@link #start}. Returns this broker. */
    public Broker heap(String size) {
        this.heap = size;
        return this;
    }

    /** The JVM flags of the next start: {@link Jvm#BROKER_FLAGS} with the heap of {@link #heap(String)}. */
    protected List<String> jvmFlags() {
        return Jvm.brokerFlags(heap);
    }

    /** The file holding the output (stdout and stderr) of the last {@link #start}. */
    public Path output() {
        return output;
    }

    /** The configs set with {@link #config}, in the order they were set. */
    protected Map<String, String> configOverrides() {
        return java.util.Collections.unmodifiableMap(configOverrides);
    }

    /** "kafka" or "strata". */
    public abstract String name();

    /** The JVM command line that runs the broker (prepared data dir and config included). */
    protected abstract List<String> command() throws IOException, InterruptedException;

    public String bootstrap() {
        return HOST + ":" + clientPort;
    }

    /** The SASL_SSL listener's address (see {@link #saslSsl}). */
    public String secureBootstrap() {
        return HOST + ":" + securePort;
    }

    public long pid() {
        return process.pid();
    }

    public Path dataDir() {
        return dir.resolve("data");
    }

    /** Starts the JVM and waits (at most {@code timeout}) until it serves Metadata; returns how long that took. */
    public Duration start(Duration timeout) throws IOException, InterruptedException {
        List<String> cmd = command();
        Path out = dir.resolve(name() + "-" + (++starts) + ".out");
        output = out;
        long begin = System.nanoTime();
        launchedAtNanos = begin;
        process = children.start(new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()));
        long deadline = begin + timeout.toNanos();
        while (!KafkaWire.metadataServed(HOST, clientPort)) {
            if (!process.isAlive()) {
                throw new IOException(name() + " exited with " + process.exitValue() + " during start; see " + out
                        + ":\n" + tail(out));
            }
            if (System.nanoTime() > deadline) {
                throw new IOException(name() + " did not serve Metadata within " + timeout + "; see " + out);
            }
            Thread.sleep(10);
        }
        return Duration.ofNanos(System.nanoTime() - begin);
    }

    /** {@link System#nanoTime()} when the JVM of the last {@link #start} was launched. */
    public long launchedAtNanos() {
        return launchedAtNanos;
    }

    /** SIGKILL: no shutdown hook runs, nothing is flushed. */
    public void kill9() throws InterruptedException {
        ChildProcesses.kill9(process);
    }

    public boolean alive() {
        return process != null && process.isAlive();
    }

    @Override
    public void close() throws InterruptedException {
        if (alive()) {
            process.destroy();
            if (!process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
                ChildProcesses.kill9(process);
            }
        }
    }

    static String tail(Path file) {
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(" + e + ")";
        }
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName(HOST))) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
