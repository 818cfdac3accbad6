package io.strata.storage;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LogOffsetsTest {

    @Test
    void highWatermarkStartsClampedBetweenLogStartAndLogEnd() {
        assertThat(new LogOffsets(5, 2, 10).get()).isEqualTo(new LogOffsets.Snapshot(5, 5));
        assertThat(new LogOffsets(5, 20, 10).get()).isEqualTo(new LogOffsets.Snapshot(5, 10));
        assertThat(new LogOffsets(5, 7, 10).get()).isEqualTo(new LogOffsets.Snapshot(5, 7));
    }

    @Test
    void theLastStableOffsetIsTheFirstUnstableOneCappedByTheHighWatermark() {
        LogOffsets offsets = new LogOffsets(2, 8, 10);
        assertThat(offsets.get().lastStableOffset()).as("no transaction").isEqualTo(8);
        offsets.setFirstUnstable(5);
        assertThat(offsets.get().lastStableOffset()).isEqualTo(5);
        offsets.maybeIncrementHighWatermark(10, 10);
        assertThat(offsets.get()).isEqualTo(new LogOffsets.Snapshot(2, 10, 5));
        offsets.setFirstUnstable(Long.MAX_VALUE);
        assertThat(offsets.get().lastStableOffset()).isEqualTo(10);
        offsets.setFirstUnstable(1);
        assertThat(offsets.get().lastStableOffset()).as("never below the log start").isEqualTo(2);
    }

    @Test
    void setHighWatermarkMayMoveItBackButNotOutOfRange() {
        LogOffsets offsets = new LogOffsets(5, 8, 10);
        offsets.setHighWatermark(6, 10);
        assertThat(offsets.highWatermark()).isEqualTo(6);
        offsets.setHighWatermark(0, 10);
        assertThat(offsets.highWatermark()).isEqualTo(5);
        offsets.setHighWatermark(99, 10);
        assertThat(offsets.highWatermark()).isEqualTo(10);
    }

    @Test
    void maybeIncrementOnlyMovesForwardAndReportsWhetherItMoved() {
        LogOffsets offsets = new LogOffsets(0, 4, 10);
        assertThat(offsets.maybeIncrementHighWatermark(3, 10)).isFalse();
        assertThat(offsets.maybeIncrementHighWatermark(4, 10)).isFalse();
        assertThat(offsets.highWatermark()).isEqualTo(4);
        assertThat(offsets.maybeIncrementHighWatermark(50, 10)).isTrue();
        assertThat(offsets.highWatermark()).isEqualTo(10);
        assertThat(offsets.maybeIncrementHighWatermark(50, 10)).isFalse();
    }

    @Test
    void movingTheLogStartPullsTheHighWatermarkUpButNeverDown() {
        LogOffsets offsets = new LogOffsets(0, 4, 10);
        offsets.moveLogStart(2);
        assertThat(offsets.get()).isEqualTo(new LogOffsets.Snapshot(2, 4));
        offsets.moveLogStart(7);
        assertThat(offsets.get()).isEqualTo(new LogOffsets.Snapshot(7, 7));
    }

    @Test
    void truncationLowersTheHighWatermarkOnlyWhenAboveTheNewEnd() {
        LogOffsets offsets = new LogOffsets(0, 6, 10);
        offsets.truncatedTo(8);
        assertThat(offsets.highWatermark()).isEqualTo(6);
        offsets.truncatedTo(3);
        assertThat(offsets.get()).isEqualTo(new LogOffsets.Snapshot(0, 3));
        offsets.startOverAt(42);
        assertThat(offsets.get()).isEqualTo(new LogOffsets.Snapshot(42, 42));
    }
}
