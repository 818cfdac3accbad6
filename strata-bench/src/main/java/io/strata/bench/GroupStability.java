package io.strata.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Which member of one consumer group owns which partition of its topic, as the members' rebalance callbacks
 * report it, and when the group is stable. Times are {@link System#nanoTime()} values passed in by the caller.
 *
 * <p>The group is <em>stable</em> when every member has had at least one {@code onPartitionsAssigned} callback,
 * every partition is owned by exactly one member, and the ownership is balanced (each member owns
 * {@code floor(P/N)} or {@code ceil(P/N)} partitions, as the range, cooperative-sticky and uniform assignors give
 * for one topic). Balance rules out the moment of a cooperative or KIP-848 hand-over when the partitions are still
 * owned once each but one member has yet to revoke a partition that another is waiting for. A stable period starts
 * at the callback that made the group stable and ends at the next callback that breaks it; each period gets a new
 * sequence number.
 *
 * <p>Thread-safe: the callbacks of all members (each on its own polling thread) go through one lock.
 */
final class GroupStability {

    /** Where a run ended: time to stable, per-member time to first assignment, in ms. */
    record Summary(double stableMs, double firstAssignmentP50Ms, double firstAssignmentMaxMs, int events) {
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final int members;
    private final int partitions;
    private final List<Set<Integer>> owned = new ArrayList<>();
    private final int[] owners;
    private final long[] subscribedAt;
    private final long[] firstAssignedAt;
    private final boolean[] called;
    private int calledCount;
    private int events;
    private int periods;
    private long stableSince;
    private boolean stable;

    GroupStability(int members, int partitions) {
        if (members < 1 || partitions < 1) {
            throw new IllegalArgumentException("need at least one member and one partition");
        }
        this.members = members;
        this.partitions = partitions;
        for (int i = 0; i < members; i++) {
            owned.add(new HashSet<>());
        }
        owners = new int[partitions];
        subscribedAt = new long[members];
        firstAssignedAt = new long[members];
        called = new boolean[members];
        Arrays.fill(subscribedAt, Long.MIN_VALUE);
        Arrays.fill(firstAssignedAt, Long.MIN_VALUE);
    }

    /** Member {@code member} called {@code subscribe} at {@code nanos}. */
    void subscribed(int member, long nanos) {
        lock.lock();
        try {
            subscribedAt[member] = nanos;
        } finally {
            lock.unlock();
        }
    }

    /**
     * {@code onPartitionsAssigned}: the member now also owns {@code added}. Returns the sequence number of the stable
     * period this callback starts, if it starts one.
     */
    OptionalInt assigned(int member, Collection<Integer> added, long nanos) {
        lock.lock();
        try {
            if (!called[member]) {
                called[member] = true;
                calledCount++;
            }
            if (!added.isEmpty() && firstAssignedAt[member] == Long.MIN_VALUE) {
                firstAssignedAt[member] = nanos;
            }
            for (int p : added) {
                if (owned.get(member).add(p)) {
                    owners[p]++;
                }
            }
            return evaluate(nanos);
        } finally {
            lock.unlock();
        }
    }

    /** {@code onPartitionsRevoked} or {@code onPartitionsLost}: the member gave up {@code removed}. */
    OptionalInt revoked(int member, Collection<Integer> removed, long nanos) {
        lock.lock();
        try {
            for (int p : removed) {
                if (owned.get(member).remove(p)) {
                    owners[p]--;
                }
            }
            return evaluate(nanos);
        } finally {
            lock.unlock();
        }
    }

    /** When the current stable period started; empty while the group is not stable. */
    OptionalLong stableSince() {
        lock.lock();
        try {
            return stable ? OptionalLong.of(stableSince) : OptionalLong.empty();
        } finally {
            lock.unlock();
        }
    }

    /** Sequence number of the current (or last) stable period; 0 before the first. */
    int period() {
        lock.lock();
        try {
            return periods;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Time from the first subscribe to the start of the current stable period, and the median and maximum over the
     * members that own partitions of the time from their own subscribe to their first non-empty assignment (from a
     * {@link LatencyHistogram}: the bench's one percentile definition, to 0.1 %).
     *
     * @throws IllegalStateException when the group is not stable
     */
    Summary summary() {
        lock.lock();
        try {
            if (!stable) {
                throw new IllegalStateException("not stable: " + describe());
            }
            long t0 = Arrays.stream(subscribedAt).filter(t -> t != Long.MIN_VALUE).min().orElse(stableSince);
            LatencyHistogram firsts = new LatencyHistogram();
            for (int i = 0; i < members; i++) {
                if (firstAssignedAt[i] != Long.MIN_VALUE && subscribedAt[i] != Long.MIN_VALUE) {
                    firsts.recordNanos(firstAssignedAt[i] - subscribedAt[i]);
                }
            }
            LatencyHistogram.Percentiles p = firsts.percentiles();
            return new Summary((stableSince - t0) / 1e6, p.count() == 0 ? Double.NaN : p.p50Nanos() / 1e6,
                    p.count() == 0 ? Double.NaN : p.maxNanos() / 1e6, events);
        } finally {
            lock.unlock();
        }
    }

    /** For a failure message: how far from stable the group is. */
    String describe() {
        lock.lock();
        try {
            int once = 0;
            int unowned = 0;
            for (int o : owners) {
                once += o == 1 ? 1 : 0;
                unowned += o == 0 ? 1 : 0;
            }
            return calledCount + "/" + members + " members had an assignment callback, " + once + "/" + partitions
                    + " partitions owned by exactly one member, " + unowned + " unowned, " + events + " callbacks";
        } finally {
            lock.unlock();
        }
    }

    private OptionalInt evaluate(long nanos) {
        events++;
        boolean now = isStable();
        OptionalInt started = OptionalInt.empty();
        if (now && !stable) {
            periods++;
            stableSince = nanos;
            started = OptionalInt.of(periods);
        }
        stable = now;
        return started;
    }

    private boolean isStable() {
        if (calledCount < members) {
            return false;
        }
        for (int o : owners) {
            if (o != 1) {
                return false;
            }
        }
        int min = partitions / members;
        int max = (partitions + members - 1) / members;
        for (Set<Integer> s : owned) {
            if (s.size() < min || s.size() > max) {
                return false;
            }
        }
        return true;
    }
}
