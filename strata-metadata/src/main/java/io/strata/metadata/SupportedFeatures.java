package io.strata.metadata;

import java.util.Map;
import java.util.Optional;

/**
 * The features a node's software can run, each with the range of levels it supports (ApiVersions' supported
 * features, KIP-584), and the node's id, which Kafka's refusals name. A feature absent from {@code ranges} is
 * supported at level 0 only (off), as Kafka treats a feature it does not know. Immutable.
 */
public record SupportedFeatures(int nodeId, Map<String, Range> ranges) {

    public SupportedFeatures {
        ranges = Map.copyOf(ranges);
    }

    /** Levels {@code min} to {@code max}, both included. */
    public record Range(short min, short max) {

        public Range {
            if (min < 0 || max < min) {
                throw new IllegalArgumentException("Invalid level range " + min + "-" + max);
            }
        }

        public boolean contains(short level) {
            return level >= min && level <= max;
        }

        /** As Kafka writes a range in its messages: {@code 1} for one level, else {@code 0-2}. */
        @Override
        public String toString() {
            return min == max ? Short.toString(min) : min + "-" + max;
        }
    }

    /** Why this node cannot run {@code feature} at {@code level}, in Kafka's words; empty if it can. */
    public Optional<String> reasonNotSupported(String feature, short level) {
        Range range = ranges.getOrDefault(feature, new Range((short) 0, (short) 0));
        if (range.contains(level)) {
            return Optional.empty();
        }
        String node = "Local controller " + nodeId;
        return Optional.of(range.max() == 0 ? node + " does not support this feature."
                : node + " only supports versions " + range);
    }
}
