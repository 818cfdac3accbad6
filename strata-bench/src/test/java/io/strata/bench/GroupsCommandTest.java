package io.strata.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

class GroupsCommandTest {

    @Test
    void defaultsAreHundredConsumersHundredPartitionsBothDelays() {
        GroupsCommand.Options o = GroupsCommand.Options.parse(new String[0]);

        assertThat(o.consumers()).isEqualTo(100);
        assertThat(o.partitions()).isEqualTo(100);
        assertThat(o.runs()).isEqualTo(1);
        assertThat(o.delays()).containsExactly(3000, 0);
        assertThat(o.json()).isFalse();
        assertThat(o.commandLine()).isEqualTo("bin/strata bench groups");
    }

    @Test
    void optionsAreParsed() {
        GroupsCommand.Options o = GroupsCommand.Options.parse(new String[] {"--consumers", "20", "--partitions", "6",
            "--runs", "3", "--delays", "0", "--output", "json", "--keep"});

        assertThat(o.consumers()).isEqualTo(20);
        assertThat(o.partitions()).isEqualTo(6);
        assertThat(o.runs()).isEqualTo(3);
        assertThat(o.delays()).containsExactly(0);
        assertThat(o.json()).isTrue();
        assertThat(o.keep()).isTrue();
    }

    @Test
    void badOptionsAreRejected() {
        assertThatThrownBy(() -> GroupsCommand.Options.parse(new String[] {"--consumers", "0"}))
                .hasMessageContaining("at least 1");
        assertThatThrownBy(() -> GroupsCommand.Options.parse(new String[] {"--delays", "3000,-1"}))
                .hasMessageContaining("negative");
        assertThatThrownBy(() -> GroupsCommand.Options.parse(new String[] {"--runs"}))
                .hasMessageContaining("needs a value");
        assertThatThrownBy(() -> GroupsCommand.Options.parse(new String[] {"--output", "csv"}))
                .hasMessageContaining("table or json");
        assertThatThrownBy(() -> GroupsCommand.Options.parse(new String[] {"--nope"}))
                .hasMessageContaining("unknown option");
    }

    @Test
    void resultLineIsParsed() {
        GroupRun.Result r = GroupRun.Result.parse(
                "RESULT period=2 stable_ms=3412.5 first_p50_ms=3300.0 first_max_ms=3410.9 events=200").orElseThrow();

        assertThat(r).isEqualTo(new GroupRun.Result(2, 3412.5, 3300.0, 3410.9, 200));
        assertThat(GroupRun.Result.parse("FAILED not stable")).isEmpty();
        assertThat(GroupRun.Result.parse("RESULT period=2 stable_ms=x")).isEmpty();
    }

    @Test
    void metricsAreChargedToTheIntervalFromSubscribeToStable() {
        GroupRun.Result r = new GroupRun.Result(1, 2500, 2000, 2400, 100);
        GroupRun.Counters start = new GroupRun.Counters(1_000, 500, 50, 10, new ProcFs.MachineCpu(10_000, 8_000), 0);
        // Over 500 ticks of the 2 cores: broker 120, other broker 5, client 80, harness 5, 40 by anything else.
        GroupRun.Counters stable = new GroupRun.Counters(1_120, 505, 130, 15, new ProcFs.MachineCpu(10_500, 8_250),
                300 * 1024);

        GroupRun.Metrics m = GroupRun.Metrics.of(r, start, stable);

        assertThat(m.stableSec()).isEqualTo(2.5);
        assertThat(m.firstP50Sec()).isEqualTo(2.0);
        assertThat(m.firstMaxSec()).isEqualTo(2.4);
        assertThat(m.brokerCpuSec()).isEqualTo(1.2);
        assertThat(m.clientCpuSec()).isEqualTo(0.8);
        assertThat(m.peakRssMb()).isEqualTo(300.0);
        assertThat(m.otherPct()).isCloseTo(8.0, within(1e-9));
    }

    @Test
    void tableShowsRatiosOfMediansAndReasons() throws Exception {
        GroupRun.Metrics kafka = new GroupRun.Metrics(4.0, 3.5, 3.9, 2.0, 400, 5, 3);
        GroupRun.Metrics strata = new GroupRun.Metrics(3.0, 3.2, 3.0, 1.0, 200, 5, 4);
        List<GroupsReport.Case> cases = List.of(
                new GroupsReport.Case("classic", 3000, List.of(
                        new GroupsReport.Sample("kafka", 1, GroupRun.Outcome.of(kafka)),
                        new GroupsReport.Sample("strata", 1, GroupRun.Outcome.of(strata)))),
                new GroupsReport.Case("consumer", 3000, List.of(
                        new GroupsReport.Sample("kafka", 1, GroupRun.Outcome.of(kafka)),
                        new GroupsReport.Sample("strata", 1, GroupRun.Outcome.fail("n/a (strata does not advertise"
                                + " [CONSUMER_GROUP_HEARTBEAT])")))));
        GroupsReport.Context ctx = new GroupsReport.Context("2026-11-22T00:00Z", "bin/strata bench groups", "2 cores",
                "java 25", "4.3.1", 100, 100, "0.1 0.2 0.3", "0.2 0.2 0.3", List.of("a note"));

        String table = GroupsReport.table(ctx, cases);

        assertThat(table).contains("== group.protocol=classic, group.initial.rebalance.delay.ms=3000")
                .contains("# a note")
                .containsPattern("strata/kafka\\s+median\\s+x0\\.75\\s+x0\\.91\\s+x0\\.77\\s+x0\\.50\\s+x0\\.50")
                .containsPattern("strata\\s+1\\s+n/a \\(strata does not advertise \\[CONSUMER_GROUP_HEARTBEAT]\\)")
                .containsPattern("strata/kafka\\s+n/a");
        JsonNode json = new ObjectMapper().readTree(GroupsReport.json(ctx, cases));
        assertThat(json.get("consumers").asInt()).isEqualTo(100);
        assertThat(json.get("notes").get(0).asText()).isEqualTo("a note");
        JsonNode classic = json.get("cases").get(0);
        assertThat(classic.get("id").asText()).isEqualTo("classic-delay3000");
        assertThat(classic.get("samples").get(1).get("stableSec").asDouble()).isEqualTo(3.0);
        assertThat(json.get("cases").get(1).get("samples").get(1).get("reason").asText())
                .isEqualTo("n/a (strata does not advertise [CONSUMER_GROUP_HEARTBEAT])");
    }
}
