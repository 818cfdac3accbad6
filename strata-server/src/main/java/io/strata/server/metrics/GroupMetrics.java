package io.strata.server.metrics;

import static io.strata.server.metrics.PartitionMetrics.gauge;
import static io.strata.server.metrics.PartitionMetrics.point;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.strata.server.coordinator.group.GroupCoordinator.GroupSummary;
import java.util.Collection;
import java.util.OptionalLong;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.kafka.common.TopicPartition;

/**
 * Consumer group lag computed by the broker, at scrape time, for the groups this node coordinates: per group and
 * partition the committed offset and the lag (the partition's end offset as consumers see it, its high watermark,
 * minus the committed offset, never below 0), plus each group's state and member count. Named as the widely used
 * kafka_exporter names them ({@code kafka_consumergroup_lag{consumergroup,topic,partition}}), since Kafka's broker
 * has no such metric.
 *
 * <p>A partition's end offset is read from its replica on this node; a committed partition with no replica here has
 * no lag series on this node (its offset series stays). Nothing is computed per request. Thread-safe.
 */
final class GroupMetrics implements MultiCollector {

    private final Supplier<? extends Collection<GroupSummary>> groups;
    private final Function<TopicPartition, OptionalLong> endOffset;

    /**
     * @param groups    the groups this node coordinates, read once per scrape
     * @param endOffset a partition's high watermark on this node, if it has a replica
     */
    GroupMetrics(Supplier<? extends Collection<GroupSummary>> groups,
                 Function<TopicPartition, OptionalLong> endOffset) {
        this.groups = groups;
        this.endOffset = endOffset;
    }

    @Override
    public MetricSnapshots collect() {
        GaugeSnapshot.Builder lag = gauge("kafka_consumergroup_lag",
                "Log end offset (high watermark) minus the group's committed offset, per partition.");
        GaugeSnapshot.Builder current = gauge("kafka_consumergroup_current_offset",
                "The group's committed offset, per partition.");
        GaugeSnapshot.Builder members = gauge("kafka_consumergroup_members", "Members of the group.");
        GaugeSnapshot.Builder state = gauge("kafka_consumergroup_state",
                "1 for the group's current state, as Kafka names it (Stable, PreparingRebalance, Empty...).");
        for (GroupSummary g : groups.get()) {
            members.dataPoint(point(g.members(), Labels.of("consumergroup", g.groupId())));
            state.dataPoint(point(1, Labels.of("consumergroup", g.groupId(), "state", g.state())));
            g.committed().forEach((tp, offset) -> {
                Labels labels = Labels.of("consumergroup", g.groupId(), "topic", tp.topic(), "partition",
                        Integer.toString(tp.partition()));
                current.dataPoint(point(offset, labels));
                OptionalLong end = endOffset.apply(tp);
                if (end.isPresent()) {
                    lag.dataPoint(point(Math.max(0, end.getAsLong() - offset), labels));
                }
            });
        }
        return MetricSnapshots.of(lag.build(), current.build(), members.build(), state.build());
    }
}
