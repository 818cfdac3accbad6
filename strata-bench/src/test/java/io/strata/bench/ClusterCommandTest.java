package io.strata.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClusterCommandTest {

    private static final Path HOME = Path.of("/work/main");

    private static ClusterCommand.Options parse(String... args) {
        return ClusterCommand.Options.parse(args, HOME);
    }

    @Test
    void defaultsAreBothClustersThreeRunsAndTheControllerCase() {
        ClusterCommand.Options o = parse();

        assertThat(o.records()).isEqualTo(500_000);
        assertThat(o.recordSize()).isEqualTo(1024);
        assertThat(o.runs()).isEqualTo(3);
        assertThat(o.controllerCase()).isTrue();
        assertThat(o.heap()).isEqualTo("1G");
        assertThat(o.clusters()).containsExactly("kafka", "strata");
        assertThat(o.refkafka()).isEqualTo(Path.of("/work/shared/tools/refkafka"));
        assertThat(o.json()).isFalse();
        assertThat(o.commandLine()).isEqualTo("bin/strata bench cluster");
    }

    @Test
    void optionsAreParsed() {
        ClusterCommand.Options o = parse("--records", "20_000", "--record-size", "100", "--runs", "5",
                "--skip-controller", "--heap", "512m", "--clusters", "strata,kafka", "--refkafka", "/opt/rk",
                "--output", "json", "--keep");

        assertThat(o.records()).isEqualTo(20_000);
        assertThat(o.recordSize()).isEqualTo(100);
        assertThat(o.runs()).isEqualTo(5);
        assertThat(o.controllerCase()).isFalse();
        assertThat(o.heap()).isEqualTo("512m");
        assertThat(o.clusters()).as("Kafka first, whatever the order given").containsExactly("kafka", "strata");
        assertThat(o.refkafka()).isEqualTo(Path.of("/opt/rk"));
        assertThat(o.json()).isTrue();
        assertThat(o.keep()).isTrue();
        assertThat(parse("--clusters", "strata").clusters()).containsExactly("strata");
    }

    @Test
    void badOptionsAreRejected() {
        assertThatThrownBy(() -> parse("--runs", "0")).hasMessageContaining("between 1 and");
        assertThatThrownBy(() -> parse("--records", "many")).hasMessageContaining("whole number");
        assertThatThrownBy(() -> parse("--heap", "1 GB")).hasMessageContaining("512m");
        assertThatThrownBy(() -> parse("--clusters", "kafka,redpanda")).hasMessageContaining("kafka, strata");
        assertThatThrownBy(() -> parse("--record-size")).hasMessageContaining("needs a value");
        assertThatThrownBy(() -> parse("--nope")).hasMessageContaining("unknown option");
    }

    @Test
    void theVictimIsTheLeaderOfPartitionZeroUnlessItIsTheController() {
        Map<Integer, Integer> leaders = Map.of(0, 2, 1, 3, 2, 1, 3, 2, 4, 3, 5, 1);

        assertThat(ClusterCommand.victim(leaders, 1, false)).contains(2);
        assertThat(ClusterCommand.victim(leaders, 2, false)).as("partition 1's leader").contains(3);
        assertThat(ClusterCommand.victim(Map.of(0, 1, 1, 1, 2, 1), 1, false)).isEmpty();
    }

    @Test
    void theControllerCaseKillsTheControllerOnlyIfItLeadsAPartition() {
        Map<Integer, Integer> leaders = Map.of(0, 2, 1, 3, 2, 2);

        assertThat(ClusterCommand.victim(leaders, 3, true)).contains(3);
        assertThat(ClusterCommand.victim(leaders, 1, true)).isEmpty();
    }

    @Test
    void ledByListsANodesPartitionsInOrder() {
        assertThat(ClusterCommand.ledBy(Map.of(5, 1, 0, 1, 3, 2, 2, 1), 1)).containsExactly(0, 2, 5);
        assertThat(ClusterCommand.ledBy(Map.of(0, 1), 3)).isEmpty();
    }
}
