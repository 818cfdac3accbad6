package io.strata.server.coordinator.group;

import io.strata.metadata.BrokerRegistration;
import io.strata.metadata.MetadataImage;
import io.strata.metadata.MetadataQuorum;
import io.strata.metadata.TopicImage;
import io.strata.metadata.TopicOutcome;
import io.strata.server.cluster.Partition;
import io.strata.server.cluster.ReplicaManager;
import io.strata.server.cluster.TopicService;
import io.strata.storage.AppendResult;
import io.strata.storage.Log;
import io.strata.storage.LogReadInfo;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.NotCoordinatorException;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The group coordinator's access to {@code __consumer_offsets}: creating the topic, mapping groups to partitions,
 * appending state records as partition leader and replaying a partition from its start.
 *
 * <p>Thread-safe: it keeps no state of its own; appends are serialized by the partition's log.
 */
final class GroupLog {

    private static final Logger log = LoggerFactory.getLogger(GroupLog.class);
    private static final int READ_CHUNK_BYTES = 1 << 20;

    /** A record read back from the topic: its key and value (empty for a tombstone). */
    record Entry(ByteBuffer key, Optional<ByteBuffer> value) {
    }

    private final MetadataQuorum quorum;
    private final ReplicaManager replicas;
    private final TopicService topics;
    private final GroupConfig config;

    GroupLog(MetadataQuorum quorum, ReplicaManager replicas, TopicService topics, GroupConfig config) {
        this.quorum = quorum;
        this.replicas = replicas;
        this.topics = topics;
        this.config = config;
    }

    /** The partition of {@code __consumer_offsets} that holds a group: Kafka's abs(hashCode) modulo count. */
    int partitionFor(String groupId) {
        int partitions = topic().map(t -> t.partitions().size()).orElse(config.offsetsTopicPartitions());
        int hash = groupId.hashCode();
        // Kafka's Utils.abs: Integer.MIN_VALUE maps to 0 rather than staying negative.
        return (hash == Integer.MIN_VALUE ? 0 : Math.abs(hash)) % partitions;
    }

    Optional<TopicImage> topic() {
        return quorum.image().topic(GroupConfig.OFFSETS_TOPIC);
    }

    /**
     * Creates {@code __consumer_offsets} if it does not exist yet (compacted, replication capped to the live
     * brokers). Returns the topic once it exists; empty if creation failed for now (the caller answers
     * COORDINATOR_NOT_AVAILABLE and the client retries).
     */
    Optional<TopicImage> ensureTopic() {
        Optional<TopicImage> existing = topic();
        if (existing.isPresent()) {
            return existing;
        }
        MetadataImage image = quorum.image();
        long live = image.brokers().values().stream().filter(b -> !b.fenced()).count();
        short replication = (short) Math.max(1, Math.min(config.offsetsTopicReplication(), live));
        try {
            Map<String, TopicOutcome> outcome = topics.create(List.of(new TopicService.Request(
                    GroupConfig.OFFSETS_TOPIC, config.offsetsTopicPartitions(), replication, Map.of(),
                    Map.of("cleanup.policy", "compact",
                            "segment.bytes", Integer.toString(config.offsetsTopicSegmentBytes())))), false);
            outcome.values().forEach(o -> o.error().ifPresent(e ->
                    log.debug("Creating {}: {}", GroupConfig.OFFSETS_TOPIC, e.toString())));
        } catch (ApiException e) {
            log.info("Could not create {} yet: {}", GroupConfig.OFFSETS_TOPIC, e.toString());
        }
        return topic();
    }

    /** The broker leading the partition of {@code groupId}, if the topic exists and has a live leader. */
    Optional<BrokerRegistration> coordinatorOf(String groupId) {
        return topic().flatMap(t -> Optional.ofNullable(t.partitions().get(partitionFor(groupId))))
                .flatMap(p -> Optional.ofNullable(quorum.image().brokers().get(p.leader())))
                .filter(b -> !b.fenced());
    }

    Optional<Partition> partition(int partition) {
        return replicas.partition(new TopicPartition(GroupConfig.OFFSETS_TOPIC, partition));
    }

    /**
     * Appends records (key, value or null for a tombstone) to a partition as its leader in one batch, and
     * returns the end offset (exclusive) to pass to {@link #awaitCommitted}. Called under a group's lock so that
     * the log order is the order of the in-memory changes; the append itself goes to the page cache, not to a
     * remote party.
     *
     * @throws NotCoordinatorException if this node does not lead the partition
     */
    long append(int partition, List<SimpleRecord> records) {
        Partition p = partition(partition).filter(Partition::isLeader).orElseThrow(() ->
                new NotCoordinatorException("This node does not lead " + GroupConfig.OFFSETS_TOPIC + "-" + partition));
        AppendResult result = p.appendAsLeader(MemoryRecords.withRecords(Compression.NONE,
                records.toArray(SimpleRecord[]::new)));
        return result.lastOffset() + 1;
    }

    static SimpleRecord record(byte[] key, byte[] value) {
        return new SimpleRecord(System.currentTimeMillis(), key, value);
    }

    /**
     * Waits, without holding any lock, until the high watermark passes {@code endOffset}
     * ({@code offsets.commit.timeout.ms} at most).
     *
     * @throws TimeoutException if replication did not complete in time
     */
    void awaitCommitted(int partition, long endOffset) {
        Partition p = partition(partition).orElseThrow(() -> new NotCoordinatorException("Partition moved"));
        long deadline = System.nanoTime() + config.commitTimeoutMs() * 1_000_000L;
        try {
            if (!p.awaitCommitted(endOffset, deadline)) {
                throw new TimeoutException("Replication of the group write did not complete in time");
            }
        } catch (NotLeaderOrFollowerException e) {
            throw new NotCoordinatorException("Leadership of " + p.topicPartition() + " moved during a group write");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TimeoutException("Interrupted while waiting for replication");
        }
    }

    /** Replays a partition from its log start offset to its end, in order, to {@code sink}. */
    void replay(Log partitionLog, java.util.function.Consumer<Entry> sink) {
        long offset = partitionLog.logStartOffset();
        long end = partitionLog.logEndOffset();
        while (offset < end) {
            LogReadInfo info = partitionLog.read(offset, READ_CHUNK_BYTES, end, true);
            long next = offset;
            for (RecordBatch batch : info.records().batches()) {
                next = Math.max(next, batch.lastOffset() + 1);
                if (batch.isControlBatch()) {
                    continue;
                }
                for (Record r : batch) {
                    if (r.offset() < offset || !r.hasKey()) {
                        continue;
                    }
                    sink.accept(new Entry(r.key(), r.hasValue() ? Optional.of(r.value()) : Optional.empty()));
                }
            }
            if (next == offset) {
                break;
            }
            offset = next;
        }
    }
}
