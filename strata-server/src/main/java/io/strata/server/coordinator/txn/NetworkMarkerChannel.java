package io.strata.server.coordinator.txn;

import io.strata.metadata.MetadataImage;
import io.strata.metadata.MetadataQuorum;
import io.strata.metadata.PartitionImage;
import io.strata.metadata.TopicImage;
import io.strata.server.replication.ReplicationConfig;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.WriteTxnMarkersRequestData;
import org.apache.kafka.common.message.WriteTxnMarkersResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.WriteTxnMarkersRequest;
import org.apache.kafka.common.requests.WriteTxnMarkersResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends WriteTxnMarkers to the partitions' leaders on the inter-broker listener ({@link BrokerChannelPool}); the
 * partitions this node leads get the same request handled in-process (the WriteTxnMarkers handler itself), which
 * saves a transaction's completion a loopback round trip.
 *
 * <p>Thread-safe.
 */
final class NetworkMarkerChannel implements MarkerChannel {

    private static final Logger log = LoggerFactory.getLogger(NetworkMarkerChannel.class);
    /** WriteTxnMarkers v1 (flexible); v2 adds the transaction version, which version 1 transactions leave out. */
    private static final short VERSION = 1;

    private final int nodeId;
    private final MetadataQuorum quorum;
    private final BrokerChannelPool channels;
    private final Function<WriteTxnMarkersRequestData, WriteTxnMarkersResponseData> local;

    /** @param local this node's WriteTxnMarkers handling, for the partitions it leads */
    NetworkMarkerChannel(int nodeId, MetadataQuorum quorum, ReplicationConfig interBroker,
                         Function<WriteTxnMarkersRequestData, WriteTxnMarkersResponseData> local) {
        this.nodeId = nodeId;
        this.quorum = quorum;
        this.channels = new BrokerChannelPool("txn-coordinator-" + nodeId, interBroker);
        this.local = local;
    }

    @Override
    public Map<TopicPartition, Errors> write(Markers markers) {
        MetadataImage image = quorum.image();
        Map<TopicPartition, Errors> outcome = new HashMap<>();
        Map<Integer, List<TopicPartition>> byLeader = new HashMap<>();
        for (TopicPartition tp : markers.partitions()) {
            Optional<PartitionImage> p = image.topic(tp.topic()).map(TopicImage::partitions)
                    .map(ps -> ps.get(tp.partition()));
            if (p.isEmpty()) {
                outcome.put(tp, Errors.UNKNOWN_TOPIC_OR_PARTITION);
            } else if (p.get().leader() < 0) {
                outcome.put(tp, Errors.LEADER_NOT_AVAILABLE);
            } else {
                byLeader.computeIfAbsent(p.get().leader(), l -> new ArrayList<>()).add(tp);
            }
        }
        byLeader.forEach((leader, partitions) -> outcome.putAll(send(image, leader, markers, partitions)));
        return outcome;
    }

    private Map<TopicPartition, Errors> send(MetadataImage image, int leader, Markers markers,
                                             List<TopicPartition> partitions) {
        Map<String, List<Integer>> byTopic = new HashMap<>();
        partitions.forEach(tp -> byTopic.computeIfAbsent(tp.topic(), t -> new ArrayList<>()).add(tp.partition()));
        List<WriteTxnMarkersRequestData.WritableTxnMarkerTopic> topics = new ArrayList<>();
        byTopic.forEach((topic, ids) -> topics.add(new WriteTxnMarkersRequestData.WritableTxnMarkerTopic()
                .setName(topic).setPartitionIndexes(ids)));
        WriteTxnMarkersRequestData data = new WriteTxnMarkersRequestData().setMarkers(List.of(
                new WriteTxnMarkersRequestData.WritableTxnMarker().setProducerId(markers.producerId())
                        .setProducerEpoch(markers.producerEpoch()).setTransactionResult(markers.commit())
                        .setCoordinatorEpoch(markers.coordinatorEpoch()).setTopics(topics)));
        Map<TopicPartition, Errors> outcome = new HashMap<>();
        partitions.forEach(tp -> outcome.put(tp, Errors.NETWORK_EXCEPTION));
        try {
            WriteTxnMarkersResponseData response;
            if (leader == nodeId) {
                response = local.apply(data);
            } else {
                WriteTxnMarkersResponse sent = channels.send(image, leader,
                        new WriteTxnMarkersRequest.Builder(data).build(VERSION));
                response = sent.data();
            }
            for (WriteTxnMarkersResponseData.WritableTxnMarkerResult result : response.markers()) {
                for (WriteTxnMarkersResponseData.WritableTxnMarkerTopicResult t : result.topics()) {
                    for (WriteTxnMarkersResponseData.WritableTxnMarkerPartitionResult p : t.partitions()) {
                        Errors error = Errors.forCode(p.errorCode());
                        // Only the metadata says a partition is gone: a leader may not have created it yet.
                        outcome.put(new TopicPartition(t.name(), p.partitionIndex()),
                                error == Errors.UNKNOWN_TOPIC_OR_PARTITION ? Errors.LEADER_NOT_AVAILABLE : error);
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            log.debug("Writing markers of producer {} to broker {} failed: {}", markers.producerId(), leader,
                    e.toString());
        }
        return outcome;
    }

    @Override
    public void close() {
        channels.close();
    }
}
