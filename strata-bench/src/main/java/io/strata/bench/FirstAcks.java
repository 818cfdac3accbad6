package io.strata.bench;

import java.util.Collection;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Per partition, when the first write <em>sent after</em> a given moment was acknowledged. Used to time a failover:
 * armed right after the leader is killed, so that an acknowledgement the dead leader had already written to its
 * socket (for a record sent before the kill) cannot count as the new leader's; a record sent after the kill can
 * only be acknowledged by a live leader.
 *
 * <p>Thread-safe: the producer's I/O thread reports acknowledgements while the harness thread arms and reads.
 */
final class FirstAcks {

    private static final long NONE = Long.MIN_VALUE;

    private final AtomicLongArray firstAckNanos;
    private volatile long sentFromNanos = Long.MAX_VALUE;

    FirstAcks(int partitions) {
        firstAckNanos = new AtomicLongArray(partitions);
        for (int p = 0; p < partitions; p++) {
            firstAckNanos.set(p, NONE);
        }
    }

    /** Forgets earlier acknowledgements and from now on records those of writes sent at or after {@code nanos}. */
    void arm(long nanos) {
        // Disarm first, so that no acknowledgement of the previous round lands after the reset.
        sentFromNanos = Long.MAX_VALUE;
        for (int p = 0; p < firstAckNanos.length(); p++) {
            firstAckNanos.set(p, NONE);
        }
        sentFromNanos = nanos;
    }

    /** A write to {@code partition} sent at {@code sentNanos} was acknowledged at {@code ackNanos}. */
    void acked(int partition, long sentNanos, long ackNanos) {
        if (sentNanos >= sentFromNanos) {
            firstAckNanos.compareAndSet(partition, NONE, ackNanos);
        }
    }

    /** When the first write sent after the armed moment was acknowledged on the partition, if one was. */
    OptionalLong firstAck(int partition) {
        long v = firstAckNanos.get(partition);
        return v == NONE ? OptionalLong.empty() : OptionalLong.of(v);
    }

    /** True once every one of {@code partitions} has had such an acknowledgement. */
    boolean allAcked(Collection<Integer> partitions) {
        return partitions.stream().allMatch(p -> firstAck(p).isPresent());
    }
}
