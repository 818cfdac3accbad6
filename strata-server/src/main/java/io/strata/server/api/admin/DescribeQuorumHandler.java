package io.strata.server.api.admin;

import io.strata.metadata.MetadataQuorum;
import io.strata.metadata.QuorumStatus;
import io.strata.metadata.QuorumStatus.ReplicaProgress;
import io.strata.server.api.ApiHandler;
import io.strata.server.api.RequestContext;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.message.DescribeQuorumRequestData;
import org.apache.kafka.common.message.DescribeQuorumResponseData;
import org.apache.kafka.common.message.DescribeQuorumResponseData.PartitionData;
import org.apache.kafka.common.message.DescribeQuorumResponseData.ReplicaState;
import org.apache.kafka.common.message.DescribeQuorumResponseData.TopicData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.DescribeQuorumRequest;

/**
 * DescribeQuorum: the metadata quorum (Kafka's {@code __cluster_metadata-0}) as its Raft leader sees it. Any node
 * answers: like a Kafka broker forwarding the request to the active controller, it asks the Raft leader through the
 * quorum. When no leader answers (an election is under way) the partition carries {@code NOT_LEADER_OR_FOLLOWER},
 * which Kafka's Admin client retries, as a Kafka controller that is not the leader answers.
 *
 * <p>Leader epoch is the Raft term, offsets are Raft log indexes + 1 ({@link QuorumStatus}); every replica's
 * directory id is zero, as for Kafka's static {@code controller.quorum.voters}. Broker-only nodes (Ratis listeners)
 * are the observers. From v2 the response lists each voter's controller endpoints.
 *
 * <p>Thread-safe.
 */
public final class DescribeQuorumHandler implements ApiHandler<DescribeQuorumRequest> {

    private final MetadataQuorum quorum;
    private final Map<Integer, InetSocketAddress> voters;
    private final String controllerListener;
    private final long timeoutMs;

    /**
     * @param voters             the voters' controller addresses ({@code controller.quorum.voters})
     * @param controllerListener the name of the listener those addresses are on (the first of
     *                           {@code controller.listener.names})
     * @param timeoutMs          how long to wait for the leader's answer
     */
    public DescribeQuorumHandler(MetadataQuorum quorum, Map<Integer, InetSocketAddress> voters,
                                 String controllerListener, long timeoutMs) {
        this.quorum = quorum;
        this.voters = Map.copyOf(voters);
        this.controllerListener = controllerListener;
        this.timeoutMs = timeoutMs;
    }

    @Override
    public ApiMessage handle(RequestContext context, DescribeQuorumRequest request) {
        short version = context.apiVersion();
        DescribeQuorumRequestData data = request.data();
        boolean metadataPartitionOnly = data.topics().size() == 1
                && Topic.CLUSTER_METADATA_TOPIC_NAME.equals(data.topics().get(0).topicName())
                && data.topics().get(0).partitions().size() == 1
                && data.topics().get(0).partitions().get(0).partitionIndex() == 0;
        if (!metadataPartitionOnly) {
            return DescribeQuorumRequest.getPartitionLevelErrorResponse(data, Errors.UNKNOWN_TOPIC_OR_PARTITION);
        }
        PartitionData partition = new PartitionData().setPartitionIndex(0);
        try {
            QuorumStatus status = quorum.describeQuorum().get(timeoutMs, TimeUnit.MILLISECONDS);
            partition.setErrorCode(Errors.NONE.code()).setLeaderId(status.leaderId())
                    .setLeaderEpoch(status.leaderEpoch()).setHighWatermark(status.highWatermark())
                    .setCurrentVoters(states(status.voters(), version))
                    .setObservers(states(status.observers(), version));
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            Errors error = cause instanceof ApiException ? Errors.forException(cause) : Errors.NOT_LEADER_OR_FOLLOWER;
            partition.setErrorCode(error.code()).setLeaderId(-1);
            if (version >= 2) {
                partition.setErrorMessage(cause.getMessage());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while asking the metadata leader", e);
        }
        DescribeQuorumResponseData response = new DescribeQuorumResponseData().setErrorCode(Errors.NONE.code());
        response.topics().add(new TopicData().setTopicName(Topic.CLUSTER_METADATA_TOPIC_NAME)
                .setPartitions(new ArrayList<>(List.of(partition))));
        if (version >= 2) {
            voters.forEach((id, address) -> {
                DescribeQuorumResponseData.Node node = new DescribeQuorumResponseData.Node().setNodeId(id);
                node.listeners().add(new DescribeQuorumResponseData.Listener().setName(controllerListener)
                        .setHost(address.getHostString()).setPort(address.getPort()));
                response.nodes().add(node);
            });
        }
        return response;
    }

    private static List<ReplicaState> states(List<ReplicaProgress> replicas, short version) {
        List<ReplicaState> states = new ArrayList<>(replicas.size());
        for (ReplicaProgress r : replicas) {
            ReplicaState state = new ReplicaState().setReplicaId(r.nodeId()).setLogEndOffset(r.logEndOffset());
            if (version >= 1) {
                state.setLastFetchTimestamp(r.lastFetchTimestamp().orElse(-1))
                        .setLastCaughtUpTimestamp(r.lastCaughtUpTimestamp().orElse(-1));
            }
            if (version >= 2) {
                state.setReplicaDirectoryId(Uuid.ZERO_UUID);
            }
            states.add(state);
        }
        return states;
    }
}
