package io.strata.server.metrics;

import static io.strata.server.metrics.Scrapes.text;
import static io.strata.server.metrics.Scrapes.value;
import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;

class RequestMetricsTest {

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final RequestMetrics metrics = new RequestMetrics(registry);

    @Test
    void countsAndTimesRequestsPerApiInMilliseconds() {
        metrics.recordLocal(ApiKeys.PRODUCE, 2_000_000);
        metrics.recordLocal(ApiKeys.PRODUCE, 4_000_000);
        metrics.recordTotal(ApiKeys.PRODUCE, 3_000_000);

        String text = text(registry);
        assertThat(value(text, "kafka_network_requestmetrics_requests_total{request=\"Produce\"}")).hasValue(2.0);
        assertThat(value(text, "kafka_network_requestmetrics_localtimems_count{request=\"Produce\"}")).hasValue(2.0);
        assertThat(value(text, "kafka_network_requestmetrics_localtimems_sum{request=\"Produce\"}")).hasValue(6.0);
        assertThat(value(text, "kafka_network_requestmetrics_localtimems_bucket{request=\"Produce\",le=\"2.5\"}"))
                .hasValue(1.0);
        assertThat(value(text, "kafka_network_requestmetrics_totaltimems_sum{request=\"Produce\"}")).hasValue(3.0);
        // Only APIs that were called have series.
        assertThat(text).doesNotContain("request=\"Fetch\"");
    }

    @Test
    void countsErrorsByCodeButNotNone() {
        metrics.recordErrors(ApiKeys.FETCH, Errors.NOT_LEADER_OR_FOLLOWER, 2);
        metrics.recordErrors(ApiKeys.FETCH, Errors.NONE, 5);

        String text = text(registry);
        assertThat(value(text, "kafka_network_requestmetrics_errors_total{error=\"NOT_LEADER_OR_FOLLOWER\","
                + "request=\"Fetch\"}")).hasValue(2.0);
        assertThat(text).doesNotContain("error=\"NONE\"");
    }
}
