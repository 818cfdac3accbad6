package io.strata.server.api;

import io.strata.metadata.MetadataImage;
import io.strata.metadata.MetadataQuorum;
import io.strata.server.cluster.Partition;
import io.strata.server.cluster.ReplicaManager;
import io.strata.storage.EpochEntry;
import io.strata.storage.Log;
import io.strata.storage.TimestampAndOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.message.ListOffsetsRequestData;
import org.apache.kafka.common.message.ListOffsetsResponseData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ListOffsetsRequest;
import org.apache.kafka.common.resource.ResourceType;

/**
 * ListOffsets: earliest, latest, max timestamp, and the first offset at or after a timestamp; as in Kafka, the
 * answers stop at the last stable offset for read_committed and at the high watermark otherwise. Without tiered
 * storage, "earliest local" is the earliest offset and the tiered queries find nothing.
 */
public final class ListOffsetsHandler implements ApiHandler<ListOffsetsRequest> {

    private final MetadataQuorum quorum;
    private final ReplicaManager replicas;

    public ListOffsetsHandler(MetadataQuorum quorum, ReplicaManager replicas) {
        this.quorum = quorum;
        this.replicas = replicas;
    }

    @Override
    public ApiMessage handle(RequestContext context, ListOffsetsRequest request) {
        short version = context.apiVersion();
        MetadataImage image = quorum.image();
        byte isolation = request.data().isolationLevel();
        boolean validIsolation = isolation == 0 || isolation == 1;
        List<ListOffsetsResponseData.ListOffsetsTopicResponse> responses = new ArrayList<>();
        for (ListOffsetsRequestData.ListOffsetsTopic topicData : request.data().topics()) {
            List<ListOffsetsResponseData.ListOffsetsPartitionResponse> partitions = new ArrayList<>();
            boolean authorized = context.authorized(AclOperation.DESCRIBE, ResourceType.TOPIC, topicData.name());
            for (ListOffsetsRequestData.ListOffsetsPartition p : topicData.partitions()) {
                ListOffsetsResponseData.ListOffsetsPartitionResponse response =
                        new ListOffsetsResponseData.ListOffsetsPartitionResponse().setPartitionIndex(p.partitionIndex());
                partitions.add(response);
                if (!authorized) {
                    fail(response, Errors.TOPIC_AUTHORIZATION_FAILED);
                    continue;
                }
                if (!validIsolation) {
                    fail(response, Errors.INVALID_REQUEST);
                    continue;
                }
                try {
                    Partition partition = replicas.partitionOrException(image,
                            new TopicPartition(topicData.name(), p.partitionIndex()));
                    partition.checkLeader(p.currentLeaderEpoch());
                    TimestampAndOffset found = lookup(partition.log(), p.timestamp(),
                            isolation == IsolationLevel.READ_COMMITTED.id());
                    response.setErrorCode(Errors.NONE.code()).setTimestamp(found.timestamp())
                            .setOffset(found.offset());
                    if (version >= 4) {
                        response.setLeaderEpoch(found.leaderEpoch().orElse(-1));
                    }
                } catch (ApiException e) {
                    fail(response, Errors.forException(e));
                }
            }
            responses.add(new ListOffsetsResponseData.ListOffsetsTopicResponse().setName(topicData.name())
                    .setPartitions(partitions));
        }
        return new ListOffsetsResponseData().setTopics(responses);
    }

    private static TimestampAndOffset lookup(Log log, long timestamp, boolean readCommitted) {
        TimestampAndOffset none = new TimestampAndOffset(-1, -1, OptionalInt.empty());
        if (timestamp == ListOffsetsRequest.EARLIEST_TIMESTAMP
                || timestamp == ListOffsetsRequest.EARLIEST_LOCAL_TIMESTAMP) {
            return new TimestampAndOffset(-1, log.logStartOffset(), OptionalInt.empty());
        }
        // Kafka's last fetchable offset: what a consumer of this isolation level may read.
        long fetchable = readCommitted ? log.lastStableOffset() : log.highWatermark();
        if (timestamp == ListOffsetsRequest.LATEST_TIMESTAMP) {
            long offset = fetchable;
            Optional<EpochEntry> epoch = log.latestEpoch();
            return new TimestampAndOffset(-1, offset, epoch.isPresent()
                    ? OptionalInt.of(epoch.get().epoch()) : OptionalInt.empty());
        }
        if (timestamp == ListOffsetsRequest.MAX_TIMESTAMP) {
            return log.maxTimestampAndOffset().filter(t -> t.offset() < fetchable).orElse(none);
        }
        if (timestamp < 0) {
            // Tiered-storage queries (latest tiered, earliest pending upload): nothing is tiered here.
            return none;
        }
        return log.offsetForTimestamp(timestamp).filter(t -> t.offset() < fetchable).orElse(none);
    }

    private static void fail(ListOffsetsResponseData.ListOffsetsPartitionResponse response, Errors error) {
        response.setErrorCode(error.code()).setTimestamp(-1).setOffset(-1);
    }
}
