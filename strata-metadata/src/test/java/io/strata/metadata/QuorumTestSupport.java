package io.strata.metadata;

import io.strata.testkit.Ports;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.kafka.common.Uuid;

/** Helpers for tests that run real Ratis quorums on ephemeral ports. */
final class QuorumTestSupport {

    static final String CLUSTER_ID = "test-cluster-0000000000";

    private QuorumTestSupport() {
    }

    static int freePort() {
        return Ports.free();
    }

    static Map<Integer, InetSocketAddress> voters(int... nodeIds) {
        Map<Integer, InetSocketAddress> voters = new TreeMap<>();
        for (int id : nodeIds) {
            voters.put(id, new InetSocketAddress("127.0.0.1", freePort()));
        }
        return voters;
    }

    static QuorumConfig config(int nodeId, Map<Integer, InetSocketAddress> voters, Path dir) {
        return new QuorumConfig(nodeId, voters, dir, CLUSTER_ID, Duration.ofSeconds(15));
    }

    /** A node that proposes {@code candidateClusterId} if the log has no cluster id. */
    static QuorumConfig config(int nodeId, Map<Integer, InetSocketAddress> voters, Path dir,
                               String candidateClusterId) {
        return new QuorumConfig(nodeId, voters, dir, candidateClusterId, Duration.ofSeconds(15));
    }

    static QuorumConfig config(int nodeId, Map<Integer, InetSocketAddress> voters, Path dir,
                               Duration brokerSessionTimeout) {
        return new QuorumConfig(nodeId, voters, dir, CLUSTER_ID, Duration.ofSeconds(15), brokerSessionTimeout);
    }

    static BrokerRegistration broker(int id) {
        return new BrokerRegistration(id, Uuid.randomUuid(),
                List.of(new BrokerRegistration.Endpoint("PLAINTEXT", "localhost", 9092 + id, "PLAINTEXT")),
                Optional.empty(), false);
    }

    static NewTopic topic(String name, int partitions, int replicationFactor) {
        return new NewTopic(name, partitions, (short) replicationFactor, Map.of(), Map.of());
    }
}
