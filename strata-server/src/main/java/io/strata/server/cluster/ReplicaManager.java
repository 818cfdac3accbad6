package io.strata.server.cluster;

import io.strata.metadata.MetadataImage;
import io.strata.metadata.PartitionImage;
import io.strata.metadata.TopicImage;
import io.strata.storage.Log;
import io.strata.storage.LogConfig;
import io.strata.storage.LogManager;
import java.util.Collection;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The partitions this node hosts, kept in step with the metadata image: partitions assigned to this node get a log
 * and their leadership, partitions no longer assigned (deleted topics, moved replicas) are closed and deleted, and
 * config changes reach the logs.
 *
 * <p>Thread-safe: lookups are lock-free; {@link #applyImage} is serialized and ignores images older than the last
 * one applied, so it may be called both by the metadata listener and at start-up.
 */
public final class ReplicaManager {

    private static final Logger log = LoggerFactory.getLogger(ReplicaManager.class);

    private final int nodeId;
    private final LogManager logs;
    private final LogConfigResolver configs;
    private final AppendNotifier notifier = new AppendNotifier();
    private final Map<TopicPartition, Partition> partitions = new ConcurrentHashMap<>();
    private final ReentrantLock applyLock = new ReentrantLock();
    private long appliedVersion = -1;

    public ReplicaManager(int nodeId, LogManager logs, LogConfigResolver configs) {
        this.nodeId = nodeId;
        this.logs = logs;
        this.configs = configs;
    }

    public Optional<Partition> partition(TopicPartition tp) {
        return Optional.ofNullable(partitions.get(tp));
    }

    public Collection<Partition> partitions() {
        return partitions.values();
    }

    public AppendNotifier notifier() {
        return notifier;
    }

    public LogConfigResolver configs() {
        return configs;
    }

    /** Brings hosted partitions in line with {@code image}. */
    public void applyImage(MetadataImage image) {
        applyLock.lock();
        try {
            if (image.version() <= appliedVersion) {
                return;
            }
            Set<TopicPartition> assigned = new HashSet<>();
            for (TopicImage topic : image.topicsByName().values()) {
                LogConfig config = null;
                for (Map.Entry<Integer, PartitionImage> e : topic.partitions().entrySet()) {
                    PartitionImage state = e.getValue();
                    if (!state.replicas().contains(nodeId)) {
                        continue;
                    }
                    if (config == null) {
                        config = configs.resolve(image, topic.name());
                    }
                    TopicPartition tp = new TopicPartition(topic.name(), e.getKey());
                    assigned.add(tp);
                    host(topic, tp, state, config);
                }
            }
            for (Log stray : logs.all()) {
                if (!assigned.contains(stray.topicPartition())) {
                    log.info("Deleting log of {}: not assigned to node {} in the metadata", stray.topicPartition(),
                            nodeId);
                    partitions.remove(stray.topicPartition());
                    logs.delete(stray.topicPartition());
                }
            }
            appliedVersion = image.version();
        } finally {
            applyLock.unlock();
        }
        notifier.notifyAppend();
    }

    private void host(TopicImage topic, TopicPartition tp, PartitionImage state, LogConfig config) {
        Partition existing = partitions.get(tp);
        if (existing != null && existing.topicId().equals(topic.id())) {
            existing.update(state);
            if (!existing.log().config().equals(config)) {
                existing.log().updateConfig(config);
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
        partitions.put(tp, new Partition(tp, topic.id(), partitionLog, nodeId, state));
    }
}
