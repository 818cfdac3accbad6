package io.strata.server.coordinator.txn;

import io.strata.metadata.MetadataImage;
import io.strata.metadata.MetadataQuorum;
import io.strata.server.api.ApiAuthorization;
import io.strata.server.api.ApiHandler;
import io.strata.server.api.RequestContext;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.message.AddPartitionsToTxnRequestData;
import org.apache.kafka.common.message.AddPartitionsToTxnResponseData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AddPartitionsToTxnRequest;
import org.apache.kafka.common.requests.AddPartitionsToTxnResponse;
import org.apache.kafka.common.resource.ResourceType;

/**
 * AddPartitionsToTxn. v0-v3 are the producer's request: WRITE on the transactional id, else
 * TRANSACTIONAL_ID_AUTHORIZATION_FAILED for all; partitions of topics the producer may not write get
 * TOPIC_AUTHORIZATION_FAILED, partitions that do not exist UNKNOWN_TOPIC_OR_PARTITION and the others
 * OPERATION_NOT_ATTEMPTED; otherwise every partition gets the coordinator's answer. v4-v5 are a partition leader's
 * (KIP-890), batched by transaction and allowed to brokers only (CLUSTER_ACTION, else CLUSTER_AUTHORIZATION_FAILED):
 * {@code verifyOnly} asks whether the partitions are in the transaction (part 1), otherwise they are added to a
 * version 2 transaction (part 2).
 */
final class AddPartitionsToTxnHandler implements ApiHandler<AddPartitionsToTxnRequest> {

    private final TransactionCoordinator coordinator;
    private final MetadataQuorum quorum;

    AddPartitionsToTxnHandler(TransactionCoordinator coordinator, MetadataQuorum quorum) {
        this.coordinator = coordinator;
        this.quorum = quorum;
    }

    @Override
    public ApiMessage handle(RequestContext context, AddPartitionsToTxnRequest request) {
        AddPartitionsToTxnRequestData data = request.data();
        if (context.apiVersion() >= 4) {
            if (!context.authorizedCluster(AclOperation.CLUSTER_ACTION)) {
                throw ApiAuthorization.denial(ResourceType.CLUSTER);
            }
            return forBroker(data);
        }
        if (!context.authorized(AclOperation.WRITE, ResourceType.TRANSACTIONAL_ID,
                data.v3AndBelowTransactionalId())) {
            throw ApiAuthorization.denial(ResourceType.TRANSACTIONAL_ID);
        }
        MetadataImage image = quorum.image();
        Set<TopicPartition> partitions = new HashSet<>();
        Set<TopicPartition> unknown = new HashSet<>();
        Set<TopicPartition> unauthorized = new HashSet<>();
        for (AddPartitionsToTxnRequestData.AddPartitionsToTxnTopic t : data.v3AndBelowTopics()) {
            boolean writable = context.authorized(AclOperation.WRITE, ResourceType.TOPIC, t.name());
            for (int p : t.partitions()) {
                TopicPartition tp = new TopicPartition(t.name(), p);
                partitions.add(tp);
                if (!writable) {
                    unauthorized.add(tp);
                } else if (image.topic(t.name()).map(topic -> !topic.partitions().containsKey(p)).orElse(true)) {
                    unknown.add(tp);
                }
            }
        }
        Map<TopicPartition, Errors> errors = new HashMap<>();
        if (!unauthorized.isEmpty() || !unknown.isEmpty()) {
            // As Kafka: the denied and unknown partitions say why, the others were not attempted.
            partitions.forEach(tp -> errors.put(tp, unauthorized.contains(tp) ? Errors.TOPIC_AUTHORIZATION_FAILED
                    : unknown.contains(tp) ? Errors.UNKNOWN_TOPIC_OR_PARTITION : Errors.OPERATION_NOT_ATTEMPTED));
        } else {
            Errors error = TxnErrors.forVersion(coordinator.addPartitions(data.v3AndBelowTransactionalId(),
                    data.v3AndBelowProducerId(), data.v3AndBelowProducerEpoch(), partitions), context.apiVersion(), 2);
            partitions.forEach(tp -> errors.put(tp, error));
        }
        AddPartitionsToTxnResponseData.AddPartitionsToTxnResult result =
                AddPartitionsToTxnResponse.resultForTransaction(AddPartitionsToTxnResponse.V3_AND_BELOW_TXN_ID,
                        errors);
        return new AddPartitionsToTxnResponseData().setResultsByTopicV3AndBelow(result.topicResults());
    }

    /**
     * A partition leader's request (v4+), authorised: also called in-process by this node's own partition leaders
     * ({@link NetworkTransactionVerifier}).
     */
    AddPartitionsToTxnResponseData forBroker(AddPartitionsToTxnRequestData data) {
        AddPartitionsToTxnResponseData.AddPartitionsToTxnResultCollection results =
                new AddPartitionsToTxnResponseData.AddPartitionsToTxnResultCollection();
        for (AddPartitionsToTxnRequestData.AddPartitionsToTxnTransaction txn : data.transactions()) {
            Set<TopicPartition> partitions = new HashSet<>(AddPartitionsToTxnRequest.getPartitions(txn.topics()));
            Map<TopicPartition, Errors> errors = new HashMap<>();
            if (txn.verifyOnly()) {
                errors.putAll(coordinator.verify(txn.transactionalId(), txn.producerId(), txn.producerEpoch(),
                        partitions));
            } else {
                Errors error = coordinator.addPartitions(txn.transactionalId(), txn.producerId(),
                        txn.producerEpoch(), partitions, true);
                partitions.forEach(tp -> errors.put(tp, error));
            }
            results.add(AddPartitionsToTxnResponse.resultForTransaction(txn.transactionalId(), errors));
        }
        return new AddPartitionsToTxnResponseData().setResultsByTransaction(results);
    }
}
