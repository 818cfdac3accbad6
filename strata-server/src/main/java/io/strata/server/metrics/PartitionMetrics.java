package io.strata.server.metrics;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.strata.server.cluster.Partition;
import io.strata.server.cluster.PartitionRole;
import io.strata.storage.Log;
import java.util.Collection;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * The partitions hosted on this node, read at scrape time: per partition Kafka's {@code kafka.log:type=Log} gauges
 * (size, segment count, log start and end offsets) and the node's {@code kafka.server:type=ReplicaManager} counts
 * (partitions, leaders, under-replicated partitions it leads, offline replicas).
 *
 * <p>One pass over the partitions per scrape, reading only volatile fields and the segment map's size: nothing is
 * locked and nothing is counted on the produce or fetch paths. Thread-safe.
 */
final class PartitionMetrics implements MultiCollector {

    /** What a scrape reads of one hosted partition. */
    record Sample(String topic, int partition, long sizeBytes, int segments, long logStartOffset, long logEndOffset,
                  boolean leader, boolean underReplicated) {

        /** Reads a partition: under-replicated means that it leads and its ISR is smaller than its replica set. */
        static Sample of(Partition p) {
            Log log = p.log();
            PartitionRole role = p.role();
            boolean under = role instanceof PartitionRole.Leader l && l.isr().size() < l.replicas().size();
            return new Sample(p.topicPartition().topic(), p.topicPartition().partition(), log.sizeInBytes(),
                    log.numberOfSegments(), log.logStartOffset(), log.logEndOffset(),
                    role instanceof PartitionRole.Leader, under);
        }
    }

    private final Supplier<? extends Collection<Sample>> partitions;
    private final IntSupplier offlineReplicas;

    /**
     * @param partitions      the hosted partitions, sampled once per scrape
     * @param offlineReplicas how many replicas assigned to this node are offline here (their log dir failed)
     */
    PartitionMetrics(Supplier<? extends Collection<Sample>> partitions, IntSupplier offlineReplicas) {
        this.partitions = partitions;
        this.offlineReplicas = offlineReplicas;
    }

    @Override
    public MetricSnapshots collect() {
        GaugeSnapshot.Builder size = gauge("kafka_log_log_size", "Bytes of the partition's segments (Size).");
        GaugeSnapshot.Builder segments = gauge("kafka_log_log_numlogsegments",
                "Segments of the partition's log (NumLogSegments).");
        GaugeSnapshot.Builder start = gauge("kafka_log_log_logstartoffset",
                "The partition's log start offset (LogStartOffset).");
        GaugeSnapshot.Builder end = gauge("kafka_log_log_logendoffset",
                "The partition's log end offset (LogEndOffset).");
        int count = 0;
        int leaders = 0;
        int under = 0;
        for (Sample s : partitions.get()) {
            Labels labels = Labels.of("topic", s.topic(), "partition", Integer.toString(s.partition()));
            size.dataPoint(point(s.sizeBytes(), labels));
            segments.dataPoint(point(s.segments(), labels));
            start.dataPoint(point(s.logStartOffset(), labels));
            end.dataPoint(point(s.logEndOffset(), labels));
            count++;
            leaders += s.leader() ? 1 : 0;
            under += s.underReplicated() ? 1 : 0;
        }
        return MetricSnapshots.of(size.build(), segments.build(), start.build(), end.build(),
                single("kafka_server_replicamanager_partitioncount",
                        "Partitions hosted on this node (PartitionCount).", count),
                single("kafka_server_replicamanager_leadercount", "Partitions this node leads (LeaderCount).",
                        leaders),
                single("kafka_server_replicamanager_underreplicatedpartitions",
                        "Partitions this node leads whose ISR is smaller than their replica set "
                                + "(UnderReplicatedPartitions).", under),
                single("kafka_server_replicamanager_offlinereplicacount",
                        "Replicas assigned to this node that are offline here (OfflineReplicaCount).",
                        offlineReplicas.getAsInt()));
    }

    static GaugeSnapshot.Builder gauge(String name, String help) {
        return GaugeSnapshot.builder().name(name).help(help);
    }

    static GaugeSnapshot.GaugeDataPointSnapshot point(double value, Labels labels) {
        return GaugeSnapshot.GaugeDataPointSnapshot.builder().value(value).labels(labels).build();
    }

    static GaugeSnapshot single(String name, String help, double value) {
        return gauge(name, help).dataPoint(point(value, Labels.EMPTY)).build();
    }
}
