package io.strata.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One cluster id for the whole cluster, agreed through the metadata log and recorded in every meta.properties. */
class ClusterIdIT {

    @TempDir
    Path dir;

    private static String clusterId(TestNode node) throws Exception {
        try (Admin admin = Clients.admin(node.bootstrap())) {
            return admin.describeCluster().clusterId().get();
        }
    }

    private static Properties metaProperties(Path dataDir) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(dataDir.resolve("logs/meta.properties"), StandardCharsets.UTF_8)) {
            p.load(r);
        }
        return p;
    }

    @Test
    void everyNodeOfAThreeNodeClusterReportsAndRecordsOneId() throws Exception {
        List<TestNode> nodes = TestNode.cluster(dir, 3, Map.of());
        try {
            TestNode.startAll(nodes);
            List<String> reported = new ArrayList<>();
            for (TestNode node : nodes) {
                reported.add(clusterId(node));
            }
            String id = reported.getFirst();
            assertThat(id).isNotBlank();
            assertThat(reported).containsOnly(id);
            for (int i = 1; i <= 3; i++) {
                Properties meta = metaProperties(dir.resolve("node-" + i));
                assertThat(meta.getProperty("cluster.id")).isEqualTo(id);
                assertThat(meta.getProperty("node.id")).isEqualTo(Integer.toString(i));
            }

            nodes.get(2).restart();
            assertThat(clusterId(nodes.get(2))).isEqualTo(id);
        } finally {
            nodes.forEach(TestNode::close);
        }
    }

    @Test
    void aSingleNodeKeepsTheIdOfItsDirectoryAcrossRestarts() throws Exception {
        // a directory formatted before the id was agreed through the log: meta.properties, no metadata log yet
        Path logs = Files.createDirectories(dir.resolve("logs"));
        Files.writeString(logs.resolve("meta.properties"), """
                version=1
                cluster.id=Ks5Vw7P1QdWnCDcMfNQ8Ag
                node.id=1
                directory.id=AAAAAAAAAAAAAAAAAAAAAQ
                """, StandardCharsets.UTF_8);
        try (TestNode node = TestNode.start(dir)) {
            assertThat(clusterId(node)).isEqualTo("Ks5Vw7P1QdWnCDcMfNQ8Ag");
            node.restart();
            assertThat(clusterId(node)).isEqualTo("Ks5Vw7P1QdWnCDcMfNQ8Ag");
        }
        assertThat(metaProperties(dir).getProperty("directory.id")).isEqualTo("AAAAAAAAAAAAAAAAAAAAAQ");
    }

    @Test
    void refusesToStartOnADirectoryThatNamesAnotherCluster() throws Exception {
        String id;
        try (TestNode node = TestNode.start(dir)) {
            id = clusterId(node);
        }
        Path file = dir.resolve("logs/meta.properties");
        Files.writeString(file, Files.readString(file).replace("cluster.id=" + id, "cluster.id=another-cluster"));

        assertThatThrownBy(() -> TestNode.start(dir))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("Invalid cluster.id in: " + file + ". Expected " + id + ", but read another-cluster");
    }
}
