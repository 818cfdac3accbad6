package io.strata.server.cluster;

import io.strata.metadata.ConfigResourceKey;
import io.strata.metadata.MetadataImage;
import io.strata.metadata.MetadataPublisher;
import io.strata.metadata.PartitionImage;
import io.strata.metadata.TopicImage;
import io.strata.metadata.image.ImageDelta;
import io.strata.storage.Log;
import io.strata.storage.LogConfig;
import io.strata.storage.LogManager;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The partitions this node hosts, kept in step with the metadata as a {@link MetadataPublisher}: each delta
 * creates logs for partitions newly assigned here and sets their role, deletes the logs of deleted topics and
 * moved replicas, and pushes config changes to the logs. Work is proportional to the delta, except that a change
 * of the dynamic broker defaults reconfigures every hosted log and the first delta removes stray logs.
 *
 * <p>A partition whose log cannot be created (for example when the process is out of file descriptors) is marked
 * offline alone; the rest of the delta is still applied, and later deltas touching its topic try again.
 *
 * <p>Thread-safety: {@link #publish} runs on the metadata publisher thread only; lookups are lock-free from any
 * thread.
 */
public final class ReplicaManager implements MetadataPublisher, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ReplicaManager.class);

    private final int nodeId;
    private final LogManager logs;
    private final LogConfigResolver configs;
    private final Time time;
    private final ReplicaFollowing following;
    private final IsrChanges isrChanges;
    private final long replicaLagTimeMaxMs;
    private final ScheduledExecutorService isrExpiration;
    private final Map<TopicPartition, Partition> partitions = new ConcurrentHashMap<>();
    private final Map<TopicPartition, Offline> offline = new ConcurrentHashMap<>();

    /**
     * Why a replica is offline here. A log that could not be created is tried again with the next change of its
     * topic; a replica whose log directory failed stays offline until the node restarts (creating it afresh in
     * another directory would present an empty log as the replica), as in Kafka.
     */
    private record Offline(String reason, boolean retry) {
    }
    private volatile long publishedVersion = -1;
    private volatile TransactionMarkerListener markerListener = TransactionMarkerListener.NONE;
    private volatile TransactionVerifier transactionVerifier = TransactionVerifier.NONE;

    /**
     * @param following           replicates the partitions this node follows from their leaders
     * @param isrChanges          where leaders propose ISR changes
     * @param replicaLagTimeMaxMs {@code replica.lag.time.max.ms}; leaders check their followers every half of it
     */
    public ReplicaManager(int nodeId, LogManager logs, LogConfigResolver configs, ReplicaFollowing following,
                          IsrChanges isrChanges, long replicaLagTimeMaxMs, Time time) {
        this.nodeId = nodeId;
        this.logs = logs;
        this.configs = configs;
        this.following = following;
        this.isrChanges = isrChanges;
        this.replicaLagTimeMaxMs = replicaLagTimeMaxMs;
        this.time = time;
        this.isrExpiration = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("isr-expiration").daemon().factory());
        long period = Math.max(1, replicaLagTimeMaxMs / 2);
        isrExpiration.scheduleWithFixedDelay(this::shrinkIsrs, period, period, TimeUnit.MILLISECONDS);
    }

    private void shrinkIsrs() {
        for (Partition p : partitions.values()) {
            try {
                p.maybeShrinkIsr();
            } catch (RuntimeException e) {
                log.warn("ISR check of {} failed", p.topicPartition(), e);
            }
        }
    }

    @Override
    public void close() {
        isrExpiration.shutdownNow();
    }

    /**
     * Registers who learns of transaction markers committed to {@code __consumer_offsets} partitions (the group
     * coordinator); {@link TransactionMarkerListener#NONE} until then.
     */
    public void setTransactionMarkerListener(TransactionMarkerListener listener) {
        this.markerListener = listener;
    }

    public TransactionMarkerListener transactionMarkerListener() {
        return markerListener;
    }

    /**
     * Registers how leaders verify transactional producers' first writes with their coordinator (the transaction
     * coordinator's module); {@link TransactionVerifier#NONE} until then.
     */
    public void setTransactionVerifier(TransactionVerifier verifier) {
        this.transactionVerifier = verifier;
    }

    public TransactionVerifier transactionVerifier() {
        return transactionVerifier;
    }

    @Override
    public String name() {
        return "ReplicaManager";
    }

    /** The hosted partition, if this node has it online. */
    public Optional<Partition> partition(TopicPartition tp) {
        return Optional.ofNullable(partitions.get(tp));
    }

    /**
     * The hosted partition, or the error Kafka answers with.
     *
     * @throws UnknownTopicOrPartitionException if {@code image} has no such partition
     * @throws KafkaStorageException            if this node's replica is offline (its log could not be created, or
     *                                          its log directory failed)
     * @throws NotLeaderOrFollowerException     if this node does not host it
     */
    public Partition partitionOrException(MetadataImage image, TopicPartition tp) {
        boolean known = image.topic(tp.topic()).map(t -> t.partitions().containsKey(tp.partition())).orElse(false);
        if (!known) {
            throw new UnknownTopicOrPartitionException("This server does not host this topic-partition: " + tp);
        }
        Partition partition = partitions.get(tp);
        if (partition != null) {
            return partition;
        }
        Offline why = offline.get(tp);
        if (why != null) {
            throw new KafkaStorageException("The replica of " + tp + " on node " + nodeId + " is offline: "
                    + why.reason());
        }
        throw new NotLeaderOrFollowerException("Node " + nodeId + " does not host " + tp);
    }

    /** As {@link #partitionOrException}, and this node must lead it. */
    public Partition leaderPartitionOrException(MetadataImage image, TopicPartition tp) {
        Partition partition = partitionOrException(image, tp);
        partition.checkLeader(-1);
        return partition;
    }

    public Collection<Partition> partitions() {
        return partitions.values();
    }

    /** The partitions assigned to this node that are offline here, with the reason. A snapshot. */
    public Map<TopicPartition, String> offlinePartitions() {
        Map<TopicPartition, String> reasons = new HashMap<>();
        offline.forEach((tp, why) -> reasons.put(tp, why.reason()));
        return reasons;
    }

    /**
     * Takes the replicas whose logs live in the failed log directory {@code dir} offline: they answer
     * KAFKA_STORAGE_ERROR, stop replicating and wake their waiters, and Metadata reports them offline here.
     */
    public void logDirFailed(Path dir) {
        Path failed = dir.toAbsolutePath().normalize();
        for (Partition p : partitions.values()) {
            if (p.log().dir().toAbsolutePath().normalize().getParent().equals(failed)) {
                TopicPartition tp = p.topicPartition();
                offline.put(tp, new Offline("its log directory " + dir + " failed", false));
                partitions.remove(tp);
                following.unfollow(tp);
                p.fire();
                log.error("Partition {} is offline on node {}: its log directory {} failed", tp, nodeId, dir);
            }
        }
    }

    /** Whether this node's replica of {@code tp} is assigned but offline here. */
    public boolean isOffline(TopicPartition tp) {
        return offline.containsKey(tp);
    }

    public LogConfigResolver configs() {
        return configs;
    }

    /** The metadata version last applied in full. */
    public long publishedVersion() {
        return publishedVersion;
    }

    @Override
    public void publish(ImageDelta delta) {
        MetadataImage image = delta.image();
        for (TopicImage topic : delta.deletedTopics()) {
            for (int index : topic.partitions().keySet()) {
                remove(new TopicPartition(topic.name(), index), topic, "its topic was deleted");
            }
        }
        for (TopicImage topic : delta.changedTopics()) {
            applyTopic(image, topic);
        }
        reconfigure(delta);
        if (publishedVersion < 0) {
            deleteStrays(image);
        }
        publishedVersion = image.version();
    }

    private void applyTopic(MetadataImage image, TopicImage topic) {
        LogConfig config = null;
        for (Map.Entry<Integer, PartitionImage> e : topic.partitions().entrySet()) {
            TopicPartition tp = new TopicPartition(topic.name(), e.getKey());
            PartitionImage state = e.getValue();
            Offline why = offline.get(tp);
            if (why != null && !why.retry()) {
                continue;
            }
            if (!state.replicas().contains(nodeId)) {
                remove(tp, topic, "its replica moved off node " + nodeId);
                continue;
            }
            if (config == null) {
                config = configs.resolve(image, topic.name());
            }
            try {
                host(topic, tp, state, config);
                offline.remove(tp);
            } catch (RuntimeException e2) {
                offline.put(tp, new Offline(String.valueOf(e2.getMessage()), true));
                log.error("Partition {} is offline on node {}: its log could not be opened", tp, nodeId, e2);
            }
        }
    }

    private void host(TopicImage topic, TopicPartition tp, PartitionImage state, LogConfig config) {
        Partition existing = partitions.get(tp);
        if (existing != null && existing.topicId().equals(topic.id())) {
            if (existing.applyState(state)) {
                updateFollowing(existing);
            }
            return;
        }
        Optional<Log> onDisk = logs.get(tp);
        if (onDisk.isPresent() && !onDisk.get().topicId().equals(topic.id())) {
            // A topic of the same name was deleted and created again while this log was around.
            log.info("Deleting log of {} with old topic id {}", tp, onDisk.get().topicId());
            partitions.remove(tp);
            logs.delete(tp);
        }
        Log partitionLog = logs.getOrCreate(tp, topic.id(), config);
        if (!partitionLog.config().equals(config)) {
            partitionLog.updateConfig(config);
        }
        Partition partition = new Partition(tp, topic.id(), partitionLog, nodeId, time, isrChanges,
                replicaLagTimeMaxMs);
        partition.applyState(state);
        partitions.put(tp, partition);
        updateFollowing(partition);
    }

    /** Hands a follower to the replica fetchers, and takes a leader (or leaderless replica) away from them. */
    private void updateFollowing(Partition partition) {
        if (partition.role() instanceof PartitionRole.Follower follower && follower.leaderId() >= 0
                && follower.leaderId() != nodeId) {
            following.follow(partition, follower.leaderId(), follower.leaderEpoch());
        } else {
            following.unfollow(partition.topicPartition());
        }
    }

    /** Closes and deletes this node's replica of {@code tp} if it belongs to {@code topic} (same id). */
    private void remove(TopicPartition tp, TopicImage topic, String why) {
        offline.remove(tp);
        Partition hosted = partitions.get(tp);
        boolean ours = hosted != null ? hosted.topicId().equals(topic.id())
                : logs.get(tp).map(l -> l.topicId().equals(topic.id())).orElse(false);
        if (!ours) {
            return;
        }
        log.info("Deleting log of {}: {}", tp, why);
        following.unfollow(tp);
        if (hosted != null) {
            partitions.remove(tp);
            hosted.stop();
        }
        logs.delete(tp);
    }

    /** Pushes changed topic configs, or every config when the broker-level dynamic defaults changed. */
    private void reconfigure(ImageDelta delta) {
        Set<String> topics = new HashSet<>();
        boolean all = false;
        String self = Integer.toString(nodeId);
        for (ConfigResourceKey key : delta.changedConfigs()) {
            if (key.type() == ConfigResourceKey.Type.TOPIC) {
                topics.add(key.name());
            } else if (key.type() == ConfigResourceKey.Type.BROKER && (key.name().isEmpty()
                    || key.name().equals(self))) {
                all = true;
            }
        }
        if (!all && topics.isEmpty()) {
            return;
        }
        MetadataImage image = delta.image();
        Map<String, LogConfig> resolved = new HashMap<>();
        for (Partition p : partitions.values()) {
            String topic = p.topicPartition().topic();
            if (all || topics.contains(topic)) {
                LogConfig config = resolved.computeIfAbsent(topic, t -> configs.resolve(image, t));
                if (!p.log().config().equals(config)) {
                    p.log().updateConfig(config);
                }
            }
        }
    }

    /** Deletes logs on disk that the metadata does not assign to this node (topics deleted while it was down). */
    private void deleteStrays(MetadataImage image) {
        for (Log stray : logs.all()) {
            TopicPartition tp = stray.topicPartition();
            boolean assigned = image.topic(tp.topic())
                    .filter(t -> t.id().equals(stray.topicId()))
                    .map(t -> t.partitions().get(tp.partition()))
                    .map(p -> p.replicas().contains(nodeId))
                    .orElse(false);
            if (!assigned) {
                log.info("Deleting log of {}: not assigned to node {} in the metadata", tp, nodeId);
                partitions.remove(tp);
                logs.delete(tp);
            }
        }
    }
}
