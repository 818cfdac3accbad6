package io.strata.server.replication;

import io.strata.server.cluster.Partition;
import io.strata.storage.EpochEntry;
import io.strata.storage.Log;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntFunction;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData;
import org.apache.kafka.common.message.OffsetForLeaderEpochResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.requests.FetchRequest;
import org.apache.kafka.common.requests.FetchResponse;
import org.apache.kafka.common.requests.OffsetsForLeaderEpochRequest;
import org.apache.kafka.common.requests.OffsetsForLeaderEpochResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replicates the partitions this node follows from one leader broker: on a virtual thread of its own it first
 * truncates each newly followed partition to where it agrees with the leader ({@link FollowerTruncation}, with
 * OffsetForLeaderEpoch), then fetches them all in one Fetch request as a replica, appends the batches as they
 * are, and takes the leader's high watermark. Errors on one partition hold back only that partition; a broken
 * connection is retried after {@code replica.fetch.backoff.ms}.
 *
 * <p>Thread-safety: {@link #follow}, {@link #unfollow} and {@link #close} from any thread; the rest runs on the
 * fetcher's own thread.
 */
final class ReplicaFetcher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ReplicaFetcher.class);

    /** Fetch v12: topic names, the replica id field and leader epochs; every Kafka 2.7+ broker answers it. */
    private static final short FETCH_VERSION = 12;
    private static final short OFFSET_FOR_LEADER_EPOCH_VERSION = 4;

    /** One followed partition: its leader epoch and whether it has been truncated for that epoch. */
    private record Followed(Partition partition, int leaderEpoch, boolean truncated, long retryAtNanos) {
        Followed truncatedNow() {
            return new Followed(partition, leaderEpoch, true, 0);
        }

        Followed delayed(long nanos) {
            return new Followed(partition, leaderEpoch, truncated, System.nanoTime() + nanos);
        }
    }

    private final int localNodeId;
    private final int leaderId;
    private final ReplicationConfig config;
    private final IntFunction<Optional<InetSocketAddress>> endpoints;
    private final Map<TopicPartition, Followed> followed = new ConcurrentHashMap<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Thread thread;
    private volatile boolean closed;
    private BrokerChannel channel;

    ReplicaFetcher(int localNodeId, int leaderId, int index, ReplicationConfig config,
                   IntFunction<Optional<InetSocketAddress>> endpoints) {
        this.localNodeId = localNodeId;
        this.leaderId = leaderId;
        this.config = config;
        this.endpoints = endpoints;
        this.thread = Thread.ofVirtual().name("replica-fetcher-" + leaderId + "-" + index).unstarted(this::run);
    }

    void start() {
        thread.start();
    }

    /** Starts (or restarts, for a new leader epoch) replicating {@code partition} from this fetcher's leader. */
    void follow(Partition partition, int leaderEpoch) {
        followed.compute(partition.topicPartition(), (tp, current) ->
                current != null && current.leaderEpoch() == leaderEpoch && current.partition() == partition
                        ? current : new Followed(partition, leaderEpoch, false, 0));
        signal();
    }

    void unfollow(TopicPartition tp) {
        followed.remove(tp);
    }

    private void signal() {
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void run() {
        while (!closed) {
            try {
                if (!awaitWork()) {
                    continue;
                }
                if (channel == null) {
                    InetSocketAddress address = endpoints.apply(leaderId).orElseThrow(() ->
                            new IOException("Broker " + leaderId + " has no " + config.listenerName() + " endpoint"));
                    channel = BrokerChannel.connect(address, "replica-fetcher-" + localNodeId,
                            config.socketTimeoutMs(), config.clientSecurity());
                }
                truncatePending();
                fetchOnce();
            } catch (IOException | RuntimeException e) {
                if (closed) {
                    break;
                }
                log.info("Fetching from broker {} failed, retrying in {} ms: {}", leaderId, config.fetchBackoffMs(),
                        e.toString());
                disconnect();
                pause(config.fetchBackoffMs());
            }
        }
        disconnect();
    }

    /** Waits until some partition can be fetched; false when woken without one (re-check closed). */
    private boolean awaitWork() {
        long now = System.nanoTime();
        long nextRetry = Long.MAX_VALUE;
        for (Followed f : followed.values()) {
            if (f.retryAtNanos() <= now) {
                return true;
            }
            nextRetry = Math.min(nextRetry, f.retryAtNanos());
        }
        lock.lock();
        try {
            if (!closed) {
                changed.awaitNanos(nextRetry == Long.MAX_VALUE ? TimeUnit.SECONDS.toNanos(1) : nextRetry - now);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closed = true;
        } finally {
            lock.unlock();
        }
        return false;
    }

    private void pause(long millis) {
        lock.lock();
        try {
            if (!closed) {
                changed.await(millis, TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closed = true;
        } finally {
            lock.unlock();
        }
    }

    private void truncatePending() throws IOException {
        for (Followed f : new ArrayList<>(followed.values())) {
            if (!f.truncated() && f.retryAtNanos() <= System.nanoTime()) {
                try {
                    truncate(f);
                    replace(f, f.truncatedNow());
                } catch (ApiException e) {
                    log.debug("Truncation of {} waits: {}", f.partition().topicPartition(), e.toString());
                    replace(f, f.delayed(TimeUnit.MILLISECONDS.toNanos(config.fetchBackoffMs())));
                }
            }
        }
    }

    /** Updates the entry of {@code before}'s partition unless it was replaced or removed meanwhile. */
    private void replace(Followed before, Followed after) {
        followed.replace(before.partition().topicPartition(), before, after);
    }

    private void truncate(Followed f) throws IOException {
        Partition partition = f.partition();
        TopicPartition tp = partition.topicPartition();
        FollowerTruncation.truncate(partition.log(), epoch -> {
            OffsetForLeaderEpochResponseData.EpochEndOffset answer = askEndOffset(tp, f.leaderEpoch(), epoch);
            Errors error = Errors.forCode(answer.errorCode());
            if (error != Errors.NONE) {
                throw error.exception("OffsetForLeaderEpoch of " + tp + " from broker " + leaderId);
            }
            return new EpochEntry(answer.leaderEpoch(), answer.endOffset());
        }, offset -> {
            if (offset < partition.log().logEndOffset()) {
                log.info("Truncating {} from {} to {} to agree with leader {}", tp, partition.log().logEndOffset(),
                        offset, leaderId);
            }
            partition.truncateAsFollower(offset);
        });
    }

    private OffsetForLeaderEpochResponseData.EpochEndOffset askEndOffset(TopicPartition tp, int currentLeaderEpoch,
                                                                      int epoch) throws IOException {
        OffsetForLeaderEpochRequestData.OffsetForLeaderTopicCollection topics =
                new OffsetForLeaderEpochRequestData.OffsetForLeaderTopicCollection();
        OffsetForLeaderEpochRequestData.OffsetForLeaderTopic topic =
                new OffsetForLeaderEpochRequestData.OffsetForLeaderTopic().setTopic(tp.topic());
        topic.partitions().add(new OffsetForLeaderEpochRequestData.OffsetForLeaderPartition()
                .setPartition(tp.partition()).setCurrentLeaderEpoch(currentLeaderEpoch).setLeaderEpoch(epoch));
        topics.add(topic);
        OffsetsForLeaderEpochResponse response = channel.send(OffsetsForLeaderEpochRequest.Builder
                .forFollower(topics, localNodeId).build(OFFSET_FOR_LEADER_EPOCH_VERSION));
        for (OffsetForLeaderEpochResponseData.OffsetForLeaderTopicResult t : response.data().topics()) {
            for (OffsetForLeaderEpochResponseData.EpochEndOffset p : t.partitions()) {
                if (t.topic().equals(tp.topic()) && p.partition() == tp.partition()) {
                    return p;
                }
            }
        }
        throw new IOException("OffsetForLeaderEpoch response of broker " + leaderId + " lacks " + tp);
    }

    private void fetchOnce() throws IOException {
        long now = System.nanoTime();
        Map<TopicPartition, Followed> batch = new LinkedHashMap<>();
        followed.forEach((tp, f) -> {
            if (f.truncated() && f.retryAtNanos() <= now) {
                batch.put(tp, f);
            }
        });
        if (batch.isEmpty()) {
            return;
        }
        FetchRequestData data = new FetchRequestData().setReplicaId(localNodeId)
                .setMaxWaitMs(config.fetchWaitMaxMs()).setMinBytes(config.fetchMinBytes())
                .setMaxBytes(config.fetchResponseMaxBytes()).setIsolationLevel((byte) 0).setSessionId(0)
                .setSessionEpoch(-1);
        Map<String, FetchRequestData.FetchTopic> topics = new LinkedHashMap<>();
        batch.forEach((tp, f) -> {
            Log partitionLog = f.partition().log();
            topics.computeIfAbsent(tp.topic(), t -> new FetchRequestData.FetchTopic().setTopic(t))
                    .partitions().add(new FetchRequestData.FetchPartition().setPartition(tp.partition())
                            .setCurrentLeaderEpoch(f.leaderEpoch()).setFetchOffset(partitionLog.logEndOffset())
                            .setLastFetchedEpoch(partitionLog.latestEpoch().map(EpochEntry::epoch).orElse(-1))
                            .setLogStartOffset(partitionLog.logStartOffset())
                            .setPartitionMaxBytes(config.fetchMaxBytes()));
        });
        data.setTopics(new ArrayList<>(topics.values()));
        FetchResponse response = channel.send(new FetchRequest(data, FETCH_VERSION));
        Errors topLevel = Errors.forCode(response.data().errorCode());
        if (topLevel != Errors.NONE) {
            throw new IOException("Fetch from broker " + leaderId + " failed: " + topLevel);
        }
        for (FetchResponseData.FetchableTopicResponse t : response.data().responses()) {
            for (FetchResponseData.PartitionData p : t.partitions()) {
                Followed f = batch.get(new TopicPartition(t.topic(), p.partitionIndex()));
                if (f != null) {
                    handle(f, p);
                }
            }
        }
    }

    private void handle(Followed f, FetchResponseData.PartitionData p) {
        Partition partition = f.partition();
        Errors error = Errors.forCode(p.errorCode());
        try {
            switch (error) {
                case NONE -> {
                    if (p.records() instanceof MemoryRecords records && records.sizeInBytes() > 0) {
                        partition.appendAsFollower(records, f.leaderEpoch());
                    }
                    partition.updateHighWatermarkAsFollower(p.highWatermark(), f.leaderEpoch());
                }
                case OFFSET_OUT_OF_RANGE -> {
                    // Our log ends below the leader's log start (retention moved on while we were away).
                    if (p.logStartOffset() > partition.log().logEndOffset()) {
                        log.info("Follower {} is behind the leader's log start {}: starting over there",
                                partition.topicPartition(), p.logStartOffset());
                        partition.truncateFullyAsFollower(p.logStartOffset(), f.leaderEpoch());
                    } else {
                        replace(f, new Followed(partition, f.leaderEpoch(), false, 0));
                    }
                }
                default -> {
                    log.debug("Fetch of {} from broker {} answered {}", partition.topicPartition(), leaderId, error);
                    replace(f, f.delayed(TimeUnit.MILLISECONDS.toNanos(config.fetchBackoffMs())));
                }
            }
        } catch (ApiException e) {
            log.info("Replicating {} from broker {} failed: {}", partition.topicPartition(), leaderId, e.toString());
            replace(f, f.delayed(TimeUnit.MILLISECONDS.toNanos(config.fetchBackoffMs())));
        }
    }

    private void disconnect() {
        if (channel != null) {
            channel.close();
            channel = null;
        }
    }

    @Override
    public void close() {
        closed = true;
        signal();
        thread.interrupt();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
