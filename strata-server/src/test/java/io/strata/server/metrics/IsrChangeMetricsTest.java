package io.strata.server.metrics;

import static io.strata.server.metrics.Scrapes.text;
import static io.strata.server.metrics.Scrapes.value;
import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.strata.metadata.MetadataImage;
import io.strata.metadata.PartitionImage;
import io.strata.metadata.TopicImage;
import io.strata.server.cluster.IsrChanges;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.FencedLeaderEpochException;
import org.junit.jupiter.api.Test;

class IsrChangeMetricsTest {

    private static final Uuid ID = Uuid.randomUuid();
    private final PrometheusRegistry registry = new PrometheusRegistry();

    /** An image whose partition 0 has ISR {@code isr} (replicas 1, 2, 3) in partition epoch 5. */
    private static MetadataImage image(List<Integer> isr) {
        TopicImage topic = new TopicImage("t", ID, new TreeMap<>(Map.of(0,
                new PartitionImage(List.of(1, 2, 3), isr, 1, 1, 5, List.of(), List.of()))));
        return new MetadataImage(1, "c", Map.of(), Map.of("t", topic), Map.of(ID, topic), Map.of(), 0);
    }

    /** A controller that accepts every change, bumping the partition epoch. */
    private static final IsrChanges ACCEPTING = (topicId, partition, leader, leaderEpoch, partitionEpoch, isr) ->
            CompletableFuture.completedFuture(new PartitionImage(List.of(1, 2, 3), isr, leader, leaderEpoch,
                    partitionEpoch + 1, List.of(), List.of()));

    @Test
    void countsAcceptedShrinksAndExpansions() {
        IsrChangeMetrics shrinking = new IsrChangeMetrics(ACCEPTING, () -> image(List.of(1, 2, 3)), registry);
        shrinking.alterIsr(ID, 0, 1, 1, 5, List.of(1, 2)).join();
        shrinking.alterIsr(ID, 0, 1, 1, 5, List.of(1)).join();
        PrometheusRegistry other = new PrometheusRegistry();
        new IsrChangeMetrics(ACCEPTING, () -> image(List.of(1)), other).alterIsr(ID, 0, 1, 1, 5, List.of(1, 2)).join();

        assertThat(value(text(registry), "kafka_server_replicamanager_isrshrinks_total")).hasValue(2.0);
        assertThat(value(text(registry), "kafka_server_replicamanager_isrexpands_total")).hasValue(0.0);
        assertThat(value(text(other), "kafka_server_replicamanager_isrexpands_total")).hasValue(1.0);
        assertThat(value(text(other), "kafka_server_replicamanager_isrshrinks_total")).hasValue(0.0);
    }

    @Test
    void refusedAndUnchangedProposalsAreNotCounted() {
        IsrChanges refusing = (topicId, partition, leader, leaderEpoch, partitionEpoch, isr) ->
                CompletableFuture.failedFuture(new FencedLeaderEpochException("stale"));
        IsrChanges unchanged = (topicId, partition, leader, leaderEpoch, partitionEpoch, isr) ->
                CompletableFuture.completedFuture(new PartitionImage(List.of(1, 2, 3), List.of(1, 2, 3), leader,
                        leaderEpoch, partitionEpoch, List.of(), List.of()));
        new IsrChangeMetrics(refusing, () -> image(List.of(1, 2, 3)), registry)
                .alterIsr(ID, 0, 1, 1, 5, List.of(1)).exceptionally(e -> null).join();
        PrometheusRegistry other = new PrometheusRegistry();
        new IsrChangeMetrics(unchanged, () -> image(List.of(1, 2, 3)), other)
                .alterIsr(ID, 0, 1, 1, 5, List.of(1, 2, 3)).join();

        assertThat(value(text(registry), "kafka_server_replicamanager_isrshrinks_total")).hasValue(0.0);
        assertThat(value(text(other), "kafka_server_replicamanager_isrshrinks_total")).hasValue(0.0);
        assertThat(value(text(other), "kafka_server_replicamanager_isrexpands_total")).hasValue(0.0);
    }
}
