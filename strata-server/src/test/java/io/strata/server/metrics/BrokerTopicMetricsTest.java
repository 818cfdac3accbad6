package io.strata.server.metrics;

import static io.strata.server.metrics.Scrapes.text;
import static io.strata.server.metrics.Scrapes.value;
import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BrokerTopicMetricsTest {

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final BrokerTopicMetrics metrics = new BrokerTopicMetrics();

    @Test
    void countsBytesAndMessagesPerTopicAndReplicaFetchesApart() {
        metrics.register(registry);
        metrics.recordProduce("a", 100, 3);
        metrics.recordProduce("a", 50, 2);
        metrics.recordProduce("b", 7, 1);
        metrics.recordFetch("a", 120, false);
        metrics.recordFetch("a", 30, true);
        metrics.recordFetch("b", 0, false);

        String text = text(registry);
        assertThat(value(text, "kafka_server_brokertopicmetrics_bytesin_total{topic=\"a\"}")).hasValue(150.0);
        assertThat(value(text, "kafka_server_brokertopicmetrics_messagesin_total{topic=\"a\"}")).hasValue(5.0);
        assertThat(value(text, "kafka_server_brokertopicmetrics_bytesin_total{topic=\"b\"}")).hasValue(7.0);
        assertThat(value(text, "kafka_server_brokertopicmetrics_bytesout_total{topic=\"a\"}")).hasValue(120.0);
        assertThat(value(text, "kafka_server_brokertopicmetrics_replicationbytesout_total{topic=\"a\"}"))
                .hasValue(30.0);
        assertThat(value(text, "kafka_server_brokertopicmetrics_bytesout_total{topic=\"b\"}")).hasValue(0.0);
    }

    @Test
    void deletedTopicsStopAtTheNextScrape() {
        metrics.register(registry);
        metrics.recordProduce("kept", 1, 1);
        metrics.recordProduce("deleted", 1, 1);
        metrics.retainExisting(Set.of("kept")::contains);

        String text = text(registry);
        assertThat(value(text, "kafka_server_brokertopicmetrics_bytesin_total{topic=\"kept\"}")).hasValue(1.0);
        assertThat(text).doesNotContain("deleted");
    }

    @Test
    void totalsSumTheLiveTopicsCounters() {
        assertThat(metrics.totals()).isEqualTo(new BrokerTopicMetrics.Totals(0, 0, 0));
        metrics.recordProduce("a", 100, 3);
        metrics.recordProduce("b", 7, 1);
        metrics.recordFetch("a", 120, false);
        metrics.recordFetch("a", 30, true);
        assertThat(metrics.totals()).isEqualTo(new BrokerTopicMetrics.Totals(107, 4, 120));
    }
}
