package io.strata.server.metrics;

import static io.strata.server.metrics.Scrapes.text;
import static io.strata.server.metrics.Scrapes.value;
import static org.assertj.core.api.Assertions.assertThat;

import io.strata.metadata.MetadataImage;
import io.strata.metadata.PartitionImage;
import io.strata.metadata.QuorumStatus;
import io.strata.metadata.TopicImage;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;

class QuorumMetricsTest {

    private static final Uuid ID = Uuid.randomUuid();
    /** Version 42, one topic whose partition 1 has no leader. */
    private static final MetadataImage IMAGE = image();

    private static MetadataImage image() {
        TreeMap<Integer, PartitionImage> partitions = new TreeMap<>(Map.of(
                0, new PartitionImage(List.of(1), List.of(1), 1, 0, 0, List.of(), List.of()),
                1, new PartitionImage(List.of(2), List.of(2), -1, 1, 1, List.of(), List.of())));
        TopicImage topic = new TopicImage("t", ID, partitions);
        return new MetadataImage(42, "cluster", Map.of(), Map.of("t", topic), Map.of(ID, topic), Map.of(), 0);
    }

    private static CompletableFuture<QuorumStatus> led(int leader) {
        return CompletableFuture.completedFuture(new QuorumStatus(leader, 3, 50, List.of(), List.of()));
    }

    @Test
    void theActiveControllerReportsItselfAndOfflinePartitions() {
        String text = text(new QuorumMetrics(1, () -> IMAGE, () -> led(1)));
        assertThat(value(text, "kafka_server_broker_metadata_metrics_last_applied_record_offset")).hasValue(42.0);
        assertThat(value(text, "kafka_server_raft_metrics_current_leader")).hasValue(1.0);
        assertThat(value(text, "kafka_server_raft_metrics_high_watermark")).hasValue(50.0);
        assertThat(value(text, "kafka_controller_kafkacontroller_activecontrollercount")).hasValue(1.0);
        assertThat(value(text, "kafka_controller_kafkacontroller_offlinepartitionscount")).hasValue(1.0);
    }

    @Test
    void otherNodesReportZeroAsKafkaDoes() {
        String text = text(new QuorumMetrics(2, () -> IMAGE, () -> led(1)));
        assertThat(value(text, "kafka_controller_kafkacontroller_activecontrollercount")).hasValue(0.0);
        assertThat(value(text, "kafka_controller_kafkacontroller_offlinepartitionscount")).hasValue(0.0);
    }

    @Test
    void noLeaderMeansNoLeaderSamplesRatherThanAGuess() {
        String text = text(new QuorumMetrics(1, () -> IMAGE,
                () -> CompletableFuture.failedFuture(new IllegalStateException("election"))));
        assertThat(value(text, "kafka_server_broker_metadata_metrics_last_applied_record_offset")).hasValue(42.0);
        assertThat(text).doesNotContain("activecontrollercount").doesNotContain("current_leader");
    }
}
