package io.strata.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class E2eLatencyTest {

    @Test
    void theSummaryLineCarriesTheHistogramsPercentilesInMicrosecondsAndParsesBack() {
        LatencyHistogram h = new LatencyHistogram();
        for (int i = 1; i <= 2000; i++) {
            h.recordNanos(i * 1_000L);
        }

        String line = E2eLatency.summary(999.95, h.percentiles());

        assertThat(line).isEqualTo("E2E_US n=2000 rate=1000.0 avg=1000.5 p50=1000 p99=1980 p999=1998 max=2000");
        ToolOutput.LatencySummary s = ToolOutput.latency(line).orElseThrow();
        assertThat(s.records()).isEqualTo(2000);
        assertThat(s.p99Us()).isEqualTo(1980);
    }

    @Test
    void aRecordCarriesItsScheduledAndItsActualSendTime() {
        byte[] payload = new byte[100];

        E2eLatency.stamp(payload, 123_456_789L, -5L);

        ByteBuffer b = ByteBuffer.wrap(payload);
        assertThat(b.getLong(0)).isEqualTo(123_456_789L);
        assertThat(b.getLong(8)).isEqualTo(-5L);
    }
}
