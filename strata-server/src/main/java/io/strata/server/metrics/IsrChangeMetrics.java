package io.strata.server.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.strata.metadata.MetadataImage;
import io.strata.metadata.PartitionImage;
import io.strata.server.cluster.IsrChanges;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.apache.kafka.common.Uuid;

/**
 * Counts the ISR changes this node's partition leaders make, as Kafka's {@code IsrShrinksPerSec} and
 * {@code IsrExpandsPerSec} ({@code kafka_server_replicamanager_isrshrinks_total}, {@code ..._isrexpands_total}):
 * wraps the proposals and counts those the controller accepts, comparing the new ISR's size with the one in the
 * image the proposal was made from. Thread-safe.
 */
final class IsrChangeMetrics implements IsrChanges {

    private final IsrChanges delegate;
    private final Supplier<MetadataImage> image;
    private final Counter shrinks;
    private final Counter expands;

    IsrChangeMetrics(IsrChanges delegate, Supplier<MetadataImage> image, PrometheusRegistry registry) {
        this.delegate = delegate;
        this.image = image;
        this.shrinks = Counter.builder().name("kafka_server_replicamanager_isrshrinks")
                .help("ISR shrinks of partitions this node leads (IsrShrinksPerSec).").register(registry);
        this.expands = Counter.builder().name("kafka_server_replicamanager_isrexpands")
                .help("ISR expansions of partitions this node leads (IsrExpandsPerSec).").register(registry);
    }

    @Override
    public CompletableFuture<PartitionImage> alterIsr(Uuid topicId, int partition, int leaderId, int leaderEpoch,
                                                      int partitionEpoch, List<Integer> newIsr) {
        Optional<Integer> before = image.get().topic(topicId)
                .map(t -> t.partitions().get(partition)).map(p -> p.isr().size());
        return delegate.alterIsr(topicId, partition, leaderId, leaderEpoch, partitionEpoch, newIsr)
                .whenComplete((result, error) -> {
                    if (error == null && before.isPresent() && result.partitionEpoch() > partitionEpoch) {
                        int change = result.isr().size() - before.get();
                        if (change < 0) {
                            shrinks.inc();
                        } else if (change > 0) {
                            expands.inc();
                        }
                    }
                });
    }
}
