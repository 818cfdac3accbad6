package io.strata.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

class ProducerSnapshotFormatTest {

    private static final ProducerEntry IDEMPOTENT = new ProducerEntry(7, (short) 2,
            List.of(new ProducerBatch(0, 4, 100, 104, 1_000), new ProducerBatch(5, 5, 110, 110, 2_000)), -1, -1);
    private static final ProducerEntry IN_TRANSACTION = new ProducerEntry(Long.MAX_VALUE, Short.MAX_VALUE,
            List.of(new ProducerBatch(Integer.MAX_VALUE, 3, 200, 209, -1)), 12, 200);
    private static final ProducerEntry EPOCH_ONLY = ProducerEntry.empty(3, (short) 0);

    @Test
    void producersSurviveARoundTrip() {
        byte[] snapshot = ProducerSnapshotFormat.encode(List.of(IDEMPOTENT, IN_TRANSACTION, EPOCH_ONLY));
        assertThat(ByteBuffer.wrap(snapshot).getInt()).isEqualTo(ProducerSnapshotFormat.MAGIC);
        assertThat(ProducerSnapshotFormat.decode(snapshot)).containsExactly(IDEMPOTENT, IN_TRANSACTION, EPOCH_ONLY);
        assertThat(ProducerSnapshotFormat.decode(ProducerSnapshotFormat.encode(List.of()))).isEmpty();
    }

    @Test
    void theFirstFormatLoadsWithNoTransactionOpen() {
        ByteBuffer body = ByteBuffer.allocate(4 + 8 + 2 + 4 + 32);
        body.putInt(1).putLong(9).putShort((short) 3).putInt(1).putInt(0).putInt(0).putLong(0).putLong(0)
                .putLong(10).flip();
        byte[] v1 = withHeader(ProducerSnapshotFormat.MAGIC_V1, body);
        assertThat(ProducerSnapshotFormat.decode(v1)).containsExactly(new ProducerEntry(9, (short) 3,
                List.of(new ProducerBatch(0, 0, 0, 0, 10)), -1, -1));
    }

    @Test
    void anythingElseIsRefused() {
        byte[] good = ProducerSnapshotFormat.encode(List.of(IDEMPOTENT));
        byte[] flipped = good.clone();
        flipped[flipped.length - 1] ^= 1;
        assertThatThrownBy(() -> ProducerSnapshotFormat.decode(flipped))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("CRC mismatch");
        byte[] otherMagic = good.clone();
        otherMagic[0] = 'X';
        assertThatThrownBy(() -> ProducerSnapshotFormat.decode(otherMagic))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("not a producer snapshot");
        assertThatThrownBy(() -> ProducerSnapshotFormat.decode(new byte[8]))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("not a producer snapshot");
        // A body cut short with a CRC that matches what is left: the count promises more than there is.
        ByteBuffer cut = ByteBuffer.wrap(good, 8, good.length - 8 - 8).slice();
        assertThatThrownBy(() -> ProducerSnapshotFormat.decode(withHeader(ProducerSnapshotFormat.MAGIC, cut)))
                .isInstanceOf(RuntimeException.class);
    }

    private static byte[] withHeader(int magic, ByteBuffer body) {
        CRC32C crc = new CRC32C();
        crc.update(body.duplicate());
        return ByteBuffer.allocate(8 + body.remaining()).putInt(magic).putInt((int) crc.getValue()).put(body)
                .array();
    }
}
