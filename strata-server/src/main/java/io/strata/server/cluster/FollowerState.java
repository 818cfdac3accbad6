package io.strata.server.cluster;

/**
 * What a leader knows of one follower from its fetches (Kafka's {@code ReplicaState}): the follower's log end
 * offset (its fetch offset) and when it was last caught up to the leader's log end. Immutable.
 *
 * @param logEndOffset       the offset the follower last fetched from, -1 before its first fetch
 * @param lastFetchTimeMs    when that fetch arrived
 * @param lastCaughtUpTimeMs the last time its fetch offset reached the leader's log end offset of that moment
 */
public record FollowerState(long logEndOffset, long lastFetchTimeMs, long lastCaughtUpTimeMs) {

    /** A follower not heard from yet, counted as caught up at {@code nowMs} (its grace period starts then). */
    static FollowerState unknown(long nowMs) {
        return new FollowerState(-1, -1, nowMs);
    }

    FollowerState fetched(long fetchOffset, long leaderLogEndOffset, long nowMs) {
        long caughtUp = fetchOffset >= leaderLogEndOffset ? nowMs : lastCaughtUpTimeMs;
        return new FollowerState(fetchOffset, nowMs, caughtUp);
    }
}
