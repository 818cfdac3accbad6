package io.strata.server.coordinator.txn;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.ByteUtils;

/**
 * The records of {@code __transaction_state} in Apache Kafka's layout, so that Kafka's tools (the
 * {@code TransactionLogMessageFormatter}) read them: the key is version 0 with the transactional id; the value is
 * written as version 1 (the flexible one: compact strings and arrays, previous and next producer id and the client's
 * transaction version as tagged fields 0, 1 and 2) and read in versions 0 and 1. A null value is a tombstone (an
 * expired transactional id).
 *
 * <p>Stateless and thread-safe.
 */
public final class TxnRecords {

    private static final short KEY_VERSION = 0;
    private static final short VALUE_VERSION = 1;
    private static final int TAG_PREVIOUS_PRODUCER_ID = 0;
    private static final int TAG_NEXT_PRODUCER_ID = 1;
    private static final int TAG_CLIENT_TRANSACTION_VERSION = 2;

    private TxnRecords() {
    }

    public static byte[] key(String transactionalId) {
        byte[] id = transactionalId.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(2 + 2 + id.length);
        b.putShort(KEY_VERSION).putShort((short) id.length).put(id);
        return b.array();
    }

    /** The transactional id of a key; empty for a key version this node does not know (skipped on load). */
    public static Optional<String> readKey(ByteBuffer key) {
        ByteBuffer b = key.duplicate();
        if (b.getShort() != KEY_VERSION) {
            return Optional.empty();
        }
        byte[] id = new byte[b.getShort()];
        b.get(id);
        return Optional.of(new String(id, StandardCharsets.UTF_8));
    }

    public static byte[] value(TxnValue v) {
        // Partitions grouped by topic, as Kafka stores them; Empty stores none (a null array).
        Map<String, List<Integer>> byTopic = new TreeMap<>();
        v.partitions().forEach(tp -> byTopic.computeIfAbsent(tp.topic(), t -> new ArrayList<>()).add(tp.partition()));
        byTopic.values().forEach(l -> l.sort(null));
        ByteBuffer b = ByteBuffer.allocate(128 + byTopic.keySet().stream().mapToInt(t -> t.length() * 3 + 16).sum()
                + v.partitions().size() * 4);
        b.putShort(VALUE_VERSION).putLong(v.producerId()).putShort(v.producerEpoch()).putInt(v.timeoutMs())
                .put(v.state().id());
        if (v.state() == TxnState.EMPTY) {
            ByteUtils.writeUnsignedVarint(0, b);
        } else {
            ByteUtils.writeUnsignedVarint(byTopic.size() + 1, b);
            byTopic.forEach((topic, ids) -> {
                byte[] name = topic.getBytes(StandardCharsets.UTF_8);
                ByteUtils.writeUnsignedVarint(name.length + 1, b);
                b.put(name);
                ByteUtils.writeUnsignedVarint(ids.size() + 1, b);
                ids.forEach(b::putInt);
                ByteUtils.writeUnsignedVarint(0, b);
            });
        }
        b.putLong(v.lastUpdateMs()).putLong(v.startMs());
        int tags = (v.previousProducerId() != -1 ? 1 : 0) + (v.nextProducerId() != -1 ? 1 : 0)
                + (v.clientTxnVersion() != 0 ? 1 : 0);
        ByteUtils.writeUnsignedVarint(tags, b);
        if (v.previousProducerId() != -1) {
            ByteUtils.writeUnsignedVarint(TAG_PREVIOUS_PRODUCER_ID, b);
            ByteUtils.writeUnsignedVarint(8, b);
            b.putLong(v.previousProducerId());
        }
        if (v.nextProducerId() != -1) {
            ByteUtils.writeUnsignedVarint(TAG_NEXT_PRODUCER_ID, b);
            ByteUtils.writeUnsignedVarint(8, b);
            b.putLong(v.nextProducerId());
        }
        if (v.clientTxnVersion() != 0) {
            ByteUtils.writeUnsignedVarint(TAG_CLIENT_TRANSACTION_VERSION, b);
            ByteUtils.writeUnsignedVarint(2, b);
            b.putShort(v.clientTxnVersion());
        }
        byte[] out = new byte[b.position()];
        b.flip().get(out);
        return out;
    }

    /**
     * A stored value of version 0 or 1.
     *
     * @throws IllegalArgumentException for another version or a state id Kafka does not define
     */
    public static TxnValue readValue(ByteBuffer value) {
        ByteBuffer b = value.duplicate();
        short version = b.getShort();
        if (version != 0 && version != 1) {
            throw new IllegalArgumentException("Unknown transaction log value version " + version);
        }
        boolean flexible = version >= 1;
        long producerId = b.getLong();
        short epoch = b.getShort();
        int timeoutMs = b.getInt();
        byte stateId = b.get();
        TxnState state = TxnState.fromId(stateId)
                .orElseThrow(() -> new IllegalArgumentException("Unknown transaction state " + stateId));
        int topics = flexible ? ByteUtils.readUnsignedVarint(b) - 1 : b.getInt();
        Set<TopicPartition> partitions = new HashSet<>();
        for (int t = 0; t < topics; t++) {
            int nameLength = flexible ? ByteUtils.readUnsignedVarint(b) - 1 : b.getShort();
            byte[] name = new byte[nameLength];
            b.get(name);
            String topic = new String(name, StandardCharsets.UTF_8);
            int count = flexible ? ByteUtils.readUnsignedVarint(b) - 1 : b.getInt();
            for (int i = 0; i < count; i++) {
                partitions.add(new TopicPartition(topic, b.getInt()));
            }
            if (flexible) {
                skipTags(b);
            }
        }
        long lastUpdateMs = b.getLong();
        long startMs = b.getLong();
        long previous = -1;
        long next = -1;
        short clientTxnVersion = 0;
        if (flexible) {
            int tags = ByteUtils.readUnsignedVarint(b);
            for (int i = 0; i < tags; i++) {
                int tag = ByteUtils.readUnsignedVarint(b);
                int size = ByteUtils.readUnsignedVarint(b);
                if (tag == TAG_PREVIOUS_PRODUCER_ID) {
                    previous = b.getLong();
                } else if (tag == TAG_NEXT_PRODUCER_ID) {
                    next = b.getLong();
                } else if (tag == TAG_CLIENT_TRANSACTION_VERSION) {
                    clientTxnVersion = b.getShort();
                } else {
                    b.position(b.position() + size);
                }
            }
        }
        return new TxnValue(producerId, previous, next, epoch, timeoutMs, state, partitions, lastUpdateMs, startMs,
                clientTxnVersion);
    }

    private static void skipTags(ByteBuffer b) {
        int tags = ByteUtils.readUnsignedVarint(b);
        for (int i = 0; i < tags; i++) {
            ByteUtils.readUnsignedVarint(b);
            int size = ByteUtils.readUnsignedVarint(b);
            b.position(b.position() + size);
        }
    }
}
