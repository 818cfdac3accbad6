package io.strata.server.api.admin;

import io.strata.metadata.MetadataQuorum;
import io.strata.metadata.PartitionReassignment;
import io.strata.server.api.ApiHandler;
import io.strata.server.api.RequestContext;
import io.strata.server.cluster.QuorumWaiter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.message.AlterPartitionReassignmentsRequestData;
import org.apache.kafka.common.message.AlterPartitionReassignmentsResponseData;
import org.apache.kafka.common.message.AlterPartitionReassignmentsResponseData.ReassignablePartitionResponse;
import org.apache.kafka.common.message.AlterPartitionReassignmentsResponseData.ReassignableTopicResponse;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AlterPartitionReassignmentsRequest;

/**
 * AlterPartitionReassignments (KIP-455, v1 with KIP-860's AllowReplicationFactorChange): every partition of the
 * request is started, replaced or cancelled (null replicas) in one controller round, answered by any node through
 * the metadata quorum within the request's timeout. Per-partition errors come from the controller; a failure of the
 * round itself (timeout, no quorum) is the top-level error and every partition's. Thread-safe.
 */
final class AlterPartitionReassignmentsHandler implements ApiHandler<AlterPartitionReassignmentsRequest> {

    private final MetadataQuorum quorum;
    private final QuorumWaiter waiter;

    AlterPartitionReassignmentsHandler(MetadataQuorum quorum, QuorumWaiter waiter) {
        this.quorum = quorum;
        this.waiter = waiter;
    }

    @Override
    public ApiMessage handle(RequestContext context, AlterPartitionReassignmentsRequest request) {
        AlterPartitionReassignmentsRequestData data = request.data();
        List<PartitionReassignment> reassignments = new ArrayList<>();
        for (AlterPartitionReassignmentsRequestData.ReassignableTopic topic : data.topics()) {
            for (AlterPartitionReassignmentsRequestData.ReassignablePartition p : topic.partitions()) {
                reassignments.add(new PartitionReassignment(topic.name(), p.partitionIndex(),
                        Optional.ofNullable(p.replicas())));
            }
        }
        AlterPartitionReassignmentsResponseData response = new AlterPartitionReassignmentsResponseData()
                .setErrorCode(Errors.NONE.code());
        if (request.version() >= 1) {
            response.setAllowReplicationFactorChange(data.allowReplicationFactorChange());
        }
        List<Optional<ApiException>> outcomes;
        try {
            outcomes = reassignments.isEmpty() ? List.of() : waiter.forRequest(data.timeoutMs()).await(
                    quorum.alterPartitionReassignments(reassignments, data.allowReplicationFactorChange()));
        } catch (ApiException e) {
            response.setErrorCode(Errors.forException(e).code()).setErrorMessage(e.getMessage());
            outcomes = reassignments.stream().map(r -> Optional.of(e)).toList();
        }
        Iterator<Optional<ApiException>> outcome = outcomes.iterator();
        for (AlterPartitionReassignmentsRequestData.ReassignableTopic topic : data.topics()) {
            List<ReassignablePartitionResponse> partitions = new ArrayList<>();
            for (AlterPartitionReassignmentsRequestData.ReassignablePartition p : topic.partitions()) {
                Optional<ApiException> error = outcome.next();
                partitions.add(new ReassignablePartitionResponse().setPartitionIndex(p.partitionIndex())
                        .setErrorCode(error.map(e -> Errors.forException(e).code()).orElse(Errors.NONE.code()))
                        .setErrorMessage(error.map(Throwable::getMessage).orElse(null)));
            }
            response.responses().add(new ReassignableTopicResponse().setName(topic.name()).setPartitions(partitions));
        }
        return response;
    }
}
