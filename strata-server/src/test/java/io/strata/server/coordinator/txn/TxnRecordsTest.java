package io.strata.server.coordinator.txn;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class TxnRecordsTest {

    @Test
    void keyIsVersionZeroWithTheTransactionalId() {
        byte[] key = TxnRecords.key("my-id");
        ByteBuffer b = ByteBuffer.wrap(key);
        assertThat(b.getShort()).isZero();
        assertThat(b.getShort()).isEqualTo((short) 5);
        assertThat(new String(key, 4, 5, StandardCharsets.UTF_8)).isEqualTo("my-id");
        assertThat(TxnRecords.readKey(ByteBuffer.wrap(key))).contains("my-id");
    }

    @Test
    void valuesRoundTripInVersionOne() {
        TxnValue ongoing = new TxnValue(42, 41, -1, (short) 7, 60_000, TxnState.ONGOING,
                Set.of(new TopicPartition("a", 0), new TopicPartition("a", 3), new TopicPartition("b", 1)), 1000, 900);
        byte[] bytes = TxnRecords.value(ongoing);
        assertThat(ByteBuffer.wrap(bytes).getShort()).isEqualTo((short) 1);
        assertThat(TxnRecords.readValue(ByteBuffer.wrap(bytes))).isEqualTo(ongoing);

        TxnValue empty = new TxnValue(42, -1, -1, (short) 0, 60_000, TxnState.EMPTY, Set.of(), 1000, -1);
        assertThat(TxnRecords.readValue(ByteBuffer.wrap(TxnRecords.value(empty)))).isEqualTo(empty);

        // Transactions version 2: the next producer id and the client's transaction version are tagged fields.
        TxnValue v2 = new TxnValue(42, -1, 43, Short.MAX_VALUE, 60_000, TxnState.PREPARE_COMMIT,
                Set.of(new TopicPartition("a", 0)), 1000, 900, (short) 2);
        assertThat(TxnRecords.readValue(ByteBuffer.wrap(TxnRecords.value(v2)))).isEqualTo(v2);
    }

    @Test
    void versionOneLayoutIsKafkas() {
        TxnValue v = new TxnValue(100, -1, -1, (short) 50, 500, TxnState.COMPLETE_COMMIT, Set.of(), 1000, 750);
        ByteBuffer expected = ByteBuffer.allocate(2 + 8 + 2 + 4 + 1 + 1 + 8 + 8 + 1);
        // version, producer id, epoch, timeout, status, empty compact array, last update, start, no tagged fields
        expected.putShort((short) 1).putLong(100).putShort((short) 50).putInt(500).put((byte) 4).put((byte) 1)
                .putLong(1000).putLong(750).put((byte) 0);
        assertThat(TxnRecords.value(v)).isEqualTo(expected.array());
    }

    @Test
    void versionZeroIsRead() {
        byte[] topic = "t".getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(64);
        b.putShort((short) 0).putLong(9).putShort((short) 2).putInt(1000).put((byte) 1)
                .putInt(1).putShort((short) topic.length).put(topic).putInt(2).putInt(0).putInt(4)
                .putLong(5).putLong(3);
        b.flip();
        assertThat(TxnRecords.readValue(b)).isEqualTo(new TxnValue(9, -1, -1, (short) 2, 1000, TxnState.ONGOING,
                Set.of(new TopicPartition("t", 0), new TopicPartition("t", 4)), 5, 3));
    }
}
