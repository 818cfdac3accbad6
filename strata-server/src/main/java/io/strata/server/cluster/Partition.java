package io.strata.server.cluster;

import io.strata.metadata.PartitionImage;
import io.strata.storage.AppendResult;
import io.strata.storage.Log;
import java.util.List;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.FencedLeaderEpochException;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.UnknownLeaderEpochException;
import org.apache.kafka.common.record.internal.MemoryRecords;

/**
 * A partition hosted on this node: its log and its leadership as of the latest metadata image.
 *
 * <p>Thread-safety: leadership is an immutable {@link PartitionImage} published through a volatile field; the log
 * is thread-safe. The high watermark advances to the minimum log end offset of the in-sync replicas; until
 * followers replicate (a later stage), a leader whose ISR is itself advances it on every append.
 */
public final class Partition {

    private final TopicPartition topicPartition;
    private final Uuid topicId;
    private final Log log;
    private final int localNodeId;
    private volatile PartitionImage state;

    Partition(TopicPartition topicPartition, Uuid topicId, Log log, int localNodeId, PartitionImage state) {
        this.topicPartition = topicPartition;
        this.topicId = topicId;
        this.log = log;
        this.localNodeId = localNodeId;
        this.state = state;
    }

    public TopicPartition topicPartition() {
        return topicPartition;
    }

    public Uuid topicId() {
        return topicId;
    }

    public Log log() {
        return log;
    }

    public PartitionImage state() {
        return state;
    }

    public boolean isLeader() {
        return state.leader() == localNodeId;
    }

    public int leaderEpoch() {
        return state.leaderEpoch();
    }

    void update(PartitionImage image) {
        this.state = image;
        maybeAdvanceHighWatermark();
    }

    /**
     * Checks that this node leads the partition in the epoch the client believes current
     * ({@code -1}: the client does not know the epoch).
     */
    public void checkLeader(int currentLeaderEpoch) {
        PartitionImage s = state;
        if (s.leader() != localNodeId) {
            throw new NotLeaderOrFollowerException("Node " + localNodeId + " does not lead " + topicPartition);
        }
        checkEpoch(s, currentLeaderEpoch);
    }

    private void checkEpoch(PartitionImage s, int currentLeaderEpoch) {
        if (currentLeaderEpoch >= 0 && currentLeaderEpoch < s.leaderEpoch()) {
            throw new FencedLeaderEpochException("Leader epoch " + currentLeaderEpoch + " of " + topicPartition
                    + " is older than the current " + s.leaderEpoch());
        }
        if (currentLeaderEpoch > s.leaderEpoch()) {
            throw new UnknownLeaderEpochException("Leader epoch " + currentLeaderEpoch + " of " + topicPartition
                    + " is newer than the current " + s.leaderEpoch());
        }
    }

    /** Appends a produce request's records as leader and advances the high watermark where the ISR allows. */
    public AppendResult appendAsLeader(MemoryRecords records) {
        PartitionImage s = state;
        if (s.leader() != localNodeId) {
            throw new NotLeaderOrFollowerException("Node " + localNodeId + " does not lead " + topicPartition);
        }
        AppendResult result = log.appendAsLeader(records, s.leaderEpoch());
        maybeAdvanceHighWatermark();
        return result;
    }

    /** Whether a write up to {@code endOffset} (exclusive) is committed, i.e. below the high watermark. */
    public boolean isCommitted(long endOffset) {
        return log.highWatermark() >= endOffset;
    }

    private void maybeAdvanceHighWatermark() {
        List<Integer> isr = state.isr();
        if (state.leader() == localNodeId && isr.size() == 1 && isr.get(0) == localNodeId) {
            long leo = log.logEndOffset();
            if (log.highWatermark() < leo) {
                log.updateHighWatermark(leo);
            }
        }
    }

    @Override
    public String toString() {
        return topicPartition + "(" + topicId + ")";
    }
}
