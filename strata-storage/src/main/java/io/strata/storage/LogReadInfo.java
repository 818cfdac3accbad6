package io.strata.storage;

import org.apache.kafka.common.record.internal.Records;

/**
 * The result of a read: a (possibly empty) slice of a segment and the log's offsets at the time of the read, the
 * last stable offset read together with the high watermark it was computed from.
 */
public record LogReadInfo(Records records, long logStartOffset, long logEndOffset, long highWatermark,
                          long lastStableOffset) {
}
