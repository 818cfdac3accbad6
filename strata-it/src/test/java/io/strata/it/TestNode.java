package io.strata.it;

import io.strata.server.StrataServer;
import io.strata.server.config.ServerConfig;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

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

    Map<String, String> properties() {
        Map<String, String> props = new HashMap<>();
        props.put("node.id", "1");
        props.put("process.roles", "broker,controller");
        props.put("listeners", "PLAINTEXT://127.0.0.1:" + clientPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
        props.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        props.put("log.dirs", dataDir.resolve("logs").toString());
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
