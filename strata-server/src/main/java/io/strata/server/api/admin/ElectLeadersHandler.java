package io.strata.server.api.admin;

import io.strata.metadata.MetadataQuorum;
import io.strata.server.api.ApiHandler;
import io.strata.server.api.RequestContext;
import io.strata.server.cluster.QuorumWaiter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.ElectionType;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.message.ElectLeadersRequestData;
import org.apache.kafka.common.message.ElectLeadersResponseData;
import org.apache.kafka.common.message.ElectLeadersResponseData.PartitionResult;
import org.apache.kafka.common.message.ElectLeadersResponseData.ReplicaElectionResult;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ElectLeadersRequest;

/**
 * ElectLeaders (KIP-183, KIP-460): any node answers by handing the request to the controller decision through the
 * metadata quorum, as Kafka's brokers forward it to the active controller, and waits until the new leaders are
 * applied here, for at most the request's {@code TimeoutMs} (if positive) and {@code metadata.request.timeout.ms}.
 * Per-partition errors are Kafka's; a null partition list elects every partition and leaves out those needing no
 * election. An election type other than PREFERRED or UNCLEAN fails the whole request with INVALID_REQUEST.
 * Thread-safe.
 */
final class ElectLeadersHandler implements ApiHandler<ElectLeadersRequest> {

    private final MetadataQuorum quorum;
    private final QuorumWaiter waiter;

    ElectLeadersHandler(MetadataQuorum quorum, QuorumWaiter waiter) {
        this.quorum = quorum;
        this.waiter = waiter;
    }

    @Override
    public ApiMessage handle(RequestContext context, ElectLeadersRequest request) {
        ElectLeadersRequestData data = request.data();
        ElectionType type = electionType(data.electionType());
        Optional<List<TopicPartition>> partitions = Optional.ofNullable(data.topicPartitions()).map(topics -> {
            List<TopicPartition> list = new ArrayList<>();
            topics.forEach(t -> t.partitions().forEach(p -> list.add(new TopicPartition(t.topic(), p))));
            return list;
        });
        Map<TopicPartition, Optional<ApiException>> results = waiter.forRequest(data.timeoutMs())
                .await(quorum.electLeaders(type, partitions));
        // Results come in request order (or topic name and index order), so grouping keeps topics together.
        Map<String, ReplicaElectionResult> byTopic = new LinkedHashMap<>();
        results.forEach((tp, error) -> byTopic.computeIfAbsent(tp.topic(),
                        topic -> new ReplicaElectionResult().setTopic(topic)).partitionResult()
                .add(new PartitionResult().setPartitionId(tp.partition())
                        .setErrorCode(error.map(Errors::forException).orElse(Errors.NONE).code())
                        .setErrorMessage(error.map(Throwable::getMessage).orElse(null))));
        return new ElectLeadersResponseData().setErrorCode(Errors.NONE.code())
                .setReplicaElectionResults(new ArrayList<>(byTopic.values()));
    }

    private static ElectionType electionType(byte value) {
        try {
            return ElectionType.valueOf(value);
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException("Unknown election type " + value);
        }
    }
}
