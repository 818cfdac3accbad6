package io.strata.server.api.admin;

import io.strata.metadata.MetadataQuorum;
import io.strata.metadata.PartitionImage;
import io.strata.metadata.controller.ReassignmentControl;
import io.strata.server.api.ApiHandler;
import io.strata.server.api.RequestContext;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.ListPartitionReassignmentsRequestData;
import org.apache.kafka.common.message.ListPartitionReassignmentsResponseData;
import org.apache.kafka.common.message.ListPartitionReassignmentsResponseData.OngoingPartitionReassignment;
import org.apache.kafka.common.message.ListPartitionReassignmentsResponseData.OngoingTopicReassignment;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ListPartitionReassignmentsRequest;

/**
 * ListPartitionReassignments: the ongoing reassignments of the requested partitions (null topics: of all), from
 * this node's metadata image, each with its replicas (the union of target and removing replicas), adding and
 * removing replicas. Partitions that do not exist or are not being reassigned are left out, as in Kafka.
 * Thread-safe.
 */
final class ListPartitionReassignmentsHandler implements ApiHandler<ListPartitionReassignmentsRequest> {

    private final MetadataQuorum quorum;

    ListPartitionReassignmentsHandler(MetadataQuorum quorum) {
        this.quorum = quorum;
    }

    @Override
    public ApiMessage handle(RequestContext context, ListPartitionReassignmentsRequest request) {
        Map<TopicPartition, PartitionImage> ongoing = ReassignmentControl.ongoing(quorum.image());
        List<ListPartitionReassignmentsRequestData.ListPartitionReassignmentsTopics> topics = request.data().topics();
        Map<String, OngoingTopicReassignment> byTopic = new LinkedHashMap<>();
        if (topics == null) {
            ongoing.forEach((tp, partition) -> add(byTopic, tp, partition));
        } else {
            for (ListPartitionReassignmentsRequestData.ListPartitionReassignmentsTopics topic : topics) {
                for (int index : topic.partitionIndexes()) {
                    TopicPartition tp = new TopicPartition(topic.name(), index);
                    PartitionImage partition = ongoing.get(tp);
                    if (partition != null) {
                        add(byTopic, tp, partition);
                    }
                }
            }
        }
        return new ListPartitionReassignmentsResponseData().setErrorCode(Errors.NONE.code())
                .setTopics(List.copyOf(byTopic.values()));
    }

    private static void add(Map<String, OngoingTopicReassignment> byTopic, TopicPartition tp,
                            PartitionImage partition) {
        byTopic.computeIfAbsent(tp.topic(), name -> new OngoingTopicReassignment().setName(name)).partitions()
                .add(new OngoingPartitionReassignment().setPartitionIndex(tp.partition())
                        .setReplicas(partition.replicas()).setAddingReplicas(partition.addingReplicas())
                        .setRemovingReplicas(partition.removingReplicas()));
    }
}
