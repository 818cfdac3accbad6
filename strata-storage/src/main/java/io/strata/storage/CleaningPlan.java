package io.strata.storage;

import java.io.IOException;
import java.util.List;

/**
 * Which part of a compacted log is cleanable now and how dirty it is; a pure function of a
 * {@link CleaningView} so that the cleaner's choice can be tested alone.
 *
 * <p>The cleanable part is made of whole inactive segments below the high watermark; with
 * {@code min.compaction.lag.ms} it stops at the first dirty segment holding a record younger than the lag. It is
 * "clean" below {@code firstDirty} (the previous cleaning's end, from {@code cleaner-offset-checkpoint}) and dirty
 * from there to {@code cleanableEnd}. The dirty ratio is dirty bytes over clean plus dirty bytes, as in Kafka.
 *
 * @param firstDirty   where the dirty part starts (clamped into the log)
 * @param cleanableEnd the base offset of the first segment that may not be cleaned now
 * @param cleanBytes   bytes of the segments wholly below firstDirty
 * @param dirtyBytes   bytes of the cleanable segments from firstDirty
 * @param overdue      the first dirty segment's first batch is older than {@code max.compaction.lag.ms}
 */
record CleaningPlan(long firstDirty, long cleanableEnd, long cleanBytes, long dirtyBytes, boolean overdue) {

    double dirtyRatio() {
        long total = cleanBytes + dirtyBytes;
        return total == 0 ? 0 : (double) dirtyBytes / total;
    }

    /** Whether the dirty part is worth cleaning by {@code min.cleanable.dirty.ratio} or overdue. */
    boolean worthCleaning(LogConfig config) {
        return dirtyBytes > 0 && (overdue || dirtyRatio() >= config.minCleanableDirtyRatio());
    }

    static CleaningPlan of(CleaningView view, long checkpoint, long nowMs) throws IOException {
        List<LogSegment> segments = view.segments();
        LogConfig config = view.config();
        long activeBase = view.active().baseOffset;
        long firstDirty = checkpoint < view.logStartOffset() || checkpoint > activeBase
                ? view.logStartOffset() : checkpoint;
        long limit = Math.min(activeBase, view.highWatermark());
        long cleanableEnd = segments.get(0).baseOffset;
        long cleanBytes = 0;
        long dirtyBytes = 0;
        boolean overdue = false;
        boolean firstDirtySegment = true;
        for (int i = 0; i + 1 < segments.size(); i++) {
            LogSegment seg = segments.get(i);
            long next = segments.get(i + 1).baseOffset;
            if (next > limit) {
                break;
            }
            if (next <= firstDirty) {
                cleanBytes += seg.size();
                cleanableEnd = next;
                continue;
            }
            if (config.minCompactionLagMs() > 0 && seg.largestTimestamp() > nowMs - config.minCompactionLagMs()) {
                break;
            }
            if (firstDirtySegment) {
                firstDirtySegment = false;
                long first = seg.firstBatchTimestamp();
                overdue = config.maxCompactionLagMs() < Long.MAX_VALUE && first >= 0
                        && nowMs - first > config.maxCompactionLagMs();
            }
            dirtyBytes += seg.size();
            cleanableEnd = next;
        }
        return new CleaningPlan(firstDirty, cleanableEnd, cleanBytes, dirtyBytes, overdue);
    }
}
