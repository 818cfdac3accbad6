package io.strata.server.metrics;

import static io.strata.server.metrics.Scrapes.text;
import static io.strata.server.metrics.Scrapes.value;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.apache.kafka.common.protocol.ApiKeys;
import org.junit.jupiter.api.Test;

class BrokerMetricsTest {

    @Test
    void oneRegistryPerNodeWithTheRequestPathCountersTheJvmAndConnections() {
        BrokerMetrics one = new BrokerMetrics();
        BrokerMetrics two = new BrokerMetrics();
        one.topics().recordProduce("t", 10, 1);
        one.requests().recordLocal(ApiKeys.METADATA, 1_000);
        one.registerConnections(() -> Map.of("PLAINTEXT", 4));

        String text = text(one.registry());
        assertThat(value(text, "kafka_server_brokertopicmetrics_bytesin_total{topic=\"t\"}")).hasValue(10.0);
        assertThat(value(text, "kafka_network_requestmetrics_requests_total{request=\"Metadata\"}")).hasValue(1.0);
        assertThat(value(text, "kafka_server_socket_server_metrics_connection_count{listener=\"PLAINTEXT\"}"))
                .hasValue(4.0);
        assertThat(text).contains("jvm_memory_used_bytes", "jvm_gc_collection_seconds");
        // Two nodes in one JVM do not share their counters.
        assertThat(text(two.registry())).doesNotContain("topic=\"t\"").contains("jvm_memory_used_bytes");
    }
}
