package io.strata.server.coordinator;

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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.NotCoordinatorException;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.record.internal.ControlRecordType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A coordinator's access to its compacted internal topic ({@code __consumer_offsets}, {@code __transaction_state}):
 * creating it, mapping keys to partitions and partitions to their leaders, appending as partition leader and
 * learning when the records commit, and replaying a partition from its start. The group and transaction
 * coordinators each own one.
 *
 * <p>Thread-safe: it keeps no state of its own but the threads waiting for commits; appends are serialized by the
 * partition's log.
 */
public final class CoordinatorLog implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(CoordinatorLog.class);
    private static final int READ_CHUNK_BYTES = 1 << 20;

    /**
     * The internal topic.
     *
     * @param name            its name
     * @param partitions      its partition count when this node creates it
     * @param replication     its replication factor (capped to the live brokers at creation)
     * @param configs         its topic configs (compaction, segment size)
     * @param minInsyncReplicas its {@code min.insync.replicas}, capped to the replication it is created with; 0 for
     *                        the broker default
     * @param commitTimeoutMs how long an append may wait for replication
     */
    public record Topic(String name, int partitions, short replication, Map<String, String> configs,
                        int minInsyncReplicas, int commitTimeoutMs) {
        public Topic {
            configs = Map.copyOf(configs);
        }
    }

    /** What a replay yields, in log order. */
    public sealed interface Entry {
    }

    /**
     * A record with a key; {@code value} is empty for a tombstone. {@code producerId} is the batch's, and
     * {@code transactional} whether it belongs to a transaction (it then counts only once its marker commits).
     */
    public record DataEntry(ByteBuffer key, Optional<ByteBuffer> value, long producerId, boolean transactional)
            implements Entry {
    }

    /** A transaction marker written for {@code producerId}. */
    public record MarkerEntry(long producerId, boolean commit) implements Entry {
    }

    private final Topic topic;
    private final MetadataQuorum quorum;
    private final ReplicaManager replicas;
    private final TopicService topics;
    private final ReentrantLock transactionalAppends = new ReentrantLock();
    /** Virtual threads waiting for commits; one per write in flight. */
    private final ExecutorService waiters = Executors.newVirtualThreadPerTaskExecutor();

    public CoordinatorLog(Topic topic, MetadataQuorum quorum, ReplicaManager replicas, TopicService topics) {
        this.topic = topic;
        this.quorum = quorum;
        this.replicas = replicas;
        this.topics = topics;
    }

    /** Kafka's choice: abs(hashCode) modulo the partition count (of the topic if it exists, else the config's). */
    public int partitionFor(String key) {
        int partitions = topic().map(t -> t.partitions().size()).orElse(topic.partitions());
        return partitionFor(key, partitions);
    }

    /** Kafka's {@code Utils.abs(key.hashCode) % partitions}: Integer.MIN_VALUE maps to 0 rather than negative. */
    public static int partitionFor(String key, int partitions) {
        int hash = key.hashCode();
        return (hash == Integer.MIN_VALUE ? 0 : Math.abs(hash)) % partitions;
    }

    public Optional<TopicImage> topic() {
        return quorum.image().topic(topic.name());
    }

    /**
     * Creates the topic if it does not exist yet. Returns the topic once it exists; empty if creation failed for
     * now (the caller answers COORDINATOR_NOT_AVAILABLE and the client retries).
     */
    public Optional<TopicImage> ensureTopic() {
        Optional<TopicImage> existing = topic();
        if (existing.isPresent()) {
            return existing;
        }
        MetadataImage image = quorum.image();
        long live = image.brokers().values().stream().filter(b -> !b.fenced()).count();
        short replication = (short) Math.max(1, Math.min(topic.replication(), live));
        Map<String, String> configs = new HashMap<>(topic.configs());
        if (topic.minInsyncReplicas() > 0) {
            // Capped like the replication, so that a cluster smaller than the defaults assume can still write.
            configs.put("min.insync.replicas", Integer.toString(Math.min(topic.minInsyncReplicas(), replication)));
        }
        try {
            Map<String, TopicOutcome> outcome = topics.create(List.of(new TopicService.Request(
                    topic.name(), topic.partitions(), replication, Map.of(), configs)), false);
            outcome.values().forEach(o -> o.error().ifPresent(e ->
                    log.debug("Creating {}: {}", topic.name(), e.toString())));
        } catch (ApiException e) {
            log.info("Could not create {} yet: {}", topic.name(), e.toString());
        }
        return topic();
    }

    /** The broker leading the partition of {@code key}, if the topic exists and has a live leader. */
    public Optional<BrokerRegistration> coordinatorOf(String key) {
        return topic().flatMap(t -> Optional.ofNullable(t.partitions().get(partitionFor(key))))
                .flatMap(p -> Optional.ofNullable(quorum.image().brokers().get(p.leader())))
                .filter(b -> !b.fenced());
    }

    private Optional<Partition> partition(int partition) {
        return replicas.partition(new TopicPartition(topic.name(), partition));
    }

    /**
     * Appends {@code records} as the partition's leader and waits for their commit on a virtual thread of its own,
     * so that the caller's lock is held only for the append (which goes to the page cache). Never throws.
     *
     * @return completes once the high watermark passed the records; fails with {@link NotCoordinatorException} if
     *         this node does not lead the partition (or stops leading it meanwhile), {@link TimeoutException} if
     *         replication did not complete within the commit timeout, or the append's own error
     */
    public CompletableFuture<Void> append(int partition, MemoryRecords records) {
        Optional<Partition> led = partition(partition).filter(Partition::isLeader);
        if (led.isEmpty()) {
            return CompletableFuture.failedFuture(new NotCoordinatorException("This node does not lead "
                    + topic.name() + "-" + partition));
        }
        Partition p = led.get();
        long endOffset;
        try {
            AppendResult result = p.appendAsLeader(records);
            endOffset = result.lastOffset() + 1;
        } catch (RuntimeException e) {
            // ApiExceptions name the client's error; the caller maps anything else to UNKNOWN_SERVER_ERROR.
            return CompletableFuture.failedFuture(e);
        }
        long deadline = System.nanoTime() + topic.commitTimeoutMs() * 1_000_000L;
        try {
            return CompletableFuture.runAsync(() -> awaitCommitted(p, endOffset, deadline), waiters);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(new NotCoordinatorException("The coordinator is stopping"));
        }
    }

    /**
     * As {@link #append}, for records of one transactional batch of {@code producerId} (TxnOffsetCommit): the
     * batch gets the sequence that follows the producer's last one in this partition (0 for a new epoch), since
     * the partition checks sequences as for any idempotent producer. Appends of this kind are serialized, so that
     * two never take the same sequence.
     */
    public CompletableFuture<Void> appendTransactional(int partition, long producerId, short producerEpoch,
                                                       SimpleRecord... records) {
        transactionalAppends.lock();
        try {
            int sequence = partition(partition).flatMap(p -> p.log().activeProducers().stream()
                    .filter(a -> a.producerId() == producerId && a.producerEpoch() == producerEpoch).findFirst())
                    .map(a -> a.lastSequence() == Integer.MAX_VALUE ? 0 : a.lastSequence() + 1).orElse(0);
            return append(partition, MemoryRecords.withTransactionalRecords(Compression.NONE, producerId,
                    producerEpoch, sequence, records));
        } finally {
            transactionalAppends.unlock();
        }
    }

    /**
     * Waits until the high watermark of {@code p} passes {@code endOffset}; the partition wakes this waiter itself
     * when it moves.
     */
    private void awaitCommitted(Partition p, long endOffset, long deadlineNanos) {
        try {
            if (!p.awaitCommitted(endOffset, deadlineNanos)) {
                throw new TimeoutException("Replication of the coordinator write did not complete in time");
            }
        } catch (NotLeaderOrFollowerException e) {
            throw new NotCoordinatorException("Leadership of " + p.topicPartition() + " moved during a write");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TimeoutException("Interrupted while waiting for replication");
        }
    }

    /**
     * Replays a partition from its log start offset to its end, in order, to {@code sink}: keyed records and
     * transaction markers. False if this node has no log for the partition yet.
     */
    public boolean replay(int partition, Consumer<Entry> sink) {
        Optional<Partition> p = partition(partition);
        if (p.isEmpty()) {
            return false;
        }
        replay(p.get().log(), sink);
        return true;
    }

    private static void replay(Log partitionLog, Consumer<Entry> sink) {
        long offset = partitionLog.logStartOffset();
        long end = partitionLog.logEndOffset();
        while (offset < end) {
            LogReadInfo info = partitionLog.read(offset, READ_CHUNK_BYTES, end, true);
            long next = offset;
            for (RecordBatch batch : info.records().batches()) {
                next = Math.max(next, batch.lastOffset() + 1);
                for (Record r : batch) {
                    if (r.offset() < offset || !r.hasKey()) {
                        continue;
                    }
                    if (batch.isControlBatch()) {
                        ControlRecordType type = ControlRecordType.parse(r.key());
                        if (type == ControlRecordType.COMMIT || type == ControlRecordType.ABORT) {
                            sink.accept(new MarkerEntry(batch.producerId(), type == ControlRecordType.COMMIT));
                        }
                        continue;
                    }
                    sink.accept(new DataEntry(r.key(), r.hasValue() ? Optional.of(r.value()) : Optional.empty(),
                            batch.producerId(), batch.isTransactional()));
                }
            }
            if (next == offset) {
                break;
            }
            offset = next;
        }
    }

    /** Stops waiting for commits: their futures fail as if they had timed out. */
    @Override
    public void close() {
        waiters.shutdownNow();
    }
}
