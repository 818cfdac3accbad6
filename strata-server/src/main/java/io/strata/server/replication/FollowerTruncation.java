package io.strata.server.replication;

import io.strata.storage.EpochEntry;
import io.strata.storage.Log;
import java.io.IOException;
import java.util.Optional;
import java.util.function.IntFunction;
import java.util.function.LongConsumer;

/**
 * Where a follower truncates its log after a leader change, from the leader's OffsetForLeaderEpoch answer
 * (KIP-101 with KIP-279's rounds): the follower asks for the end offset of its latest epoch; if the leader knows
 * that epoch, both logs agree up to the smaller of the two end offsets; if the leader answers with an older epoch,
 * the follower truncates to where it ends that epoch (or the leader's end, if smaller) and asks again with its
 * new latest epoch, until the epochs match. Without any epoch answer it falls back to its high watermark.
 *
 * <p>A pure function of its inputs, so that divergent logs can be tested deterministically.
 */
final class FollowerTruncation {

    /** The answer: truncate to {@code offset}; if not {@code complete}, ask again with the new latest epoch. */
    record Decision(long offset, boolean complete) {
    }

    /** The leader's side of the conversation: its OffsetForLeaderEpoch answer for an epoch. */
    @FunctionalInterface
    interface LeaderEpochEnds {
        /** The leader's (epoch, end offset) for {@code epoch}; {@code (-1, -1)} when it has none. */
        EpochEntry endOffsetFor(int epoch) throws IOException;
    }

    private static final int MAX_ROUNDS = 16;

    private FollowerTruncation() {
    }

    /**
     * Truncates a follower's log until it agrees with its leader: asks for the end of the follower's latest epoch,
     * truncates as {@link #decide} says, and asks again while the answer is incomplete.
     *
     * @param follower   the follower's log (read only here)
     * @param leader     the leader's answers
     * @param truncateTo truncates the follower's log (through its partition, which checks the role)
     * @throws IllegalStateException if the rounds do not converge
     */
    static void truncate(Log follower, LeaderEpochEnds leader, LongConsumer truncateTo) throws IOException {
        for (int round = 0; round < MAX_ROUNDS; round++) {
            Optional<EpochEntry> latest = follower.latestEpoch();
            if (latest.isEmpty()) {
                truncateTo.accept(Math.min(follower.highWatermark(), follower.logEndOffset()));
                return;
            }
            EpochEntry answer = leader.endOffsetFor(latest.get().epoch());
            Decision decision = decide(answer.epoch(), answer.offset(), follower::endOffsetForEpoch,
                    follower.logEndOffset(), follower.highWatermark());
            truncateTo.accept(decision.offset());
            if (decision.complete()) {
                return;
            }
        }
        throw new IllegalStateException("Truncation of " + follower.topicPartition() + " did not converge");
    }

    /**
     * @param leaderEpoch      the epoch in the leader's answer ({@code -1}: undefined)
     * @param leaderEndOffset  the end offset in the leader's answer ({@code -1}: undefined)
     * @param followerEndFor   the follower's own OffsetForLeaderEpoch lookup (largest epoch at or below the
     *                         argument, with its end offset)
     * @param logEndOffset     the follower's log end offset
     * @param highWatermark    the follower's high watermark
     */
    static Decision decide(int leaderEpoch, long leaderEndOffset, IntFunction<Optional<EpochEntry>> followerEndFor,
                           long logEndOffset, long highWatermark) {
        if (leaderEpoch < 0 || leaderEndOffset < 0) {
            return new Decision(Math.min(highWatermark, logEndOffset), true);
        }
        Optional<EpochEntry> ours = followerEndFor.apply(leaderEpoch);
        if (ours.isEmpty()) {
            // Every epoch of ours is newer than the leader's: keep only what the leader has.
            return new Decision(Math.min(leaderEndOffset, logEndOffset), true);
        }
        long offset = Math.min(Math.min(leaderEndOffset, ours.get().offset()), logEndOffset);
        return new Decision(offset, ours.get().epoch() == leaderEpoch);
    }
}
