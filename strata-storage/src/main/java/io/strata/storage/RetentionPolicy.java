package io.strata.storage;

import java.util.List;

/**
 * Decides which of the oldest segments the delete policy removes; a pure function so that it can be tested alone.
 *
 * <p>A prefix of segments is deletable while each one is wholly below the log start offset, or older than
 * {@code retention.ms} by its largest timestamp, or not needed to stay within {@code retention.bytes}. The active
 * (last) segment is never deleted, nor a segment holding offsets at or above the high watermark (those may not be
 * replicated yet). Time and size only apply when {@code cleanup.policy} contains {@code delete}.
 */
final class RetentionPolicy {

    /** What the policy needs to know about a segment. */
    record SegmentStats(long baseOffset, long sizeInBytes, long largestTimestamp) {
    }

    private RetentionPolicy() {
    }

    /** How many of the oldest {@code segments} (ordered by base offset, last one active) to delete. */
    static int deletableCount(List<SegmentStats> segments, long logStartOffset, long highWatermark,
                              LogConfig config, long nowMs) {
        long total = 0;
        for (SegmentStats s : segments) {
            total += s.sizeInBytes();
        }
        boolean byBytes = config.delete() && config.retentionBytes() >= 0;
        long excess = byBytes ? total - config.retentionBytes() : 0;
        int count = 0;
        for (int i = 0; i + 1 < segments.size(); i++) {
            SegmentStats s = segments.get(i);
            long nextBase = segments.get(i + 1).baseOffset();
            if (nextBase > highWatermark) {
                break;
            }
            boolean belowStart = nextBase <= logStartOffset;
            boolean expired = config.delete() && config.retentionMs() >= 0
                    && nowMs - s.largestTimestamp() > config.retentionMs();
            boolean oversize = byBytes && excess >= s.sizeInBytes();
            if (!(belowStart || expired || oversize)) {
                break;
            }
            excess -= s.sizeInBytes();
            count++;
        }
        return count;
    }
}
