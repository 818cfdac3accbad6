package io.strata.server.api;

import io.strata.metadata.ConfigResourceKey;
import io.strata.metadata.MetadataImage;
import io.strata.metadata.MetadataQuorum;
import io.strata.metadata.TopicImage;
import io.strata.server.cluster.Partition;
import io.strata.server.cluster.ReplicaManager;
import io.strata.server.cluster.TransactionSupport;
import io.strata.server.cluster.TransactionVerifier;
import io.strata.server.metrics.BrokerTopicMetrics;
import io.strata.server.schemaid.SchemaIdValidator;
import io.strata.server.schemaid.SchemaValidationConfig;
import io.strata.storage.AppendResult;
import io.strata.storage.RecordErrors;
import io.strata.storage.TxnVerification;
import io.strata.storage.VerificationGuard;
import java.util.ArrayList;
import java.util.HashMap;
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
 * ids on topics with schema id validation on ({@link SchemaIdValidator}) and a transactional producer's first write
 * to a partition with its transaction coordinator (KIP-890). With acks=all the response waits, up to the request
 * timeout, for the high watermark to pass the appended records.
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
        Verification verification = verifyTransactional(data, topics, context.apiVersion());
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
                } else {
                    TopicPartition tp = new TopicPartition(topic.get().name(), partitionData.index());
                    Errors error = verification.refused().get(tp);
                    if (error != null) {
                        fail(response, error, "Transaction verification failed: " + error.message());
                    } else {
                        append(topics.image(), tp, partitionData, acks, context.apiVersion(),
                                verification.of(tp), response).ifPresent(pending::add);
                    }
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
     * KIP-890: the verification of a request's transactional writes. A transactional batch for a partition where
     * the log has no transaction of its producer and epoch open is checked with the coordinator before it is
     * appended: added to the transaction (Produce v12+, transactions version 2), or verified to be in it (older
     * versions, {@code transaction.partition.verification.enable}). Before asking, the leader takes the partition's
     * verification guard, which the append presents, so that a transaction that ends or changes there in between
     * (a marker, a newer epoch, a new leadership) is not reopened by the write: the append is refused with
     * INVALID_TXN_STATE, as Kafka's log refuses it. A refusal by the coordinator is answered with the error the
     * request's version knows ({@link TransactionSupport}).
     */
    private Verification verifyTransactional(ProduceRequestData data, TopicResolver topics, short version) {
        TransactionSupport support = TransactionSupport.forProduce(version);
        TransactionVerifier verifier = replicas.transactionVerifier();
        if (!verifier.verifies(support)) {
            return Verification.NONE;
        }
        Map<TopicPartition, TxnVerification> appends = new HashMap<>();
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
                Optional<VerificationGuard> guard = startVerification(topics.image(), tp, batch,
                        support.addsPartitions());
                appends.put(tp, TxnVerification.verified(guard));
                if (guard.isPresent()) {
                    first.add(tp);
                    sample = batch;
                }
            }
        }
        if (first.isEmpty()) {
            return new Verification(Map.of(), appends);
        }
        // A request carries one producer's batches: the coordinator checks them together.
        return new Verification(verifier.verify(data.transactionalId(), sample.producerId(), sample.producerEpoch(),
                first, support), appends);
    }

    /** The partition's guard for {@code batch}'s producer; empty if its transaction is open or it is not led here. */
    private Optional<VerificationGuard> startVerification(MetadataImage image, TopicPartition tp, RecordBatch batch,
                                                          boolean transactionsV2) {
        try {
            return replicas.partitionOrException(image, tp).startTransactionVerification(batch.producerId(),
                    batch.producerEpoch(), transactionsV2);
        } catch (ApiException e) {
            // The append reports why the partition cannot take it; if it could by then, no guard lets it start a
            // transaction unverified.
            return Optional.empty();
        }
    }

    /**
     * What verification decided for a request: the partitions the coordinator refused, with the client's error, and
     * what each transactional partition's append presents.
     */
    private record Verification(Map<TopicPartition, Errors> refused, Map<TopicPartition, TxnVerification> appends) {
        static final Verification NONE = new Verification(Map.of(), Map.of());

        TxnVerification of(TopicPartition tp) {
            return appends.getOrDefault(tp, TxnVerification.NONE);
        }
    }

    /** An acks=all append waiting for the high watermark. */
    private record Pending(Partition partition, long endOffset, ProduceResponseData.PartitionProduceResponse response) {
    }

    private Optional<Pending> append(MetadataImage image, TopicPartition tp,
                                     ProduceRequestData.PartitionProduceData data, short acks, short version,
                                     TxnVerification verification,
                                     ProduceResponseData.PartitionProduceResponse response) {
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
            AppendResult result = partition.appendAsLeader(records, acks, verification);
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
