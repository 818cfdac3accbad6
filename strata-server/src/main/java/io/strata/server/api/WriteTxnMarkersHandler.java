package io.strata.server.api;

import io.strata.metadata.MetadataImage;
import io.strata.metadata.MetadataQuorum;
import io.strata.server.cluster.Partition;
import io.strata.server.cluster.ReplicaManager;
import io.strata.storage.AppendResult;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.message.WriteTxnMarkersRequestData;
import org.apache.kafka.common.message.WriteTxnMarkersResponseData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.WriteTxnMarkersRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * WriteTxnMarkers, the broker side of the transaction coordinator's markers: for each marker and partition this
 * node leads, a COMMIT or ABORT control batch is appended with acks=all semantics (the ISR must hold
 * {@code min.insync.replicas}, and the partition's answer waits until the high watermark passes the marker), with
 * Kafka's error codes per partition. A marker committed to a {@code __consumer_offsets} partition is then passed to
 * the replica manager's {@link io.strata.server.cluster.TransactionMarkerListener}.
 *
 * <p>Only brokers (the transaction coordinators) may send this: as in Kafka, the sender needs CLUSTER_ACTION on the
 * cluster, which the dispatcher checks ({@code ApiAuthorization}) before this handler runs.
 *
 * <p>Thread-safety: stateless apart from its thread-safe collaborators.
 */
public final class WriteTxnMarkersHandler implements ApiHandler<WriteTxnMarkersRequest> {

    private static final Logger log = LoggerFactory.getLogger(WriteTxnMarkersHandler.class);

    private final MetadataQuorum quorum;
    private final ReplicaManager replicas;
    private final long timeoutMs;

    /** @param timeoutMs how long a marker may wait for the ISR (Kafka uses the broker's request timeout) */
    public WriteTxnMarkersHandler(MetadataQuorum quorum, ReplicaManager replicas, long timeoutMs) {
        this.quorum = quorum;
        this.replicas = replicas;
        this.timeoutMs = timeoutMs;
    }

    /** A marker appended and waiting for the high watermark. */
    private record Pending(Partition partition, WriteTxnMarkersRequestData.WritableTxnMarker marker,
                           AppendResult result,
                           WriteTxnMarkersResponseData.WritableTxnMarkerPartitionResult response) {
    }

    @Override
    public ApiMessage handle(RequestContext context, WriteTxnMarkersRequest request) {
        return write(request.data());
    }

    /**
     * Writes the markers of {@code request} to the partitions this node leads and answers once each is committed
     * (or failed): the request's work, also called in-process by this node's own transaction coordinator.
     */
    public WriteTxnMarkersResponseData write(WriteTxnMarkersRequestData request) {
        MetadataImage image = quorum.image();
        List<WriteTxnMarkersResponseData.WritableTxnMarkerResult> results = new ArrayList<>();
        List<Pending> pending = new ArrayList<>();
        for (WriteTxnMarkersRequestData.WritableTxnMarker marker : request.markers()) {
            List<WriteTxnMarkersResponseData.WritableTxnMarkerTopicResult> topics = new ArrayList<>();
            for (WriteTxnMarkersRequestData.WritableTxnMarkerTopic topic : marker.topics()) {
                List<WriteTxnMarkersResponseData.WritableTxnMarkerPartitionResult> partitions = new ArrayList<>();
                for (int index : topic.partitionIndexes()) {
                    WriteTxnMarkersResponseData.WritableTxnMarkerPartitionResult response =
                            new WriteTxnMarkersResponseData.WritableTxnMarkerPartitionResult()
                                    .setPartitionIndex(index).setErrorCode(Errors.NONE.code());
                    partitions.add(response);
                    TopicPartition tp = new TopicPartition(topic.name(), index);
                    try {
                        Partition partition = replicas.partitionOrException(image, tp);
                        AppendResult result = partition.appendTxnMarker(marker.producerId(), marker.producerEpoch(),
                                marker.coordinatorEpoch(), marker.transactionResult());
                        pending.add(new Pending(partition, marker, result, response));
                    } catch (ApiException e) {
                        log.debug("Marker for producer {} on {} refused: {}", marker.producerId(), tp, e.toString());
                        response.setErrorCode(Errors.forException(e).code());
                    }
                }
                topics.add(new WriteTxnMarkersResponseData.WritableTxnMarkerTopicResult().setName(topic.name())
                        .setPartitions(partitions));
            }
            results.add(new WriteTxnMarkersResponseData.WritableTxnMarkerResult()
                    .setProducerId(marker.producerId()).setTopics(topics));
        }
        awaitCommitted(pending);
        return new WriteTxnMarkersResponseData().setMarkers(results);
    }

    private void awaitCommitted(List<Pending> pending) {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
        for (Pending p : pending) {
            Errors error;
            try {
                if (!p.partition().awaitCommitted(p.result().lastOffset() + 1, deadline)) {
                    error = Errors.REQUEST_TIMED_OUT;
                } else {
                    p.partition().checkMinInSyncReplicas(true);
                    error = Errors.NONE;
                }
            } catch (ApiException e) {
                error = Errors.forException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                error = Errors.REQUEST_TIMED_OUT;
            }
            p.response().setErrorCode(error.code());
            TopicPartition tp = p.partition().topicPartition();
            if (error == Errors.NONE && tp.topic().equals(Topic.GROUP_METADATA_TOPIC_NAME)) {
                replicas.transactionMarkerListener().onMarkerCommitted(tp, p.marker().producerId(),
                        p.marker().producerEpoch(), p.marker().transactionResult(), p.result().lastOffset());
            }
        }
    }
}
