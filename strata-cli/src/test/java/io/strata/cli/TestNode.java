package io.strata.cli;

import io.strata.server.StrataServer;
import io.strata.server.config.ServerConfig;
import io.strata.testkit.Ports;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A Strata node started in this JVM on ephemeral 127.0.0.1 ports with its data in a test directory, with the Admin
 * client and String producer the tests check the CLI against (made on first use, closed with the node). Not
 * thread-safe.
 */
final class TestNode implements AutoCloseable {

    private final StrataServer server;
    private Admin admin;
    private KafkaProducer<String, String> producer;

    private TestNode(StrataServer server) {
        this.server = server;
    }

    static TestNode start(Path dataDir) throws Exception {
        return start(dataDir, Map.of());
    }

    /** A node with {@code overrides} on top of the defaults (server properties by Kafka's names). */
    static TestNode start(Path dataDir, Map<String, String> overrides) throws Exception {
        int controllerPort = Ports.free();
        Map<String, String> props = new HashMap<>();
        props.put("node.id", "1");
        props.put("process.roles", "broker,controller");
        props.put("listeners", "PLAINTEXT://127.0.0.1:0,CONTROLLER://127.0.0.1:" + controllerPort);
        props.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        props.put("log.dirs", dataDir.resolve("logs").toString());
        props.put("http.listeners", "HTTP://127.0.0.1:0"); // several nodes per host: never the default port
        props.putAll(overrides);
        return new TestNode(StrataServer.start(ServerConfig.from(props)));
    }

    StrataServer server() {
        return server;
    }

    String bootstrap() {
        return server.bootstrapServers();
    }

    /** The node's schema registry URL, for {@code --schema-registry}. */
    String schemaRegistry() {
        return "http://127.0.0.1:" + server.httpListeners().getFirst().address().getPort() + "/schema-registry";
    }

    int port() {
        return server.listeners().get(0).address().getPort();
    }

    /** The node's {@code /metrics} URL on its (ephemeral) HTTP port. */
    String metricsUrl() {
        return "http://127.0.0.1:" + server.httpListeners().get(0).address().getPort() + "/metrics";
    }

    Admin admin() {
        if (admin == null) {
            admin = Admin.create(Map.of("bootstrap.servers", bootstrap()));
        }
        return admin;
    }

    KafkaProducer<String, String> producer() {
        if (producer == null) {
            producer = new KafkaProducer<>(Map.<String, Object>of("bootstrap.servers", bootstrap()),
                    new StringSerializer(), new StringSerializer());
        }
        return producer;
    }

    @Override
    public void close() {
        if (producer != null) {
            producer.close();
        }
        if (admin != null) {
            admin.close();
        }
        server.close();
    }
}
