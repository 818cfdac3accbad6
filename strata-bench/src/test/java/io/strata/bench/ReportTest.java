package io.strata.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class ReportTest {

    private static final BenchCase IDLE = BenchCase.matrix(false, Pattern.compile("-idle")).get(0);

    private static Sample.Metrics metrics(double rate, double p99) {
        return new Sample.Metrics(rate, rate / 1000, 1.5, p99, Double.NaN, 2.0, 100, 300, 4.0, 1);
    }

    @Test
    void jsonHasEveryRunAndSurvivesAnyCharacterInTheTextFields() throws Exception {
        String hostile = "host \"quoted\" \\ back\ttab\nline\u0001\u001f\u2028";
        Report.Context ctx = new Report.Context("2026-11-22T00:00Z", "bin/strata bench compare --cases '\\d'",
                hostile, "java 25", "4.3.1", "0.1", "0.2", 3.0, List.of("note\r\n"));
        List<Report.CaseResult> results = List.of(new Report.CaseResult(IDLE, List.of(
                Sample.of("kafka", 1, metrics(1000, 20)),
                Sample.without("strata", 1, "FAIL (exit 2: WIRE failed: \"x\"; see raw/a.txt)"))));

        JsonNode json = new ObjectMapper().readTree(Report.json(ctx, results));

        assertThat(json.get("host").asText()).isEqualTo(hostile);
        assertThat(json.get("command").asText()).isEqualTo("bin/strata bench compare --cases '\\d'");
        assertThat(json.get("notes").get(0).asText()).isEqualTo("note\r\n");
        JsonNode c = json.get("cases").get(0);
        assertThat(c.get("id").asText()).isEqualTo("wire-produce-1KiB-p6-acks1-idle1000");
        assertThat(c.get("kind").asText()).isEqualTo("WIRE_PRODUCE");
        assertThat(c.get("idleFetchers").asInt()).isEqualTo(1000);
        JsonNode kafka = c.get("samples").get(0);
        assertThat(kafka.get("broker").asText()).isEqualTo("kafka");
        assertThat(kafka.get("p99Ms").asDouble()).isEqualTo(20.0);
        assertThat(kafka.get("p999Ms").isNull()).isTrue();
        assertThat(kafka.get("cpuSecPerMib").asDouble()).isEqualTo(0.02);
        assertThat(c.get("samples").get(1).get("reason").asText())
                .isEqualTo("FAIL (exit 2: WIRE failed: \"x\"; see raw/a.txt)");
    }

    @Test
    void theTableNamesTheIdleFetchersOfACase() {
        Report.Context ctx = new Report.Context("d", "c", "h", "j", "k", "0", "0", 0, List.of());
        String table = Report.table(ctx, List.of(new Report.CaseResult(IDLE, List.of(
                Sample.of("kafka", 1, metrics(1000, 20)), Sample.of("strata", 1, metrics(2000, 10))))));

        assertThat(table).contains("1000 idle fetchers long-polling bench-idle (100 partitions, max.wait.ms 500)")
                .containsPattern("strata/kafka\\s+median\\s+x2\\.00\\s+x2\\.00\\s+x1\\.00\\s+x0\\.50");
    }
}
