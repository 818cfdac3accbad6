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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
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
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The group coordinator's access to {@code __consumer_offsets}: creating the topic, mapping groups to partitions,
 * appending state records as partition leader and learning when they commit, and replaying a partition from its
 * start.
 *
 * <p>Thread-safe: it keeps no state of its own but the waiting threads; appends are serialized by the partition's
 * log.
 */
final class GroupLog implements GroupStore, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(GroupLog.class);
    private static final int READ_CHUNK_BYTES = 1 << 20;

    /** A record read back from the topic: its key and value (empty for a tombstone). */
    private record Entry(ByteBuffer key, Optional<ByteBuffer> value) {
    }

    private final MetadataQuorum quorum;
    private final ReplicaManager replicas;
    private final TopicService topics;
    private final GroupConfig config;
    private final Time time;
    /** Virtual threads waiting for commits; one per write in flight. */
    private final ExecutorService waiters = Executors.newVirtualThreadPerTaskExecutor();

    GroupLog(MetadataQuorum quorum, ReplicaManager replicas, TopicService topics, GroupConfig config, Time time) {
        this.quorum = quorum;
        this.replicas = replicas;
        this.topics = topics;
        this.config = config;
        this.time = time;
    }

    /** Kafka's choice: abs(hashCode) modulo the partition count. */
    @Override
    public int partitionFor(String groupId) {
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

    private Optional<Partition> partition(int partition) {
        return replicas.partition(new TopicPartition(GroupConfig.OFFSETS_TOPIC, partition));
    }

    /**
     * Appends as the partition's leader and waits for the commit on a virtual thread of its own, so that the
     * caller's group lock is held only for the append (which goes to the page cache, not to a remote party).
     */
    @Override
    public CompletableFuture<Void> append(int partition, List<SimpleRecord> records) {
        Optional<Partition> led = partition(partition).filter(Partition::isLeader);
        if (led.isEmpty()) {
            return CompletableFuture.failedFuture(new NotCoordinatorException("This node does not lead "
                    + GroupConfig.OFFSETS_TOPIC + "-" + partition));
        }
        Partition p = led.get();
        long endOffset;
        try {
            AppendResult result = p.appendAsLeader(MemoryRecords.withRecords(Compression.NONE,
                    records.toArray(SimpleRecord[]::new)));
            endOffset = result.lastOffset() + 1;
        } catch (RuntimeException e) {
            // ApiExceptions name the client's error; anything else becomes UNKNOWN_SERVER_ERROR (GroupWriter.cause).
            return CompletableFuture.failedFuture(e);
        }
        long deadline = System.nanoTime() + config.commitTimeoutMs() * 1_000_000L;
        try {
            return CompletableFuture.runAsync(() -> awaitCommitted(p, endOffset, deadline), waiters);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(new NotCoordinatorException("The group coordinator is stopping"));
        }
    }

    /**
     * Waits until the high watermark of {@code p} passes {@code endOffset}; the partition wakes this waiter
     * itself (and the followers' fetches) when it moves.
     *
     * @throws TimeoutException if replication did not complete by the deadline
     */
    private void awaitCommitted(Partition p, long endOffset, long deadlineNanos) {
        try {
            if (!p.awaitCommitted(endOffset, deadlineNanos)) {
                throw new TimeoutException("Replication of the group write did not complete in time");
            }
        } catch (NotLeaderOrFollowerException e) {
            throw new NotCoordinatorException("Leadership of " + p.topicPartition() + " moved during a group write");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TimeoutException("Interrupted while waiting for replication");
        }
    }

    /** Stops waiting for commits: their futures fail as if they had timed out. */
    @Override
    public void close() {
        waiters.shutdownNow();
    }

    @Override
    public Optional<List<ClassicGroup>> load(int partition) {
        Optional<Partition> p = partition(partition);
        if (p.isEmpty()) {
            return Optional.empty();
        }
        Map<String, GroupRecords.GroupValue> groupValues = new HashMap<>();
        Map<String, Map<TopicPartition, GroupRecords.OffsetValue>> offsets = new HashMap<>();
        replay(p.get().log(), entry -> apply(entry, groupValues, offsets));
        Set<String> ids = new HashSet<>(groupValues.keySet());
        ids.addAll(offsets.keySet());
        List<ClassicGroup> groups = new ArrayList<>();
        for (String id : ids) {
            groups.add(GroupSnapshots.restore(id, partition, Optional.ofNullable(groupValues.get(id)),
                    offsets.getOrDefault(id, Map.of()), time));
        }
        return Optional.of(groups);
    }

    /** Folds one record into the latest group values and offsets by group. */
    private static void apply(Entry entry, Map<String, GroupRecords.GroupValue> groupValues,
                              Map<String, Map<TopicPartition, GroupRecords.OffsetValue>> offsets) {
        Optional<GroupRecords.Key> key = GroupRecords.readKey(entry.key());
        if (key.isEmpty()) {
            return;
        }
        Optional<ByteBuffer> value = entry.value();
        switch (key.get()) {
            case GroupRecords.OffsetKey k -> {
                TopicPartition tp = new TopicPartition(k.topic(), k.partition());
                if (value.isPresent()) {
                    offsets.computeIfAbsent(k.group(), g -> new HashMap<>())
                            .put(tp, GroupRecords.readOffsetValue(value.get()));
                } else {
                    Map<TopicPartition, GroupRecords.OffsetValue> m = offsets.get(k.group());
                    if (m != null) {
                        m.remove(tp);
                        if (m.isEmpty()) {
                            offsets.remove(k.group());
                        }
                    }
                }
            }
            case GroupRecords.GroupKey k -> {
                if (value.isPresent()) {
                    groupValues.put(k.group(), GroupRecords.readGroupValue(value.get()));
                } else {
                    groupValues.remove(k.group());
                }
            }
        }
    }

    /** Replays a partition from its log start offset to its end, in order, to {@code sink}. */
    private void replay(Log partitionLog, java.util.function.Consumer<Entry> sink) {
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
