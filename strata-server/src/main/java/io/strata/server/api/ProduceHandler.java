package io.strata.server.api;

import io.strata.metadata.ConfigResourceKey;
import io.strata.metadata.MetadataImage;
import io.strata.metadata.MetadataQuorum;
import io.strata.metadata.TopicImage;
import io.strata.server.cluster.Partition;
import io.strata.server.cluster.ReplicaManager;
import io.strata.server.cluster.TransactionSupport;
import io.strata.server.metrics.BrokerTopicMetrics;
import io.strata.server.schemaid.SchemaIdValidator;
import io.strata.server.schemaid.SchemaValidationConfig;
import io.strata.storage.AppendResult;
import io.strata.storage.RecordErrors;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.resource.ResourceType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Produce: appends each partition's batches to its log as leader (acks 0, 1 and all), after checking their schema
 * ids on topics with schema id validation on ({@link SchemaIdValidator}). With acks=all the response waits, up to
 * the request timeout, for the high watermark to pass the appended records.
 */
public final class ProduceHandler implements ApiHandler<ProduceRequest> {

    private static final Logger log = LoggerFactory.getLogger(ProduceHandler.class);

    private final MetadataQuorum quorum;
    private final ReplicaManager replicas;
    private final BrokerTopicMetrics metrics;
    private final SchemaIdValidator schemaIds;

    public ProduceHandler(MetadataQuorum quorum, ReplicaManager replicas, BrokerTopicMetrics metrics,
                          SchemaIdValidator schemaIds) {
        this.quorum = quorum;
        this.replicas = replicas;
        this.metrics = metrics;
        this.schemaIds = schemaIds;
    }

    @Override
    public ApiMessage handle(RequestContext context, ProduceRequest request) {
        ProduceRequestData data = request.data();
        short acks = data.acks();
        if (data.transactionalId() != null && !context.authorized(AclOperation.WRITE,
                ResourceType.TRANSACTIONAL_ID, data.transactionalId())) {
            throw ApiAuthorization.denial(ResourceType.TRANSACTIONAL_ID);
        }
        TopicResolver topics = new TopicResolver(quorum.image(), context.apiVersion() >= 13);
        ProduceResponseData.TopicProduceResponseCollection responses =
                new ProduceResponseData.TopicProduceResponseCollection();
        List<Pending> pending = new ArrayList<>();
        Map<TopicPartition, Errors> refused = verifyTransactional(data, topics, context.apiVersion());
        for (ProduceRequestData.TopicProduceData topicData : data.topicData()) {
            Optional<TopicImage> topic = topics.find(topicData.name(), topicData.topicId());
            // As Kafka: a name is checked whether the topic exists or not; an unknown id stays UNKNOWN_TOPIC_ID.
            boolean denied = (topic.isPresent() || !topics.byId()) && !context.authorized(AclOperation.WRITE,
                    ResourceType.TOPIC, topic.map(TopicImage::name).orElse(topicData.name()));
            ProduceResponseData.TopicProduceResponse topicResponse = new ProduceResponseData.TopicProduceResponse()
                    .setName(topicData.name()).setTopicId(topicData.topicId());
            for (ProduceRequestData.PartitionProduceData partitionData : topicData.partitionData()) {
                ProduceResponseData.PartitionProduceResponse response =
                        new ProduceResponseData.PartitionProduceResponse().setIndex(partitionData.index());
                topicResponse.partitionResponses().add(response);
                if (acks != 0 && acks != 1 && acks != -1) {
                    fail(response, Errors.INVALID_REQUIRED_ACKS, null);
                } else if (denied) {
                    fail(response, Errors.TOPIC_AUTHORIZATION_FAILED, null);
                } else if (topic.isEmpty()) {
                    fail(response, topics.unknownError(), null);
                } else if (refused.containsKey(new TopicPartition(topic.get().name(), partitionData.index()))) {
                    Errors error = refused.get(new TopicPartition(topic.get().name(), partitionData.index()));
                    fail(response, error, "Transaction verification failed: " + error.message());
                } else {
                    append(topics.image(), topic.get(), partitionData, acks, context.apiVersion(), response)
                            .ifPresent(pending::add);
                }
            }
            responses.add(topicResponse);
        }
        if (acks == -1) {
            awaitCommitted(pending, data.timeoutMs());
        }
        return new ProduceResponseData().setResponses(responses);
    }

