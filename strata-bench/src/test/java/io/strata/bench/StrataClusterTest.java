package io.strata.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StrataClusterTest {

    @Test
    void theLastLeaderLineOfANodesOutputNamesTheController() {
        String out = """
                [06:00:01.000] INFO  Metadata quorum leader is now node-1 (seen by node-2) (MetadataStateMachine)
                [06:00:02.000] INFO  Strata node 2 of cluster x started in 900 ms; clients connect to ... (StrataServer)
                [06:00:09.000] INFO  Metadata quorum leader is now node-3 (seen by node-2) (MetadataStateMachine)
                """;

        assertThat(StrataCluster.lastLeader(out)).contains(3);
        assertThat(StrataCluster.lastLeader("no leader yet\n")).isEmpty();
    }

    @Test
    void theControllerIsWhatAMajorityOfTheClusterSaw() {
        assertThat(StrataCluster.majority(List.of(Optional.of(2), Optional.of(2), Optional.of(1)), 3)).contains(2);
        assertThat(StrataCluster.majority(List.of(Optional.of(2), Optional.of(2)), 3)).as("a node down").contains(2);
        assertThat(StrataCluster.majority(List.of(Optional.of(2), Optional.of(1)), 3)).isEmpty();
        assertThat(StrataCluster.majority(List.of(Optional.of(2), Optional.empty(), Optional.empty()), 3)).isEmpty();
    }
}
