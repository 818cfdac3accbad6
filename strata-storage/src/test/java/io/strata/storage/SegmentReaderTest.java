package io.strata.storage;

import static io.strata.storage.TestSupport.values;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.OptionalInt;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MemoryRecordsBuilder;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.Records;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SegmentReaderTest {
    @TempDir
    Path dir;

    private LogSegment segment;
    private SegmentReader reader;
    private int[] sizes;

    /** Three batches: offsets 0-1 (epoch 3), 2-4 (epoch 4), 5 (no epoch), with out-of-order timestamps. */
    @BeforeEach
    void writeBatches() throws Exception {
        MemoryRecords[] batches = {
            batch(0, 3, new long[] {100, 200}),
            batch(2, 4, new long[] {150, 300, 250}),
            batch(5, RecordBatch.NO_PARTITION_LEADER_EPOCH, new long[] {50}),
        };
        segment = LogSegment.createCleaned(dir, 0, 1 << 16);
        sizes = new int[batches.length];
        for (int i = 0; i < batches.length; i++) {
            sizes[i] = batches[i].sizeInBytes();
            segment.appendCleaned(batches[i], 0);
        }
        reader = new SegmentReader(segment.records(), segment.offsetIndex(), segment.timeIndex());
    }

    @AfterEach
    void close() throws Exception {
        segment.close();
    }

    private static MemoryRecords batch(long baseOffset, int leaderEpoch, long[] timestamps) {
        MemoryRecordsBuilder builder = MemoryRecords.builder(ByteBuffer.allocate(512), RecordBatch.CURRENT_MAGIC_VALUE,
                Compression.NONE, TimestampType.CREATE_TIME, baseOffset, RecordBatch.NO_TIMESTAMP,
                RecordBatch.NO_PRODUCER_ID, RecordBatch.NO_PRODUCER_EPOCH, RecordBatch.NO_SEQUENCE, false, leaderEpoch);
        for (int i = 0; i < timestamps.length; i++) {
            builder.append(timestamps[i], null, ("v" + (baseOffset + i)).getBytes());
        }
        return builder.build();
    }

    private int end() {
        return segment.size();
    }

    @Test
    void readsWholeBatchesFromTheOneHoldingTheFetchOffset() throws Exception {
        Records all = reader.read(3, Integer.MAX_VALUE, Long.MAX_VALUE, end(), false);
        assertThat(values(all)).containsExactly("2:v2", "3:v3", "4:v4", "5:v5");
        assertThat(reader.read(6, Integer.MAX_VALUE, Long.MAX_VALUE, end(), false)).isNull();
    }

    @Test
    void stopsBeforeTheBatchHoldingMaxOffsetAndAtMaxPosition() throws Exception {
        assertThat(values(reader.read(0, Integer.MAX_VALUE, 3, end(), false))).containsExactly("0:v0", "1:v1");
        assertThat(reader.read(2, Integer.MAX_VALUE, 3, end(), true).sizeInBytes()).isZero();
        assertThat(values(reader.read(0, Integer.MAX_VALUE, Long.MAX_VALUE, sizes[0] + sizes[1], false)))
                .containsExactly("0:v0", "1:v1", "2:v2", "3:v3", "4:v4");
        assertThat(reader.read(2, Integer.MAX_VALUE, Long.MAX_VALUE, sizes[0], false)).isNull();
    }

    @Test
    void maxBytesCutsAtABatchBoundaryAndMinOneMessageReturnsAnOversizedFirstBatch() throws Exception {
        assertThat(values(reader.read(0, sizes[0] + sizes[1] - 1, Long.MAX_VALUE, end(), false)))
                .containsExactly("0:v0", "1:v1");
        assertThat(reader.read(2, sizes[1] - 1, Long.MAX_VALUE, end(), false).sizeInBytes()).isZero();
        assertThat(values(reader.read(2, sizes[1] - 1, Long.MAX_VALUE, end(), true)))
                .containsExactly("2:v2", "3:v3", "4:v4");
    }

    @Test
    void locatesTheFirstBatchEndingAtOrAfterAnOffset() throws Exception {
        assertThat(reader.locate(3, 0, end())).isEqualTo(new SegmentReader.BatchLocation(sizes[0], sizes[1], 2, 4));
        assertThat(reader.locate(5, 0, end())).isEqualTo(
                new SegmentReader.BatchLocation(sizes[0] + sizes[1], sizes[2], 5, 5));
        assertThat(reader.locate(6, 0, end())).isNull();
    }

    @Test
    void findsTheFirstRecordAtOrAfterATimestampAboveTheMinimumOffset() throws Exception {
        assertThat(reader.findOffsetByTimestamp(150, 0)).contains(new TimestampAndOffset(200, 1, OptionalInt.of(3)));
        assertThat(reader.findOffsetByTimestamp(250, 0)).contains(new TimestampAndOffset(300, 3, OptionalInt.of(4)));
        assertThat(reader.findOffsetByTimestamp(150, 2)).contains(new TimestampAndOffset(150, 2, OptionalInt.of(4)));
        assertThat(reader.findOffsetByTimestamp(10, 5)).contains(new TimestampAndOffset(50, 5, OptionalInt.empty()));
        assertThat(reader.findOffsetByTimestamp(400, 0)).isEmpty();
    }

    @Test
    void findsTheRecordCarryingAKnownTimestampInItsBatch() throws Exception {
        assertThat(reader.recordWithTimestamp(300, 3)).contains(new TimestampAndOffset(300, 3, OptionalInt.of(4)));
        assertThat(reader.recordWithTimestamp(999, 3)).contains(new TimestampAndOffset(999, 4, OptionalInt.of(4)));
        assertThat(reader.recordWithTimestamp(300, 6)).isEmpty();
    }
}
