package io.strata.storage;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;

/**
 * The cleaner's map from record key to the offset of its latest record in the dirty part of a log.
 *
 * <p>Keys are copied (the buffers they come from are reused). Memory is bounded by {@code maxBytes}, estimated
 * per entry; the cleaner stops adding segments once the map is full and cleans the rest in a later pass.
 *
 * <p>Thread-safety: none; one map per cleaning.
 */
final class OffsetMap {
    /** Rough heap cost of an entry besides its key bytes (node, boxed offset, buffer object). */
    static final int ENTRY_OVERHEAD = 96;

    private final Map<ByteBuffer, Long> offsets = new HashMap<>();
    private final long maxBytes;
    private long bytes;

    OffsetMap(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    /** Records {@code offset} as the latest for {@code key} (offsets arrive in increasing order). */
    void put(ByteBuffer key, long offset) {
        ByteBuffer copy = ByteBuffer.allocate(key.remaining());
        copy.put(key.duplicate()).flip();
        if (offsets.put(copy, offset) == null) {
            bytes += copy.capacity() + ENTRY_OVERHEAD;
        }
    }

    /** The latest offset of {@code key}, or -1 when the dirty part does not hold it. */
    long latestOffset(ByteBuffer key) {
        Long offset = offsets.get(key);
        return offset == null ? -1 : offset;
    }

    boolean isFull() {
        return bytes >= maxBytes;
    }

    int size() {
        return offsets.size();
    }
}
