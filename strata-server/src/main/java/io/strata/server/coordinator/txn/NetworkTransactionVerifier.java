package io.strata.server.coordinator.txn;

import io.strata.metadata.BrokerRegistration;
import io.strata.metadata.MetadataQuorum;
import io.strata.server.cluster.TransactionSupport;
import io.strata.server.cluster.TransactionVerifier;
import io.strata.server.replication.ReplicationConfig;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.AddPartitionsToTxnRequestData;
import org.apache.kafka.common.message.AddPartitionsToTxnResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AddPartitionsToTxnRequest;
import org.apache.kafka.common.requests.AddPartitionsToTxnResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The partition leader's side of KIP-890: asks the producer's transaction coordinator (in-process when it is this
 * node) with AddPartitionsToTxn v5 whether the partitions are in the transaction, or to add them
 * (transactions version 2). Verification of the older protocol's writes follows
 * {@code transaction.partition.verification.enable}; adding is what version 2 producers rely on, so it is always on.
 * The coordinator's answers reach the client as {@link TransactionSupport#clientError} translates them.
 *
 * <p>Thread-safe; blocks the calling (virtual) thread for one round trip (which the coordinator may hold while the
 * producer's previous transaction completes).
 */
final class NetworkTransactionVerifier implements TransactionVerifier, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(NetworkTransactionVerifier.class);
    private static final short VERSION = 5;

    private final int nodeId;
    private final MetadataQuorum quorum;
    private final Function<String, Optional<BrokerRegistration>> coordinatorOf;
    private final boolean verificationEnabled;
    private final BrokerChannelPool channels;
    private final Function<AddPartitionsToTxnRequestData, AddPartitionsToTxnResponseData> local;

    /**
     * @param coordinatorOf the broker that coordinates a transactional id, if it has a leader
     * @param local         this node's coordinator answering a leader's AddPartitionsToTxn, for the ids it
     *                      coordinates (asked in-process, without a loopback round trip)
     */
    NetworkTransactionVerifier(int nodeId, MetadataQuorum quorum, ReplicationConfig interBroker,
                               Function<String, Optional<BrokerRegistration>> coordinatorOf,
                               boolean verificationEnabled,
                               Function<AddPartitionsToTxnRequestData, AddPartitionsToTxnResponseData> local) {
        this.nodeId = nodeId;
        this.quorum = quorum;
        this.coordinatorOf = coordinatorOf;
        this.verificationEnabled = verificationEnabled;
        this.channels = new BrokerChannelPool("txn-verifier-" + nodeId, interBroker);
        this.local = local;
    }

    @Override
    public boolean verifies(TransactionSupport support) {
        return support.addsPartitions() || verificationEnabled;
    }

    @Override
    public Map<TopicPartition, Errors> verify(String transactionalId, long producerId, short producerEpoch,
                                              Set<TopicPartition> partitions, TransactionSupport support) {
        if (!verifies(support)) {
            return Map.of();
        }
        if (transactionalId == null || transactionalId.isEmpty()) {
            return all(partitions, Errors.INVALID_TXN_STATE);
        }
        // The coordinator itself waits (up to a second) for a transaction that is completing, so a
        // CONCURRENT_TRANSACTIONS that still comes back means a stuck completion: the producer retries.
        Map<TopicPartition, Errors> refused = new HashMap<>();
        ask(transactionalId, producerId, producerEpoch, partitions, support.addsPartitions()).forEach((tp, error) -> {
            if (error != Errors.NONE) {
                refused.put(tp, support.clientError(error));
            }
        });
        return refused;
    }

    /**
     * One AddPartitionsToTxn round trip: the coordinator's answer per partition (COORDINATOR_NOT_AVAILABLE when no
     * broker leads its partition, NETWORK_EXCEPTION when it cannot be reached).
     */
    private Map<TopicPartition, Errors> ask(String transactionalId, long producerId, short producerEpoch,
                                            Set<TopicPartition> partitions, boolean add) {
        Optional<BrokerRegistration> coordinator = coordinatorOf.apply(transactionalId);
        if (coordinator.isEmpty()) {
            return all(partitions, Errors.COORDINATOR_NOT_AVAILABLE);
        }
        AddPartitionsToTxnRequestData.AddPartitionsToTxnTopicCollection topics =
                new AddPartitionsToTxnRequestData.AddPartitionsToTxnTopicCollection();
        Map<String, AddPartitionsToTxnRequestData.AddPartitionsToTxnTopic> byTopic = new HashMap<>();
        for (TopicPartition tp : partitions) {
            byTopic.computeIfAbsent(tp.topic(), t -> {
                AddPartitionsToTxnRequestData.AddPartitionsToTxnTopic topic =
                        new AddPartitionsToTxnRequestData.AddPartitionsToTxnTopic().setName(t);
                topics.add(topic);
                return topic;
            }).partitions().add(tp.partition());
        }
        AddPartitionsToTxnRequestData.AddPartitionsToTxnTransactionCollection txns =
                new AddPartitionsToTxnRequestData.AddPartitionsToTxnTransactionCollection();
        txns.add(new AddPartitionsToTxnRequestData.AddPartitionsToTxnTransaction()
                .setTransactionalId(transactionalId).setProducerId(producerId).setProducerEpoch(producerEpoch)
                .setVerifyOnly(!add).setTopics(topics));
        try {
            AddPartitionsToTxnRequest request = AddPartitionsToTxnRequest.Builder.forBroker(txns).build(VERSION);
            AddPartitionsToTxnResponse response;
            if (coordinator.get().brokerId() == nodeId) {
                response = new AddPartitionsToTxnResponse(local.apply(request.data()));
            } else {
                response = channels.send(quorum.image(), coordinator.get().brokerId(), request);
            }
            if (response.data().errorCode() != Errors.NONE.code()) {
                return all(partitions, Errors.forCode(response.data().errorCode()));
            }
            return response.errors().getOrDefault(transactionalId, Map.of());
        } catch (IOException | RuntimeException e) {
            log.debug("Verifying {} with coordinator {} failed: {}", transactionalId, coordinator.get().brokerId(),
                    e.toString());
            return all(partitions, Errors.NETWORK_EXCEPTION);
        }
    }

    private static Map<TopicPartition, Errors> all(Set<TopicPartition> partitions, Errors error) {
        Map<TopicPartition, Errors> out = new HashMap<>();
        partitions.forEach(tp -> out.put(tp, error));
        return out;
    }

    @Override
    public void close() {
        channels.close();
    }
}