    /**
     * KIP-890: the partitions whose first write of a producer's transaction the transaction coordinator refused.
     * A transactional batch for a partition where the log has no transaction of that producer and epoch open is
     * checked with the coordinator before it is appended: added to the transaction (Produce v12+, transactions
     * version 2), or verified to be in it (older versions, {@code transaction.partition.verification.enable}).
     * A refusal is answered with the error the request's version knows ({@link TransactionSupport}).
     */
    private Map<TopicPartition, Errors> verifyTransactional(ProduceRequestData data, TopicResolver topics,
                                                            short version) {
        Set<TopicPartition> first = new HashSet<>();
        RecordBatch sample = null;
        for (ProduceRequestData.TopicProduceData topicData : data.topicData()) {
            Optional<TopicImage> topic = topics.find(topicData.name(), topicData.topicId());
            if (topic.isEmpty()) {
                continue;
            }
            for (ProduceRequestData.PartitionProduceData partitionData : topicData.partitionData()) {
                if (!(partitionData.records() instanceof MemoryRecords records)) {
                    continue;
                }
                Iterator<? extends RecordBatch> batches = records.batches().iterator();
                RecordBatch batch = batches.hasNext() ? batches.next() : null;
                if (batch == null || !batch.isTransactional()) {
                    continue;
                }
                TopicPartition tp = new TopicPartition(topic.get().name(), partitionData.index());
                if (!hasOpenTransaction(topics.image(), tp, batch.producerId(), batch.producerEpoch())) {
                    first.add(tp);
                    sample = batch;
                }
            }
        }
        if (first.isEmpty()) {
            return Map.of();
        }
        // A request carries one producer's batches: the coordinator checks them together.
        return replicas.transactionVerifier().verify(data.transactionalId(), sample.producerId(),
                sample.producerEpoch(), first, TransactionSupport.forProduce(version));
    }

    private boolean hasOpenTransaction(MetadataImage image, TopicPartition tp, long producerId, short epoch) {
        try {
            return replicas.partitionOrException(image, tp).log().activeProducers().stream()
                    .anyMatch(p -> p.producerId() == producerId && p.producerEpoch() == epoch
                            && p.currentTxnStartOffset() >= 0);
        } catch (ApiException e) {
            return true; // the append reports why the partition cannot take it
        }
    }

    /** An acks=all append waiting for the high watermark. */
    private record Pending(Partition partition, long endOffset, ProduceResponseData.PartitionProduceResponse response) {
    }

    private Optional<Pending> append(MetadataImage image, TopicImage topic,
                                     ProduceRequestData.PartitionProduceData data, short acks, short version,
                                     ProduceResponseData.PartitionProduceResponse response) {
        TopicPartition tp = new TopicPartition(topic.name(), data.index());
        if (!(data.records() instanceof MemoryRecords records)) {
            fail(response, Errors.CORRUPT_MESSAGE, "Missing record set");
            return Optional.empty();
        }
        try {
            Partition partition = replicas.partitionOrException(image, tp);
            SchemaValidationConfig validation = SchemaValidationConfig.of(
                    image.configs(new ConfigResourceKey(ConfigResourceKey.Type.TOPIC, tp.topic())));
            if (validation.enabled()) {
                // A follower answers NOT_LEADER_OR_FOLLOWER before looking at any record.
                partition.checkLeader(-1);
                schemaIds.validate(tp.topic(), validation, records);
            }
            AppendResult result = partition.appendAsLeader(records, acks);
            // Bytes count every batch received, as Kafka's BytesIn; records only those appended (a duplicate retry
            // is not), and offsets are assigned densely within an append: their span is the number of records.
            metrics.recordProduce(tp.topic(), records.sizeInBytes(),
                    result.duplicate() ? 0 : result.lastOffset() - result.firstOffset() + 1);
            response.setErrorCode(Errors.NONE.code()).setBaseOffset(result.firstOffset())
                    .setLogAppendTimeMs(result.logAppendTime()).setLogStartOffset(result.logStartOffset());
            return Optional.of(new Pending(partition, result.lastOffset() + 1, response));
        } catch (ApiException e) {
            fail(response, Errors.forException(e), e.getMessage());
            if (e instanceof RecordErrors errors && version >= 8) {
                // KIP-467: which records of the batch were refused, so the producer can drop just those.
                for (RecordErrors.RecordError error : errors.recordErrors()) {
                    response.recordErrors().add(new ProduceResponseData.BatchIndexAndErrorMessage()
                            .setBatchIndex(error.batchIndex()).setBatchIndexErrorMessage(error.message()));
                }
            }
            log.debug("Produce to {} failed: {}", tp, e.toString());
            return Optional.empty();
        }
    }

    private void awaitCommitted(List<Pending> pending, int timeoutMs) {
        long deadline = System.nanoTime() + Math.max(0, timeoutMs) * 1_000_000L;
        for (Pending p : pending) {
            try {
                if (!p.partition().awaitCommitted(p.endOffset(), deadline)) {
                    fail(p.response(), Errors.REQUEST_TIMED_OUT, "Replication did not complete in time");
                } else {
                    p.partition().checkMinInSyncReplicas(true);
                }
            } catch (ApiException e) {
                fail(p.response(), Errors.forException(e), e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail(p.response(), Errors.REQUEST_TIMED_OUT, "Interrupted");
            }
        }
    }

    private static void fail(ProduceResponseData.PartitionProduceResponse response, Errors error, String message) {
        response.setErrorCode(error.code()).setErrorMessage(message != null ? message : error.message())
                .setBaseOffset(-1).setLogAppendTimeMs(-1).setLogStartOffset(-1);
    }
}
