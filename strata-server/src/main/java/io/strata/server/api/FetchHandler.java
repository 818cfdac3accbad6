package io.strata.server.api;

import io.strata.metadata.MetadataQuorum;
import io.strata.metadata.TopicImage;
import io.strata.server.cluster.Partition;
import io.strata.server.cluster.ReplicaManager;
import io.strata.storage.Log;
import io.strata.storage.LogReadInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.requests.FetchRequest;

/**
 * Fetch: reads each partition from its log as file slices (sent with {@code sendfile}), long-polling up to
 * {@code max.wait.ms} until {@code min.bytes} are available.
 *
 * <p>Consumers read up to the high watermark, replicas (replica id >= 0) up to the log end offset. Fetch sessions
 * are not kept: every response carries session id 0, which tells clients to send full requests.
 */
public final class FetchHandler implements ApiHandler<FetchRequest> {

    private final MetadataQuorum quorum;
    private final ReplicaManager replicas;

    public FetchHandler(MetadataQuorum quorum, ReplicaManager replicas) {
        this.quorum = quorum;
        this.replicas = replicas;
    }

    @Override
    public ApiMessage handle(RequestContext context, FetchRequest request) {
        FetchRequestData data = request.data();
        if (data.sessionId() != 0) {
            return new FetchResponseData().setErrorCode(Errors.FETCH_SESSION_ID_NOT_FOUND.code());
        }
        boolean fromReplica = request.replicaId() >= 0;
        boolean readCommitted = !fromReplica && request.isolationLevel() == IsolationLevel.READ_COMMITTED;
        long deadline = System.nanoTime() + Math.max(0, data.maxWaitMs()) * 1_000_000L;
        while (true) {
            long seen = replicas.notifier().sequence();
            Read read = readAll(data, context.apiVersion() >= 13, fromReplica, readCommitted);
            if (read.bytes >= data.minBytes() || read.error || data.maxWaitMs() <= 0
                    || System.nanoTime() >= deadline) {
                return read.response;
            }
            try {
                replicas.notifier().awaitChange(seen, deadline);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return read.response;
            }
        }
    }

    private record Read(FetchResponseData response, long bytes, boolean error) {
    }

    private Read readAll(FetchRequestData data, boolean byId, boolean fromReplica, boolean readCommitted) {
        TopicResolver topics = new TopicResolver(quorum.image(), byId);
        List<FetchResponseData.FetchableTopicResponse> responses = new ArrayList<>();
        long bytes = 0;
        boolean error = false;
        boolean minOneMessage = true;
        for (FetchRequestData.FetchTopic topicData : data.topics()) {
            Optional<TopicImage> topic = topics.find(topicData.topic(), topicData.topicId());
            FetchResponseData.FetchableTopicResponse topicResponse = new FetchResponseData.FetchableTopicResponse()
                    .setTopic(topicData.topic()).setTopicId(topicData.topicId());
            for (FetchRequestData.FetchPartition p : topicData.partitions()) {
                FetchResponseData.PartitionData response = new FetchResponseData.PartitionData()
                        .setPartitionIndex(p.partition()).setRecords(MemoryRecords.EMPTY)
                        .setAbortedTransactions(readCommitted ? new ArrayList<>() : null);
                topicResponse.partitions().add(response);
                if (topic.isEmpty()) {
                    error = fail(response, topics.unknownError());
                    continue;
                }
                int maxBytes = (int) Math.max(0, Math.min(p.partitionMaxBytes(), data.maxBytes() - bytes));
                Optional<Partition> partition = replicas.partition(new TopicPartition(topic.get().name(),
                        p.partition()));
                if (partition.isEmpty()) {
                    error = fail(response, topic.get().partitions().containsKey(p.partition())
                            ? Errors.NOT_LEADER_OR_FOLLOWER : Errors.UNKNOWN_TOPIC_OR_PARTITION);
                    continue;
                }
                try {
                    int read = read(partition.get(), p, maxBytes, minOneMessage, fromReplica, response);
                    bytes += read;
                    minOneMessage &= read == 0;
                } catch (ApiException e) {
                    error = fail(response, Errors.forException(e));
                    Log log = partition.get().log();
                    response.setHighWatermark(log.highWatermark()).setLastStableOffset(log.highWatermark())
                            .setLogStartOffset(log.logStartOffset());
                }
            }
            responses.add(topicResponse);
        }
        return new Read(new FetchResponseData().setResponses(responses).setSessionId(0), bytes, error);
    }

    private static int read(Partition partition, FetchRequestData.FetchPartition p, int maxBytes,
                            boolean minOneMessage, boolean fromReplica, FetchResponseData.PartitionData response) {
        partition.checkLeader(p.currentLeaderEpoch());
        Log log = partition.log();
        long maxOffset = fromReplica ? log.logEndOffset() : log.highWatermark();
        LogReadInfo info = log.read(p.fetchOffset(), maxBytes, maxOffset, minOneMessage);
        response.setErrorCode(Errors.NONE.code()).setHighWatermark(info.highWatermark())
                .setLastStableOffset(info.highWatermark()).setLogStartOffset(info.logStartOffset())
                .setRecords(info.records());
        return info.records().sizeInBytes();
    }

    private static boolean fail(FetchResponseData.PartitionData response, Errors error) {
        response.setErrorCode(error.code()).setHighWatermark(-1).setLastStableOffset(-1).setLogStartOffset(-1);
        return true;
    }
}
