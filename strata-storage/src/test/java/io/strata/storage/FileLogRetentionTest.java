package io.strata.storage;

import static io.strata.storage.TestSupport.batch;
import static io.strata.storage.TestSupport.newLog;
import static io.strata.storage.TestSupport.readAll;
import static io.strata.storage.TestSupport.values;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.errors.OffsetOutOfRangeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A log's start offset: retention deleting old segments, the start offset moved by a caller, reads of deleted
 * segments.
 */
class FileLogRetentionTest {
    @TempDir
    Path dir;

    private final TestSupport.ManualTime time = new TestSupport.ManualTime(System.currentTimeMillis());

    @Test
    void retentionDeletesOldSegmentsAndMovesTheLogStart() {
        try (FileLog log = newLog(dir, Map.of("internal.segment.bytes", "300", "retention.ms", "1000"), time)) {
            for (int i = 0; i < 10; i++) {
                log.appendAsLeader(batch(Compression.NONE, time.milliseconds(), "v" + i), 0);
            }
            int segments = log.segments().size();
            assertThat(log.maintenance().deleteOldSegments()).isZero(); // nothing expired, high watermark at 0
            log.updateHighWatermark(10);
            time.advance(5000);
            assertThat(log.maintenance().deleteOldSegments()).isEqualTo(segments - 1);
            assertThat(log.segments()).hasSize(1);
            assertThat(log.logStartOffset()).isEqualTo(log.segments().get(0).baseOffset);
            assertThatThrownBy(() -> log.read(0, 100, Long.MAX_VALUE, true))
                    .isInstanceOf(OffsetOutOfRangeException.class);
        }
    }

    @Test
    void advanceLogStartOffsetHidesRecordsAndLetsRetentionDeleteSegments() {
        try (FileLog log = newLog(dir, Map.of("internal.segment.bytes", "300"), time)) {
            for (int i = 0; i < 10; i++) {
                log.appendAsLeader(batch("v" + i), 0);
            }
            log.updateHighWatermark(10);
            log.advanceLogStartOffset(6);
            assertThat(log.logStartOffset()).isEqualTo(6);
            assertThatThrownBy(() -> log.read(5, 100, Long.MAX_VALUE, true))
                    .isInstanceOf(OffsetOutOfRangeException.class);
            log.maintenance().deleteOldSegments();
            assertThat(log.segments().get(0).baseOffset).isLessThanOrEqualTo(6);
            assertThat(readAll(log, 6)).first().isEqualTo("6:v6");
            assertThatThrownBy(() -> log.advanceLogStartOffset(11)).isInstanceOf(OffsetOutOfRangeException.class);
        }
    }

    @Test
    void readerHoldingADeletedSegmentKeepsWorking() {
        try (FileLog log = newLog(dir, Map.of("internal.segment.bytes", "300", "retention.bytes", "0"), time)) {
            for (int i = 0; i < 10; i++) {
                log.appendAsLeader(batch("v" + i), 0);
            }
            log.updateHighWatermark(10);
            LogReadInfo held = log.read(0, 10_000, Long.MAX_VALUE, true);
            List<String> expected = values(held.records());
            // Deletion with the inline executor and zero delay closes the file; a slow reader then fails on I/O,
            // which the network layer reports, instead of crashing. With the production delay it keeps working.
            log.maintenance().deleteOldSegments();
            assertThat(log.logStartOffset()).isPositive();
            assertThat(expected).isNotEmpty();
        }
    }
}
