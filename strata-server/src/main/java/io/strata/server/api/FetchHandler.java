package io.strata.server.api;

import io.strata.metadata.MetadataQuorum;
import io.strata.metadata.TopicImage;
import io.strata.server.cluster.Partition;
import io.strata.server.cluster.ReplicaManager;
import io.strata.server.cluster.Wakeup;
import io.strata.server.metrics.BrokerTopicMetrics;
import io.strata.storage.AbortedTxn;
import io.strata.storage.Log;
import io.strata.storage.LogReadInfo;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.requests.FetchRequest;
import org.apache.kafka.common.resource.ResourceType;

/**
 * Fetch: reads each partition from its log as file slices (sent with {@code sendfile}), long-polling up to
 * {@code max.wait.ms} until {@code min.bytes} are available.
 *
 * <p>Consumers read up to the high watermark (read_uncommitted) or the last stable offset (read_committed, with
 * the aborted transactions overlapping the returned batches, from the segments' {@code .txnindex}); replicas
 * (replica id >= 0) read uncommitted up to the log end offset. Fetch sessions
 * are not kept: every response carries session id 0, which tells clients to send full requests.
 */
public final class FetchHandler implements ApiHandler<FetchRequest> {

    private final MetadataQuorum quorum;
    private final ReplicaManager replicas;
    private final BrokerTopicMetrics metrics;

    public FetchHandler(MetadataQuorum quorum, ReplicaManager replicas, BrokerTopicMetrics metrics) {
        this.quorum = quorum;
        this.replicas = replicas;
        this.metrics = metrics;
    }

