package io.strata.cli.group;

import io.strata.cli.client.CliException;
import java.time.Instant;
import java.util.Optional;
import org.apache.kafka.common.TopicPartition;

/**
 * Where {@code group reset-offsets} moves a partition's committed offset. Every target is kept within the
 * partition's [earliest, latest] offsets, as Kafka's {@code kafka-consumer-groups.sh --reset-offsets} does, so that
 * the group never starts at an offset that does not exist. Values are immutable and thread-safe.
 */
sealed interface ResetStrategy {

    /** The offsets of one partition the strategies choose from. */
    record PartitionOffsets(TopicPartition partition, long earliest, long latest, Optional<Long> committed,
                            Optional<Long> atTime) {
    }

    /** The new committed offset for {@code p}; fails (exit 1) when the strategy cannot apply to it. */
    long target(PartitionOffsets p);

    /** Whether the strategy needs the offsets at a timestamp (a ListOffsets by time). */
    default Optional<Instant> lookupTime() {
        return Optional.empty();
    }

    private static long clamp(PartitionOffsets p, long offset) {
        return Math.max(p.earliest(), Math.min(p.latest(), offset));
    }

    record ToEarliest() implements ResetStrategy {
        @Override
        public long target(PartitionOffsets p) {
            return p.earliest();
        }
    }

    record ToLatest() implements ResetStrategy {
        @Override
        public long target(PartitionOffsets p) {
            return p.latest();
        }
    }

    record ToOffset(long offset) implements ResetStrategy {
        @Override
        public long target(PartitionOffsets p) {
            return clamp(p, offset);
        }
    }

    /** Moves the committed offset by {@code delta} (negative: back); needs a committed offset to move. */
    record ShiftBy(long delta) implements ResetStrategy {
        @Override
        public long target(PartitionOffsets p) {
            long current = p.committed().orElseThrow(() -> new CliException("cannot shift the offset of "
                    + p.partition() + ": the group has no committed offset there"));
            // Saturating add: a huge shift means "as far as possible", not an overflow.
            long shifted = delta >= 0 ? (current > Long.MAX_VALUE - delta ? Long.MAX_VALUE : current + delta)
                    : (current < Long.MIN_VALUE - delta ? Long.MIN_VALUE : current + delta);
            return clamp(p, shifted);
        }
    }

    /**
     * The first offset whose record has a timestamp at or after {@code time}; the log end offset when no record is
     * that recent (Kafka's choice too: the group then waits for new records).
     */
    record ToDatetime(Instant time) implements ResetStrategy {
        @Override
        public long target(PartitionOffsets p) {
            return clamp(p, p.atTime().filter(o -> o >= 0).orElse(p.latest()));
        }

        @Override
        public Optional<Instant> lookupTime() {
            return Optional.of(time);
        }
    }
}
