package io.strata.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClusterReportTest {

    private static final ClusterReport.Context CTX = new ClusterReport.Context("2026-12-07T00:00Z",
            "bin/strata bench cluster --runs 2", "2 cores", "java 25", "4.3.1", "0.1", "0.2", List.of("a \"note\""));

    private static Sample.Metrics metrics(double rate, double p99, double cpuSec) {
        return new Sample.Metrics(rate, rate / 1000, 2, p99, Double.NaN, cpuSec, 100, 700, 5, 3);
    }

    private static final ClusterReport.Produce PRODUCE = new ClusterReport.Produce(50_000, 1024, 6, 5, List.of(
            Sample.of("kafka", 1, metrics(10_000, 40, 20)), Sample.of("strata", 1, metrics(20_000, 20, 10))));

    private static final ClusterReport.FailoverCase LEADER = new ClusterReport.FailoverCase("leader", "kill a leader",
            List.of(ClusterReport.FailoverRun.of("kafka", 1, 2, Map.of(0, 3500.0, 3, 3600.0)),
                    ClusterReport.FailoverRun.of("kafka", 2, 3, Map.of(1, 3400.0, 4, 4000.0)),
                    ClusterReport.FailoverRun.of("strata", 1, 2, Map.of(0, 3100.0, 3, 3300.0)),
                    ClusterReport.FailoverRun.without("strata", 2, 1, "FAIL (partition(s) [2] not writable)")));

    @Test
    void theSummaryIsTheMedianAndMaximumOverEveryPartitionOfEveryRunWithNumbers() {
        ClusterReport.Summary kafka = ClusterReport.Summary.of(LEADER.runs(), "kafka");
        ClusterReport.Summary strata = ClusterReport.Summary.of(LEADER.runs(), "strata");
        ClusterReport.Summary none = ClusterReport.Summary.of(List.of(), "kafka");

        assertThat(kafka).isEqualTo(new ClusterReport.Summary(4, 3550.0, 4000.0));
        assertThat(strata).isEqualTo(new ClusterReport.Summary(2, 3200.0, 3300.0));
        assertThat(none.samples()).isZero();
        assertThat(none.p50Ms()).isNaN();
        assertThat(none.maxMs()).isNaN();
    }

    @Test
    void theTableShowsEveryRunTheSummaryAndTheRatios() {
        String table = ClusterReport.table(CTX, PRODUCE, List.of(LEADER));

        assertThat(table).contains("# strata-bench cluster  2026-12-07T00:00Z", "# a \"note\"",
                "== produce  (50000 x 1024 B to 6 partitions, RF 3, min.insync.replicas=2, acks=all, linger.ms=5",
                "== failover-leader  (kill a leader)", "FAIL (partition(s) [2] not writable)")
                .containsPattern("strata/kafka\\s+median\\s+x2\\.00\\s+x2\\.00\\s+x1\\.00\\s+x0\\.50\\s+-\\s+x0\\.50")
                .containsPattern("kafka\\s+1\\s+2\\s+0,3\\s+3\\.500\\s+3\\.600")
                .containsPattern("kafka\\s+4\\s+3\\.550\\s+4\\.000")
                .containsPattern("strata/kafka\\s+x0\\.90\\s+x0\\.83");
    }

    @Test
    void aClusterWithoutNumbersHasNoRatio() {
        ClusterReport.FailoverCase onlyKafka = new ClusterReport.FailoverCase("controller", "kill the controller",
                List.of(ClusterReport.FailoverRun.of("kafka", 1, 1, Map.of(2, 5000.0))));

        List<String[]> rows = ClusterReport.summaryRows(onlyKafka.runs());

        assertThat(rows.get(2)).containsExactly("strata", "0", "-", "-");
        assertThat(rows.get(3)).containsExactly("strata/kafka", "", "-", "-");
    }

    @Test
    void jsonHasEveryRunPerPartitionAndTheSummaries() throws Exception {
        JsonNode json = new ObjectMapper().readTree(ClusterReport.json(CTX, PRODUCE, List.of(LEADER)));

        assertThat(json.get("command").asText()).isEqualTo("bin/strata bench cluster --runs 2");
        assertThat(json.get("notes").get(0).asText()).isEqualTo("a \"note\"");
        JsonNode produce = json.get("produce");
        assertThat(produce.get("replicationFactor").asInt()).isEqualTo(3);
        assertThat(produce.get("acks").asText()).isEqualTo("all");
        assertThat(produce.get("samples").get(1).get("cpuSecPerMib").asDouble()).isEqualTo(0.1);
        JsonNode leader = json.get("failover").get(0);
        assertThat(leader.get("id").asText()).isEqualTo("leader");
        JsonNode run = leader.get("runs").get(0);
        assertThat(run.get("broker").asText()).isEqualTo("kafka");
        assertThat(run.get("killedNode").asInt()).isEqualTo(2);
        assertThat(run.get("recoveryMs").get("3").asDouble()).isEqualTo(3600.0);
        assertThat(leader.get("runs").get(3).get("reason").asText()).startsWith("FAIL");
        assertThat(leader.get("runs").get(3).has("recoveryMs")).isFalse();
        assertThat(leader.get("summary").get("strata").get("p50Ms").asDouble()).isEqualTo(3200.0);
        assertThat(leader.get("summary").get("kafka").get("samples").asInt()).isEqualTo(4);
    }
}