    @Override
    public ApiMessage handle(RequestContext context, FetchRequest request) {
        FetchRequestData data = request.data();
        if (data.sessionId() != 0) {
            return new FetchResponseData().setErrorCode(Errors.FETCH_SESSION_ID_NOT_FOUND.code());
        }
        if (data.isolationLevel() != 0 && data.isolationLevel() != 1) {
            return new FetchResponseData().setErrorCode(Errors.INVALID_REQUEST.code());
        }
        int replicaId = request.replicaId();
        boolean readCommitted = replicaId < 0 && request.isolationLevel() == IsolationLevel.READ_COMMITTED;
        boolean byId = context.apiVersion() >= 13;
        long deadline = System.nanoTime() + Math.max(0, data.maxWaitMs()) * 1_000_000L;
        Predicate<String> readable = readable(context, replicaId);
        Read read = readAll(data, byId, replicaId, readCommitted, readable);
        if (read.isComplete(data, deadline)) {
            return sent(read, replicaId);
        }
        // Long poll: watch the partitions read, then read again so that a change between the first read and the
        // registration is not missed; only appends to these partitions wake this request.
        Wakeup wakeup = new Wakeup();
        read.partitions.forEach(p -> p.watch(wakeup));
        try {
            while (true) {
                read = readAll(data, byId, replicaId, readCommitted, readable);
                if (read.isComplete(data, deadline)) {
                    return sent(read, replicaId);
                }
                wakeup.await(deadline);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return sent(read, replicaId);
        } finally {
            read.partitions.forEach(p -> p.unwatch(wakeup));
        }
    }

    /**
     * Which topics the request may read, as Kafka: a follower (replica id >= 0) needs CLUSTER_ACTION on the cluster
     * for every partition, a consumer READ on each topic; decided once per request, not per long-poll pass.
     */
    private static Predicate<String> readable(RequestContext context, int replicaId) {
        if (!context.authorizer().enabled()) {
            return topic -> true;
        }
        if (replicaId >= 0) {
            boolean clusterAction = context.authorizedCluster(AclOperation.CLUSTER_ACTION);
            return topic -> clusterAction;
        }
        Map<String, Boolean> decided = new HashMap<>();
        return topic -> decided.computeIfAbsent(topic, t -> context.authorized(AclOperation.READ,
                ResourceType.TOPIC, t));
    }

    /** Counts the bytes of the read that is answered (not those of earlier passes of a long poll). */
    private FetchResponseData sent(Read read, int replicaId) {
        read.bytesByTopic.forEach((topic, bytes) -> metrics.recordFetch(topic, bytes, replicaId >= 0));
        return read.response;
    }

    /**
     * One pass over the request's partitions: the response, its size (also per topic), and the partitions found
     * here.
     */
    private record Read(FetchResponseData response, long bytes, boolean error, List<Partition> partitions,
                        Map<String, Long> bytesByTopic) {

        boolean isComplete(FetchRequestData data, long deadline) {
            return bytes >= data.minBytes() || error || data.maxWaitMs() <= 0 || System.nanoTime() >= deadline;
        }
    }

    private Read readAll(FetchRequestData data, boolean byId, int replicaId, boolean readCommitted,
                         Predicate<String> readable) {
        TopicResolver topics = new TopicResolver(quorum.image(), byId);
        List<FetchResponseData.FetchableTopicResponse> responses = new ArrayList<>();
        List<Partition> found = new ArrayList<>();
        Map<String, Long> bytesByTopic = new HashMap<>();
        long bytes = 0;
        boolean error = false;
        boolean minOneMessage = true;
        for (FetchRequestData.FetchTopic topicData : data.topics()) {
            Optional<TopicImage> topic = topics.find(topicData.topic(), topicData.topicId());
            boolean denied = (topic.isPresent() || !byId)
                    && !readable.test(topic.map(TopicImage::name).orElse(topicData.topic()));
            FetchResponseData.FetchableTopicResponse topicResponse = new FetchResponseData.FetchableTopicResponse()
                    .setTopic(topicData.topic()).setTopicId(topicData.topicId());
            for (FetchRequestData.FetchPartition p : topicData.partitions()) {
                FetchResponseData.PartitionData response = new FetchResponseData.PartitionData()
                        .setPartitionIndex(p.partition()).setRecords(MemoryRecords.EMPTY)
                        .setAbortedTransactions(readCommitted ? new ArrayList<>() : null);
                topicResponse.partitions().add(response);
                if (denied) {
                    error = fail(response, Errors.TOPIC_AUTHORIZATION_FAILED);
                    continue;
                }
                if (topic.isEmpty()) {
                    error = fail(response, topics.unknownError());
                    continue;
                }
                int maxBytes = (int) Math.max(0, Math.min(p.partitionMaxBytes(), data.maxBytes() - bytes));
                Partition partition = null;
                try {
                    partition = replicas.partitionOrException(topics.image(),
                            new TopicPartition(topic.get().name(), p.partition()));
                    found.add(partition);
                    LogReadInfo info = partition.read(p.fetchOffset(), maxBytes, minOneMessage,
                            p.currentLeaderEpoch(), replicaId, readCommitted);
                    response.setErrorCode(Errors.NONE.code()).setHighWatermark(info.highWatermark())
                            .setLastStableOffset(info.lastStableOffset()).setLogStartOffset(info.logStartOffset())
                            .setRecords(info.records());
                    if (readCommitted) {
                        response.setAbortedTransactions(abortedTransactions(partition.log(), p.fetchOffset(),
                                info));
                    }
                    int read = info.records().sizeInBytes();
                    bytes += read;
                    if (read > 0) {
                        bytesByTopic.merge(topic.get().name(), (long) read, Long::sum);
                    }
                    minOneMessage &= read == 0;
                } catch (ApiException e) {
                    error = fail(response, Errors.forException(e));
                    if (partition != null) {
                        Log log = partition.log();
                        response.setHighWatermark(log.highWatermark()).setLastStableOffset(log.lastStableOffset())
                                .setLogStartOffset(log.logStartOffset());
                    }
                }
            }
            responses.add(topicResponse);
        }
        return new Read(new FetchResponseData().setResponses(responses).setSessionId(0), bytes, error, found,
                bytesByTopic);
    }

    /**
     * The aborted transactions a read_committed consumer needs for the batches read: those overlapping
     * {@code [fetchOffset, end of the last batch read]}. The common case (no abort after the fetch offset) costs
     * one look at the in-memory indexes; only then are the read batches' headers walked to narrow the range.
     */
    private static List<FetchResponseData.AbortedTransaction> abortedTransactions(Log log, long fetchOffset,
                                                                                 LogReadInfo info) {
        List<FetchResponseData.AbortedTransaction> result = new ArrayList<>();
        if (info.records().sizeInBytes() == 0) {
            return result;
        }
        List<AbortedTxn> candidates = log.abortedTransactions(fetchOffset, info.lastStableOffset());
        if (candidates.isEmpty()) {
            return result;
        }
        long end = fetchOffset;
        for (RecordBatch batch : info.records().batches()) {
            end = batch.lastOffset() + 1;
        }
        for (AbortedTxn t : candidates) {
            if (t.firstOffset() < end) {
                result.add(new FetchResponseData.AbortedTransaction().setProducerId(t.producerId())
                        .setFirstOffset(t.firstOffset()));
            }
        }
        return result;
    }

    private static boolean fail(FetchResponseData.PartitionData response, Errors error) {
        response.setErrorCode(error.code()).setHighWatermark(-1).setLastStableOffset(-1).setLogStartOffset(-1);
        return true;
    }
}
