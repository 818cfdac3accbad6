package io.strata.it;

import io.strata.server.StrataServer;
import io.strata.server.config.ServerConfig;
import io.strata.testkit.Ports;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * A Strata node started in this JVM on ephemeral 127.0.0.1 ports with its data in a test directory. Restartable on
 * the same directory and ports.
 */
final class TestNode implements AutoCloseable {

    private final Path dataDir;
    private final Map<String, String> overrides;
    private final int controllerPort = Ports.free();
    private int clientPort;
    private StrataServer server;

    TestNode(Path dataDir, Map<String, String> overrides) {
        this.dataDir = dataDir;
        this.overrides = overrides;
    }

    static TestNode start(Path dataDir) throws Exception {
        return start(dataDir, Map.of());
    }

    static TestNode start(Path dataDir, Map<String, String> overrides) throws Exception {
        TestNode node = new TestNode(dataDir, overrides);
        node.start();
        return node;
    }

    /**
     * A cluster of {@code size} combined nodes (ids 1..size, every one a voter) with data under {@code dir}/node-N,
     * not yet started: start them together ({@link #startAll}), since a quorum needs a majority.
     */
    static List<TestNode> cluster(Path dir, int size, Map<String, String> overrides) {
        List<TestNode> nodes = new ArrayList<>();
        List<Map<String, String>> props = new ArrayList<>();
        for (int i = 1; i <= size; i++) {
            Map<String, String> p = new HashMap<>(overrides);
            p.put("node.id", Integer.toString(i));
            props.add(p);
            nodes.add(new TestNode(dir.resolve("node-" + i), p));
        }
        StringBuilder voters = new StringBuilder();
        for (int i = 0; i < size; i++) {
            voters.append(i == 0 ? "" : ",").append(i + 1).append("@127.0.0.1:").append(nodes.get(i).controllerPort);
        }
        props.forEach(p -> p.put("controller.quorum.voters", voters.toString()));
        return nodes;
    }

    /** Starts the given nodes in parallel and waits for all of them. */
    static void startAll(List<TestNode> nodes) throws Exception {
        try (ExecutorService starters = Executors.newThreadPerTaskExecutor(Thread.ofPlatform().factory())) {
            List<Future<?>> started = new ArrayList<>();
            for (TestNode node : nodes) {
                started.add(starters.submit(() -> {
                    node.start();
                    return null;
                }));
            }
            for (Future<?> f : started) {
                f.get(2, TimeUnit.MINUTES);
            }
        }
    }

    /** Sets a config of this node for its next start ({@code http.listeners=} to turn its HTTP server off, say). */
    TestNode override(String key, String value) {
        overrides.put(key, value);
        return this;
    }

    Map<String, String> properties() {
        Map<String, String> props = new HashMap<>();
        props.put("node.id", "1");
        props.put("process.roles", "broker,controller");
        props.put("listeners", "PLAINTEXT://127.0.0.1:" + clientPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
        props.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        props.put("log.dirs", dataDir.resolve("logs").toString());
        props.put("http.listeners", "HTTP://127.0.0.1:0"); // several nodes per host: never the default port
        props.putAll(overrides);
        return props;
    }

    void start() throws Exception {
        server = StrataServer.start(ServerConfig.from(properties()));
        // Keep the port across restarts so that clients can reconnect.
        clientPort = server.listeners().get(0).address().getPort();
    }

    void restart() throws Exception {
        server.close();
        start();
    }

    String bootstrap() {
        return server.bootstrapServers();
    }

    int port() {
        return clientPort;
    }

    StrataServer server() {
        return server;
    }

    @Override
    public void close() {
        if (server != null) {
            server.close();
        }
    }
}
