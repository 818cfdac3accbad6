package io.strata.storage;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Our own producer-state snapshot format (Kafka's tools cannot read it): a magic number, the CRC32C of the body,
 * then the body: the number of producers and, per producer, its id, epoch, last coordinator epoch, the first offset
 * of its ongoing transaction and its last batches (first and last sequence, first and last offset, max timestamp).
 * The first format, {@code SPS1}, has no coordinator epoch and transaction offset; it is still read, its producers
 * having no open transaction.
 *
 * <p>Stateless and thread-safe.
 */
final class ProducerSnapshotFormat {
    /** The first format, without transaction state. */
    static final int MAGIC_V1 = 0x53505331; // "SPS1"
    /** With each producer's coordinator epoch and ongoing transaction's first offset, as Kafka's snapshots. */
    static final int MAGIC = 0x53505332; // "SPS2"

    private ProducerSnapshotFormat() {
    }

    /** The snapshot of {@code producers}, in the current format. */
    static byte[] encode(Collection<ProducerEntry> producers) {
        int size = 4;
        for (ProducerEntry e : producers) {
            size += 8 + 2 + 4 + 8 + 4 + e.batches().size() * (4 + 4 + 8 + 8 + 8);
        }
        ByteBuffer body = ByteBuffer.allocate(size);
        body.putInt(producers.size());
        for (ProducerEntry e : producers) {
            body.putLong(e.producerId()).putShort(e.epoch()).putInt(e.coordinatorEpoch())
                    .putLong(e.currentTxnFirstOffset()).putInt(e.batches().size());
            for (ProducerBatch b : e.batches()) {
                body.putInt(b.firstSeq()).putInt(b.lastSeq()).putLong(b.firstOffset()).putLong(b.lastOffset())
                        .putLong(b.timestamp());
            }
        }
        body.flip();
        CRC32C crc = new CRC32C();
        crc.update(body.duplicate());
        ByteBuffer out = ByteBuffer.allocate(8 + size);
        out.putInt(MAGIC).putInt((int) crc.getValue()).put(body);
        return out.array();
    }

    /**
     * The producers of a snapshot in either format.
     *
     * @throws IllegalArgumentException when it is not a snapshot or its CRC does not match
     * @throws java.nio.BufferUnderflowException when it is cut short after a matching CRC
     */
    static List<ProducerEntry> decode(byte[] snapshot) {
        ByteBuffer buf = ByteBuffer.wrap(snapshot);
        int magic = buf.remaining() < 12 ? 0 : buf.getInt();
        if (magic != MAGIC && magic != MAGIC_V1) {
            throw new IllegalArgumentException("not a producer snapshot");
        }
        int expectedCrc = buf.getInt();
        CRC32C crc = new CRC32C();
        crc.update(buf.duplicate());
        if ((int) crc.getValue() != expectedCrc) {
            throw new IllegalArgumentException("CRC mismatch");
        }
        int count = buf.getInt();
        List<ProducerEntry> result = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            long pid = buf.getLong();
            short epoch = buf.getShort();
            int coordinatorEpoch = magic == MAGIC ? buf.getInt() : -1;
            long txnFirstOffset = magic == MAGIC ? buf.getLong() : -1;
            int n = buf.getInt();
            List<ProducerBatch> batches = new ArrayList<>(n);
            for (int j = 0; j < n; j++) {
                batches.add(new ProducerBatch(buf.getInt(), buf.getInt(), buf.getLong(), buf.getLong(), buf.getLong()));
            }
            result.add(new ProducerEntry(pid, epoch, batches, coordinatorEpoch, txnFirstOffset));
        }
        return result;
    }
}
