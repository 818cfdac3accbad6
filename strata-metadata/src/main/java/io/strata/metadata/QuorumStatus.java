package io.strata.metadata;

import java.util.List;
import java.util.OptionalLong;

/**
 * The metadata quorum as its Raft leader (the active controller) sees it: only the leader knows how far each voter
 * has replicated. Offsets are in Kafka's terms over the Raft log: an end offset or high watermark is the next log
 * index (the last index + 1), so a voter's lag is the leader's log end offset minus its own.
 *
 * @param leaderId      the node id of the Raft leader
 * @param leaderEpoch   the Raft term of that leader
 * @param highWatermark the commit index + 1
 * @param voters        every voter, the leader included
 * @param observers     nodes that follow the log without voting (Ratis listeners: broker-only nodes)
 */
public record QuorumStatus(int leaderId, int leaderEpoch, long highWatermark, List<ReplicaProgress> voters,
                           List<ReplicaProgress> observers) {

    public QuorumStatus {
        voters = List.copyOf(voters);
        observers = List.copyOf(observers);
    }

    /**
     * One replica of the metadata log.
     *
     * @param logEndOffset          the last index the leader knows the replica to hold + 1; -1 if unknown
     * @param lastFetchTimestamp    leader wall-clock time of the replica's last reply to the leader (the leader's own:
     *                              now)
     * @param lastCaughtUpTimestamp leader wall-clock time at which the replica was last known to hold the leader's
     *                              whole log (the leader's own: now); empty if the replica is behind now, since the
     *                              Raft library keeps no history of when it last caught up
     */
    public record ReplicaProgress(int nodeId, long logEndOffset, OptionalLong lastFetchTimestamp,
                                  OptionalLong lastCaughtUpTimestamp) {
    }
}
