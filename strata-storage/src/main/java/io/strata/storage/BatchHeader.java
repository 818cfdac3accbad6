package io.strata.storage;

import java.nio.ByteBuffer;

/**
 * The layout of a Kafka v2 record batch header and a reusable, read-only view of one header in a buffer.
 *
 * <p>We read headers ourselves rather than through kafka-clients' batch objects on the scanning paths (recovery,
 * index rebuild, producer-state replay, fetch positioning) because those objects issue one read per field group
 * and allocate per batch; a flyweight over a large sequential buffer keeps recovery of a gigabyte fast.
 *
 * <p>Thread-safety: none; a view belongs to one scanning thread.
 */
final class BatchHeader {
    static final int BASE_OFFSET = 0;
    static final int LENGTH = 8;
    static final int PARTITION_LEADER_EPOCH = 12;
    static final int MAGIC = 16;
    static final int CRC = 17;
    static final int ATTRIBUTES = 21;
    static final int LAST_OFFSET_DELTA = 23;
    static final int BASE_TIMESTAMP = 27;
    static final int MAX_TIMESTAMP = 35;
    static final int PRODUCER_ID = 43;
    static final int PRODUCER_EPOCH = 51;
    static final int BASE_SEQUENCE = 53;
    static final int RECORDS_COUNT = 57;
    /** Size of the whole v2 header; the records follow. */
    static final int HEADER_SIZE = 61;
    /** Base offset and length fields, which precede the part counted by the length field. */
    static final int LOG_OVERHEAD = 12;
    /** The smallest legal value of the length field of a v2 batch. */
    static final int MIN_LENGTH = HEADER_SIZE - LOG_OVERHEAD;

    private static final int TRANSACTIONAL_FLAG = 0x10;
    private static final int CONTROL_FLAG = 0x20;

    private ByteBuffer buffer;
    private int at;
    private int filePosition;

    /** Points this view at the header starting at {@code at} in {@code buffer}, found at {@code filePosition}. */
    BatchHeader wrap(ByteBuffer buffer, int at, int filePosition) {
        this.buffer = buffer;
        this.at = at;
        this.filePosition = filePosition;
        return this;
    }

    int filePosition() {
        return filePosition;
    }

    long baseOffset() {
        return buffer.getLong(at + BASE_OFFSET);
    }

    int sizeInBytes() {
        return LOG_OVERHEAD + buffer.getInt(at + LENGTH);
    }

    int partitionLeaderEpoch() {
        return buffer.getInt(at + PARTITION_LEADER_EPOCH);
    }

    byte magic() {
        return buffer.get(at + MAGIC);
    }

    long lastOffset() {
        return baseOffset() + buffer.getInt(at + LAST_OFFSET_DELTA);
    }

    long maxTimestamp() {
        return buffer.getLong(at + MAX_TIMESTAMP);
    }

    long producerId() {
        return buffer.getLong(at + PRODUCER_ID);
    }

    short producerEpoch() {
        return buffer.getShort(at + PRODUCER_EPOCH);
    }

    int baseSequence() {
        return buffer.getInt(at + BASE_SEQUENCE);
    }

    /** The last sequence, wrapping past Integer.MAX_VALUE to 0 as producers do. */
    int lastSequence() {
        return addSequence(baseSequence(), buffer.getInt(at + LAST_OFFSET_DELTA));
    }

    /** The whole batch as a read-only buffer (valid while the underlying buffer is). */
    ByteBuffer batchBytes() {
        ByteBuffer b = buffer.asReadOnlyBuffer();
        b.limit(at + sizeInBytes()).position(at);
        return b.slice();
    }

    boolean isControl() {
        return (buffer.getShort(at + ATTRIBUTES) & CONTROL_FLAG) != 0;
    }

    boolean isTransactional() {
        return (buffer.getShort(at + ATTRIBUTES) & TRANSACTIONAL_FLAG) != 0;
    }

    /** Adds to a producer sequence number with Kafka's wrap-around at Integer.MAX_VALUE. */
    static int addSequence(int sequence, int increment) {
        if (sequence > Integer.MAX_VALUE - increment) {
            return increment - (Integer.MAX_VALUE - sequence) - 1;
        }
        return sequence + increment;
    }
}
