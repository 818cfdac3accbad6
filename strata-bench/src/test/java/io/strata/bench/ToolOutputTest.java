package io.strata.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class ToolOutputTest {

    @Test
    void producerSummaryIsTheLastLineWithPercentilesNotAWindowLine() {
        String out = """
                95768 records sent, 19153.6 records/sec (1.83 MB/sec), 1317.2 ms avg latency, 2354.0 ms max latency.
                200000 records sent, 29958.058718 records/sec (2.86 MB/sec), 1797.51 ms avg latency, \
                2403.00 ms max latency, 2173 ms 50th, 2381 ms 95th, 2398 ms 99th, 2403 ms 99.9th.
                """;

        ToolOutput.ProducerSummary s = ToolOutput.producer(out).orElseThrow();

        assertThat(s.records()).isEqualTo(200_000);
        assertThat(s.recordsPerSec()).isCloseTo(29958.058718, within(1e-6));
        assertThat(s.mbPerSec()).isEqualTo(2.86);
        assertThat(s.avgMs()).isEqualTo(1797.51);
        assertThat(s.maxMs()).isEqualTo(2403.0);
        assertThat(s.p50Ms()).isEqualTo(2173);
        assertThat(s.p99Ms()).isEqualTo(2398);
        assertThat(s.p999Ms()).isEqualTo(2403);
    }

    @Test
    void producerOutputWithoutSummaryGivesNothing() {
        String out = """
                95768 records sent, 19153.6 records/sec (1.83 MB/sec), 1317.2 ms avg latency, 2354.0 ms max latency.
                org.apache.kafka.common.errors.TimeoutException: Topic bench not present in metadata after 60000 ms.
                """;

        assertThat(ToolOutput.producer(out)).isEmpty();
        assertThat(ToolOutput.producer("")).isEmpty();
    }

    @Test
    void consumerSummaryUsesTheFetchPhaseRates() {
        String out = "[23:33:05.100] WARN something (Foo)\n"
                + "2026-11-21 23:33:05:204, 2026-11-21 23:33:12:436, 19.0735, 2.6374, 200000, 27654.8673, 4528, "
                + "2704, 7.0538, 73964.4970\n";

        ToolOutput.ConsumerSummary s = ToolOutput.consumer(out).orElseThrow();

        assertThat(s.mb()).isEqualTo(19.0735);
        assertThat(s.records()).isEqualTo(200_000);
        assertThat(s.joinMs()).isEqualTo(4528);
        assertThat(s.fetchMs()).isEqualTo(2704);
        assertThat(s.fetchMbPerSec()).isEqualTo(7.0538);
        assertThat(s.fetchRecordsPerSec()).isEqualTo(73964.4970);
    }

    @Test
    void consumerThatTimedOutWithoutDataLineGivesNothing() {
        assertThat(ToolOutput.consumer("WARN Exiting before consuming the expected number of messages\n")).isEmpty();
    }

    @Test
    void latencySummaryInMicroseconds() {
        String out = "E2E_US n=2000 rate=1000.1 avg=18035.6 p50=9908 p99=84173 p999=93806 max=94603\n";

        ToolOutput.LatencySummary s = ToolOutput.latency(out).orElseThrow();

        assertThat(s.records()).isEqualTo(2000);
        assertThat(s.recordsPerSec()).isEqualTo(1000.1);
        assertThat(s.avgUs()).isEqualTo(18035.6);
        assertThat(s.p50Us()).isEqualTo(9908);
        assertThat(s.p99Us()).isEqualTo(84173);
        assertThat(s.p999Us()).isEqualTo(93806);
        assertThat(s.maxUs()).isEqualTo(94603);
        assertThat(ToolOutput.latency("only 10 of 2200 records arrived in time")).isEmpty();
    }

    @Test
    void wireSummaryIsParsedAndAFailedRunGivesNothing() {
        String out = "WIRE records=2000064 bytes=2048065536 secs=2.721 rate=734944.1 mibps=717.72 p50=1237 p99=11983"
                + " p999=52620\n";

        ToolOutput.WireSummary s = ToolOutput.wire(out).orElseThrow();

        assertThat(s.records()).isEqualTo(2_000_064);
        assertThat(s.bytes()).isEqualTo(2_048_065_536L);
        assertThat(s.recordsPerSec()).isEqualTo(734944.1);
        assertThat(s.mibPerSec()).isEqualTo(717.72);
        assertThat(s.p50Us()).isEqualTo(1237);
        assertThat(s.p99Us()).isEqualTo(11983);
        assertThat(s.p999Us()).isEqualTo(52620);
        assertThat(ToolOutput.wire("WIRE failed: produce partition 3: NOT_LEADER_OR_FOLLOWER\n")).isEmpty();
    }
}
