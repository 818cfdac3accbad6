package io.strata.server.coordinator.txn;

import io.strata.metadata.BrokerRegistration;
import io.strata.metadata.MetadataQuorum;
import io.strata.metadata.TopicImage;
import io.strata.server.cluster.Partition;
import io.strata.server.cluster.ReplicaManager;
import io.strata.server.cluster.TopicService;
import io.strata.server.coordinator.CoordinatorLog;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link TxnStore} on {@code __transaction_state} (compacted) through a {@link CoordinatorLog}.
 *
 * <p>Thread-safe: it keeps no state of its own.
 */
final class TxnLog implements TxnStore, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TxnLog.class);

    private final CoordinatorLog coordinatorLog;
    private final ReplicaManager replicas;
    private final Time time;

    TxnLog(TxnConfig config, MetadataQuorum quorum, ReplicaManager replicas, TopicService topics, Time time) {
        this.coordinatorLog = new CoordinatorLog(new CoordinatorLog.Topic(TxnConfig.TOPIC, config.logPartitions(),
                config.logReplication(), Map.of("cleanup.policy", "compact",
                "segment.bytes", Integer.toString(config.logSegmentBytes())), config.logMinIsr(),
                config.writeTimeoutMs()), quorum, replicas, topics);
        this.replicas = replicas;
        this.time = time;
    }

    @Override
    public int partitionFor(String transactionalId) {
        return coordinatorLog.partitionFor(transactionalId);
    }

    Optional<TopicImage> ensureTopic() {
        return coordinatorLog.ensureTopic();
    }

    Optional<BrokerRegistration> coordinatorOf(String transactionalId) {
        return coordinatorLog.coordinatorOf(transactionalId);
    }

    @Override
    public Optional<Map<String, TxnValue>> load(int partition) {
        Map<String, TxnValue> latest = new HashMap<>();
        boolean found = coordinatorLog.replay(partition, entry -> {
            if (!(entry instanceof CoordinatorLog.DataEntry data)) {
                return;
            }
            Optional<String> id = TxnRecords.readKey(data.key());
            if (id.isEmpty()) {
                return;
            }
            if (data.value().isEmpty()) {
                latest.remove(id.get());
                return;
            }
            try {
                latest.put(id.get(), TxnRecords.readValue(data.value().get()));
            } catch (RuntimeException e) {
                log.warn("Skipping an unreadable state of transactional id {}: {}", id.get(), e.toString());
            }
        });
        return found ? Optional.of(latest) : Optional.empty();
    }

    @Override
    public int coordinatorEpoch(int partition) {
        return replicas.partition(new TopicPartition(TxnConfig.TOPIC, partition)).map(Partition::leaderEpoch)
                .orElse(-1);
    }

    @Override
    public CompletableFuture<Void> append(int partition, String transactionalId, Optional<TxnValue> value) {
        SimpleRecord record = new SimpleRecord(time.milliseconds(), TxnRecords.key(transactionalId),
                value.map(TxnRecords::value).orElse(null));
        return coordinatorLog.append(partition, MemoryRecords.withRecords(Compression.NONE, record));
    }

    @Override
    public void close() {
        coordinatorLog.close();
    }
}
