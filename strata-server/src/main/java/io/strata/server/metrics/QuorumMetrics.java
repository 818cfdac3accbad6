package io.strata.server.metrics;

import static io.strata.server.metrics.PartitionMetrics.single;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.strata.metadata.MetadataImage;
import io.strata.metadata.QuorumStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The metadata quorum as this node sees it, at scrape time: the last applied metadata offset (the image's version, a
 * Ratis log index), and from the quorum's leader (asked with a bounded wait) the leader's id, the quorum's high
 * watermark and whether this node is the active controller; the active controller also reports the partitions
 * without a leader ({@code OfflinePartitionsCount}, as Kafka reports it on the active controller only).
 *
 * <p>When the leader does not answer within {@link #LEADER_WAIT_MS} ms (an election), the leader families have no
 * sample rather than a guess. Thread-safe.
 */
final class QuorumMetrics implements MultiCollector {

    static final long LEADER_WAIT_MS = 1000;

    private final int nodeId;
    private final Supplier<MetadataImage> image;
    private final Supplier<CompletableFuture<QuorumStatus>> status;

    QuorumMetrics(int nodeId, Supplier<MetadataImage> image, Supplier<CompletableFuture<QuorumStatus>> status) {
        this.nodeId = nodeId;
        this.image = image;
        this.status = status;
    }

    @Override
    public MetricSnapshots collect() {
        MetadataImage current = image.get();
        List<MetricSnapshot> out = new ArrayList<>();
        out.add(single("kafka_server_broker_metadata_metrics_last_applied_record_offset",
                "Offset (Ratis log index) of the last metadata applied on this node.", current.version()));
        leader().ifPresent(s -> {
            boolean active = s.leaderId() == nodeId;
            out.add(single("kafka_server_raft_metrics_current_leader", "Id of the metadata quorum's leader.",
                    s.leaderId()));
            out.add(single("kafka_server_raft_metrics_high_watermark", "The metadata quorum's high watermark.",
                    s.highWatermark()));
            out.add(single("kafka_controller_kafkacontroller_activecontrollercount",
                    "1 if this node is the active controller (ActiveControllerCount).", active ? 1 : 0));
            out.add(single("kafka_controller_kafkacontroller_offlinepartitionscount",
                    "Partitions without a leader, reported by the active controller (OfflinePartitionsCount).",
                    active ? offlinePartitions(current) : 0));
        });
        return new MetricSnapshots(out);
    }

    private Optional<QuorumStatus> leader() {
        try {
            return Optional.of(status.get().get(LEADER_WAIT_MS, TimeUnit.MILLISECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } catch (Exception e) {
            return Optional.empty();
        }
    }

    static long offlinePartitions(MetadataImage image) {
        return image.topicsById().values().stream().flatMap(t -> t.partitions().values().stream())
                .filter(p -> p.leader() < 0).count();
    }
}
