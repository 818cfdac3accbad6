package io.strata.bench;

/**
 * When each send of a load is due, and the time its latency counts from.
 *
 * <p>At a fixed rate the latency of a request counts from the time it was <em>scheduled</em>, not from the time
 * it was actually sent: when the system under test stalls, the requests that should have gone out during the
 * stall are late, and their wait is part of what a client at that rate would see. Stamping the actual send time
 * instead would hide the stall behind a single slow sample ("coordinated omission"). A load that runs as fast as
 * possible has no schedule: a request is due when the previous ones let it go, and its latency is its round trip.
 *
 * <p>Instances are used by one sending thread each.
 */
sealed interface Pacing permits Pacing.AsFastAsPossible, Pacing.FixedRate {

    /** Waits until send {@code index} (0-based, consecutive) is due and returns the time it was due. */
    long awaitSend(long index) throws InterruptedException;

    /**
     * The time the latency of a send counts from, given when it was due (from {@link #awaitSend}) and when it
     * actually went out (which may be later: the sender also waits for a free in-flight slot).
     */
    long latencyOrigin(long dueNanos, long sentNanos);

    /** {@code perSecond} sends a second on {@code clock} starting now, or as fast as possible when it is 0. */
    static Pacing of(double perSecond, NanoClock clock) {
        if (perSecond < 0 || Double.isNaN(perSecond)) {
            throw new IllegalArgumentException("rate must be 0 (as fast as possible) or positive: " + perSecond);
        }
        return perSecond == 0 ? new AsFastAsPossible(clock)
                : new FixedRate(clock, clock.nanoTime(), Math.max(1, Math.round(1e9 / perSecond)));
    }

    /** No schedule: every send is due at once and its latency counts from the moment it is sent. */
    record AsFastAsPossible(NanoClock clock) implements Pacing {
        @Override
        public long awaitSend(long index) {
            return clock.nanoTime();
        }

        /** The round trip: a closed loop has no schedule to fall behind. */
        @Override
        public long latencyOrigin(long dueNanos, long sentNanos) {
            return sentNanos;
        }
    }

    /**
     * Send {@code i} is due at {@code startNanos + i * intervalNanos}, however late the sender is; a sender that
     * fell behind sends the overdue requests at once, and each one's latency still counts from its due time.
     */
    record FixedRate(NanoClock clock, long startNanos, long intervalNanos) implements Pacing {
        public FixedRate {
            if (intervalNanos <= 0) {
                throw new IllegalArgumentException("interval must be positive: " + intervalNanos);
            }
        }

        @Override
        public long awaitSend(long index) throws InterruptedException {
            long due = startNanos + index * intervalNanos;
            clock.sleepUntil(due);
            return due;
        }

        /** The schedule: whatever held the send back (a stall, a full in-flight window) is latency. */
        @Override
        public long latencyOrigin(long dueNanos, long sentNanos) {
            return dueNanos;
        }
    }
}
