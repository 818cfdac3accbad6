package io.strata.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WireLoadTest {

    @Test
    void theSummaryLineCarriesTheHistogramsPercentilesInMicrosecondsAndParsesBack() {
        LatencyHistogram h = new LatencyHistogram();
        for (int i = 0; i < 990; i++) {
            h.recordNanos(200_000); // 200 us
        }
        for (int i = 0; i < 10; i++) {
            h.recordNanos(30_000_000); // 30 ms
        }

        String line = WireLoad.summary(1_000_000, 1_048_576_000, 2.0, h);

        assertThat(line).startsWith("WIRE records=1000000 bytes=1048576000 secs=2.000 rate=500000.0 mibps=500.00"
                + " p50=200 p99=200 p999=30");
        ToolOutput.WireSummary s = ToolOutput.wire(line).orElseThrow();
        assertThat(s.p50Us()).isEqualTo(200);
        assertThat(s.p999Us()).isBetween(30_000L, 30_030L);
    }
}
