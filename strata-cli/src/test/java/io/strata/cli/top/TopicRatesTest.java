package io.strata.cli.top;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TopicRatesTest {

    @Test
    void readsThePerTopicCountersOfAScrapeAndSumsNodes() {
        String node1 = """
                # HELP kafka_server_brokertopicmetrics_bytesin_total Bytes
                # TYPE kafka_server_brokertopicmetrics_bytesin counter
                kafka_server_brokertopicmetrics_bytesin_total{topic="orders"} 1000.0
                kafka_server_brokertopicmetrics_messagesin_total{topic="orders"} 10.0
                kafka_server_brokertopicmetrics_bytesout_total{topic="orders"} 2000.0 1700000000000
                kafka_server_brokertopicmetrics_replicationbytesout_total{topic="orders"} 5.0
                kafka_log_log_size{topic="orders",partition="0"} 123.0
                """;
        String node2 = "kafka_server_brokertopicmetrics_bytesin_total{topic=\"orders\"} 500.0\n"
                + "kafka_server_brokertopicmetrics_bytesin_total{topic=\"we\\\"ird\\\\\"} 7.0\n";
        TopicRates sum = TopicRates.parse(node1).plus(TopicRates.parse(node2));
        assertThat(sum.byTopic().get("orders")).isEqualTo(new TopicRates.Counters(1500, 10, 2000));
        assertThat(sum.byTopic().get("we\"ird\\")).isEqualTo(new TopicRates.Counters(7, 0, 0));
        assertThat(sum.byTopic()).hasSize(2);
    }

    @Test
    void findsALabelAmongOthers() {
        assertThat(TopicRates.label("a=\"1\",topic=\"x,y\"", "topic")).isEqualTo("x,y");
        assertThat(TopicRates.label("a=\"1\"", "topic")).isNull();
    }
}
