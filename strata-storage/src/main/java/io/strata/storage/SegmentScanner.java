package io.strata.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.zip.CRC32C;
import org.apache.kafka.common.record.internal.RecordBatch;

/**
 * Walks the batches of a segment file sequentially with large reads, optionally verifying each batch's CRC32C.
 *
 * <p>Recovery speed depends on this: it reads the file in chunks of up to {@value #CHUNK} bytes into one direct
 * buffer (a batch larger than that grows the buffer) and checks batches in place, without per-batch objects. The
 * first structurally invalid or corrupt batch stops the walk and its position is where the file gets truncated.
 *
 * <p>Thread-safety: none; one scanner per thread.
 */
final class SegmentScanner {
    static final int CHUNK = 1 << 20;

    enum Status { BATCH, END, INVALID }

    private final FileChannel channel;
    private final int end;
    private final boolean verifyCrc;
    private final BatchHeader header = new BatchHeader();
    private final CRC32C crc = new CRC32C();
    private ByteBuffer buf;
    private int bufStart;
    private int next;
    private int current;
    private String problem;

    SegmentScanner(FileChannel channel, int from, int end, boolean verifyCrc) {
        this.channel = channel;
        this.end = end;
        this.verifyCrc = verifyCrc;
        this.next = from;
        this.buf = ByteBuffer.allocateDirect(Math.max(BatchHeader.HEADER_SIZE, Math.min(CHUNK, end - from)));
        this.buf.limit(0);
        this.bufStart = from;
    }

    /** Advances to the next batch; on {@link Status#INVALID}, {@link #position()} is the first bad byte. */
    Status next() throws IOException {
        int pos = next;
        current = pos;
        if (pos >= end) {
            return Status.END;
        }
        if (!fill(pos, BatchHeader.LOG_OVERHEAD)) {
            return invalid("torn batch header");
        }
        int length = buf.getInt(pos - bufStart + BatchHeader.LENGTH);
        if (length < BatchHeader.MIN_LENGTH) {
            return invalid("batch length " + length + " below the v2 minimum");
        }
        long size = BatchHeader.LOG_OVERHEAD + (long) length;
        if (pos + size > end) {
            return invalid("batch of " + size + " bytes runs past the end of the file");
        }
        if (!fill(pos, (int) size)) {
            return invalid("torn batch");
        }
        int rel = pos - bufStart;
        header.wrap(buf, rel, pos);
        if (header.magic() != RecordBatch.MAGIC_VALUE_V2) {
            return invalid("magic " + header.magic());
        }
        if (header.lastOffset() < header.baseOffset()) {
            return invalid("negative last offset delta");
        }
        if (verifyCrc) {
            ByteBuffer body = buf.duplicate();
            body.limit(rel + (int) size).position(rel + BatchHeader.ATTRIBUTES);
            crc.reset();
            crc.update(body);
            if ((int) crc.getValue() != buf.getInt(rel + BatchHeader.CRC)) {
                return invalid("CRC mismatch");
            }
        }
        next = pos + (int) size;
        return Status.BATCH;
    }

    private Status invalid(String why) {
        problem = why;
        return Status.INVALID;
    }

    /** Makes bytes [pos, pos + n) available in the buffer; false if the file ends first. */
    private boolean fill(int pos, int n) throws IOException {
        if (pos >= bufStart && pos + n <= bufStart + buf.limit()) {
            return true;
        }
        if (n > buf.capacity()) {
            buf = ByteBuffer.allocateDirect(n);
        }
        buf.clear();
        buf.limit(Math.min(buf.capacity(), end - pos));
        bufStart = pos;
        while (buf.hasRemaining()) {
            int read = channel.read(buf, (long) pos + buf.position());
            if (read < 0) {
                break;
            }
        }
        buf.flip();
        return buf.limit() >= n;
    }

    /** The current batch's header; valid until the next call of {@link #next()}. */
    BatchHeader header() {
        return header;
    }

    /** File position of the current batch (or of the invalid bytes, or the end). */
    int position() {
        return current;
    }

    String problem() {
        return problem;
    }
}
