package io.strata.it.compat;

import io.strata.server.StrataServer;
import io.strata.server.config.ServerConfig;
import io.strata.server.registry.SchemaRegistryService;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;

/**
 * One Strata node in this JVM for a compatibility test class, on ephemeral 127.0.0.1 ports with its data in the
 * class's temporary directory. Shared by all tests of the class (each test uses its own topics). Not thread-safe:
 * started and closed by the test class's lifecycle methods.
 */
final class CompatNode implements AutoCloseable {

    private final StrataServer server;

    private CompatNode(StrataServer server) {
        this.server = server;
    }

    static CompatNode start(Path dataDir) throws Exception {
        return start(dataDir, Map.of());
    }

    /** A node with {@code overrides} on top of the defaults. */
    static CompatNode start(Path dataDir, Map<String, String> overrides) throws Exception {
        int controllerPort = freePort();
        Map<String, String> props = new java.util.HashMap<>(Map.of(
                "node.id", "1",
                "process.roles", "broker,controller",
                "listeners", "PLAINTEXT://127.0.0.1:0,CONTROLLER://127.0.0.1:" + controllerPort,
                "controller.quorum.voters", "1@127.0.0.1:" + controllerPort,
                "log.dirs", dataDir.resolve("logs").toString(),
                "http.listeners", "HTTP://127.0.0.1:0",
                // As in Kafka's own test clusters: a group's first rebalance need not wait for more members.
                "group.initial.rebalance.delay.ms", "0"));
        props.putAll(overrides);
        return new CompatNode(StrataServer.start(ServerConfig.from(props)));
    }

    /** The {@code host:port} that clients bootstrap from. */
    String bootstrap() {
        return server.bootstrapServers();
    }

    /** The node's schema registry, as clients configure it (Confluent's {@code url}, KafkaJS's {@code host}). */
    String schemaRegistryUrl() {
        return "http://127.0.0.1:" + server.httpListeners().getFirst().address().getPort()
                + SchemaRegistryService.PATH;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress("127.0.0.1", 0));
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() {
        server.close();
    }
}
