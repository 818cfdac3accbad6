package io.strata.storage;

import java.util.List;
import java.util.Map;

/**
 * What the cleaner needs of a log, read consistently under the log's lock ({@link LogMaintenance#cleaningView}).
 *
 * @param segments        every segment by base offset, the last one active
 * @param generation      the truncation count, to be passed back to {@link LogMaintenance#replaceSegments}
 * @param lastDataOffsets per idempotent producer, the last offset of its last data batch: such batches are kept
 *                        (possibly empty) so that the producer state can be rebuilt from the log
 * @param markerEpochs    per producer without a data batch in its current epoch (a marker bumped it), that epoch:
 *                        its markers of that epoch are kept (possibly empty) so that fencing survives a rebuild
 * @param highWatermark   how far the cleaner may go: the last stable offset (the high watermark when no
 *                        transaction is unstable)
 */
record CleaningView(List<LogSegment> segments, long logStartOffset, long highWatermark, long generation,
                    Map<Long, Long> lastDataOffsets, Map<Long, Short> markerEpochs, LogConfig config) {
    LogSegment active() {
        return segments.get(segments.size() - 1);
    }
}
