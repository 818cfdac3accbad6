package io.strata.it;

import static io.strata.it.SchemaRegistryIT.call;
import static io.strata.it.SchemaRegistryIT.register;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The schema registry of a three-node cluster: registrations sent to two nodes at once are decided by the one
 * writer (the leader of {@code _schemas}), so no two share an id or a version, every node serves them, and a node
 * that forwarded a registration serves it as soon as it answers.
 */
class SchemaRegistryClusterIT {

    @TempDir
    Path dir;

    @Test
    void twoNodesRegisteringAtOnceNeverShareAnId() throws Exception {
        List<TestNode> nodes = TestNode.cluster(dir, 3, Map.of());
        try {
            TestNode.startAll(nodes);
            call(nodes.get(0), "PUT", "/config", Map.of("compatibility", "NONE"));
            // A write forwarded by a node that is not the writer is readable there as soon as it is acknowledged.
            for (TestNode node : nodes) {
                String schema = "{\"type\":\"record\",\"name\":\"Own" + nodes.indexOf(node) + "\",\"fields\":[]}";
                int id = register(node, "own-" + nodes.indexOf(node), schema);
                assertThat(call(node, "GET", "/schemas/ids/" + id, null).status()).isEqualTo(200);
            }
            List<Future<Integer>> futures = new ArrayList<>();
            try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < 20; i++) {
                    TestNode node = nodes.get(i % 2);
                    String schema = "{\"type\":\"record\",\"name\":\"R" + i + "\",\"fields\":[]}";
                    String subject = "subject-" + (i % 4);
                    futures.add(clients.submit(() -> register(node, subject, schema)));
                }
            }
            Set<Integer> ids = new HashSet<>();
            for (Future<Integer> f : futures) {
                ids.add(f.get());
            }
            assertThat(ids).hasSize(20);
            // Every node serves the same registry (reads are answered from each node's own copy of the topic).
            for (TestNode node : nodes) {
                await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                    for (int s = 0; s < 4; s++) {
                        assertThat(call(node, "GET", "/subjects/subject-" + s + "/versions", null).json().toString())
                                .isEqualTo("[1,2,3,4,5]");
                    }
                });
            }
        } finally {
            nodes.forEach(TestNode::close);
        }
    }
}
