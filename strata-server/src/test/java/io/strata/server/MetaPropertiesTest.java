package io.strata.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetaPropertiesTest {

    @TempDir
    Path dir;

    @Test
    void aFreshNodeProposesARandomIdAndWritesNothingUntilTheQuorumAgreesOne() throws Exception {
        List<Path> dirs = List.of(dir.resolve("a"), dir.resolve("b"));
        String candidate = MetaProperties.candidateClusterId(dirs, 1);
        assertThat(candidate).isNotBlank();
        assertThat(MetaProperties.candidateClusterId(dirs, 1)).isNotEqualTo(candidate);
        assertThat(MetaProperties.read(dirs.get(0))).isEmpty();

        MetaProperties.record(dirs, 1, "agreed");
        assertThat(dirs).allSatisfy(d -> assertThat(MetaProperties.read(d)).get()
                .satisfies(m -> {
                    assertThat(m.clusterId()).isEqualTo("agreed");
                    assertThat(m.nodeId()).isEqualTo(1);
                }));
        assertThat(MetaProperties.read(dirs.get(0)).orElseThrow().directoryId())
                .isNotEqualTo(MetaProperties.read(dirs.get(1)).orElseThrow().directoryId());
        assertThat(MetaProperties.candidateClusterId(dirs, 1)).isEqualTo("agreed");
    }

    @Test
    void anExistingNodeProposesTheIdItHasAndKeepsItsDirectoryIds() throws Exception {
        Path a = dir.resolve("a");
        MetaProperties.record(List.of(a), 3, "existing");
        Uuid directoryId = MetaProperties.read(a).orElseThrow().directoryId();
        List<Path> dirs = List.of(a, dir.resolve("new"));

        assertThat(MetaProperties.candidateClusterId(dirs, 3)).isEqualTo("existing");
        MetaProperties.record(dirs, 3, "existing");
        assertThat(MetaProperties.read(a).orElseThrow().directoryId()).isEqualTo(directoryId);
        assertThat(MetaProperties.read(dir.resolve("new")).orElseThrow().clusterId()).isEqualTo("existing");
    }

    @Test
    void refusesADirectoryOfAnotherClusterWithKafkasMessageAndWritesNothing() throws Exception {
        Path a = dir.resolve("a");
        Path fresh = dir.resolve("fresh");
        MetaProperties.record(List.of(a), 1, "other-cluster");

        assertThatThrownBy(() -> MetaProperties.record(List.of(fresh, a), 1, "agreed"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("Invalid cluster.id in: " + a.resolve("meta.properties") + ". Expected agreed, but read "
                        + "other-cluster");
        assertThat(Files.exists(fresh.resolve("meta.properties"))).isFalse();
    }

    @Test
    void refusesDirectoriesOfAnotherNodeOrOfTwoClusters() throws Exception {
        MetaProperties.record(List.of(dir.resolve("a")), 1, "x");
        MetaProperties.record(List.of(dir.resolve("b")), 1, "y");
        assertThatThrownBy(() -> MetaProperties.candidateClusterId(List.of(dir.resolve("a")), 2))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("belongs to node 1");
        assertThatThrownBy(() -> MetaProperties.candidateClusterId(List.of(dir.resolve("a"), dir.resolve("b")), 1))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("different clusters");
    }
}
