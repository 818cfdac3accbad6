package io.strata.server.coordinator.group;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The records the group coordinator keeps in {@code __consumer_offsets}: Strata's own format, versioned, written as
 * ordinary Kafka record batches (key = what the record is about, value = its latest state, null value = tombstone)
 * so that compaction keeps exactly the latest state of each key.
 *
 * <p>Every key starts with an int16 key type; every value with an int16 value version (0 today). Strings are an
 * int16 length (-1 = null) and UTF-8 bytes; byte arrays an int32 length and the bytes.
 * <pre>
 * offset key (type 1):  group, topic, int32 partition
 * offset value (v0):    int64 offset, int32 leader epoch, string metadata, int64 commit timestamp
 * group key (type 2):   group
 * group value (v0):     string protocol type, int32 generation, string protocol, string leader,
 *                       int64 state timestamp, int32 member count, members:
 *                       { member id, group instance id, client id, client host, int32 rebalance timeout,
 *                         int32 session timeout, bytes subscription, bytes assignment }
 * </pre>
 * Readers skip keys of unknown types and fail on unknown value versions (a newer format must not be half-read).
 * Stateless and thread-safe.
 */
final class GroupRecords {

    static final short OFFSET_KEY = 1;
    static final short GROUP_KEY = 2;
    private static final short VALUE_VERSION = 0;

    private GroupRecords() {
    }

    /** A committed offset as stored. */
    record OffsetValue(long offset, int leaderEpoch, Optional<String> metadata, long commitTimestamp) {
    }

    /** A member of a classic group as stored with its group. */
    record StoredMember(String memberId, Optional<String> instanceId, String clientId, String clientHost,
                        int rebalanceTimeoutMs, int sessionTimeoutMs, byte[] subscription, byte[] assignment) {
    }

    /** A classic group's membership as of its last completed rebalance. */
    record GroupValue(Optional<String> protocolType, int generation, Optional<String> protocol,
                      Optional<String> leader, long stateTimestamp, List<StoredMember> members) {
    }

    /** A decoded key: either an offset key or a group key. */
    sealed interface Key permits OffsetKey, GroupKey {
        String group();
    }

    record OffsetKey(String group, String topic, int partition) implements Key {
    }

    record GroupKey(String group) implements Key {
    }

    static byte[] offsetKey(String group, String topic, int partition) {
        Writer w = new Writer();
        w.int16(OFFSET_KEY).string(group).string(topic).int32(partition);
        return w.bytes();
    }

    static byte[] groupKey(String group) {
        Writer w = new Writer();
        w.int16(GROUP_KEY).string(group);
        return w.bytes();
    }

    static byte[] offsetValue(OffsetValue v) {
        Writer w = new Writer();
        w.int16(VALUE_VERSION).int64(v.offset()).int32(v.leaderEpoch()).string(v.metadata().orElse(null))
                .int64(v.commitTimestamp());
        return w.bytes();
    }

    static byte[] groupValue(GroupValue v) {
        Writer w = new Writer();
        w.int16(VALUE_VERSION).string(v.protocolType().orElse(null)).int32(v.generation())
                .string(v.protocol().orElse(null)).string(v.leader().orElse(null)).int64(v.stateTimestamp())
                .int32(v.members().size());
        for (StoredMember m : v.members()) {
            w.string(m.memberId()).string(m.instanceId().orElse(null)).string(m.clientId()).string(m.clientHost())
                    .int32(m.rebalanceTimeoutMs()).int32(m.sessionTimeoutMs()).bytes(m.subscription())
                    .bytes(m.assignment());
        }
        return w.bytes();
    }

    /** The key, or empty for a key type this version does not know. */
    static Optional<Key> readKey(ByteBuffer buffer) {
        ByteBuffer b = buffer.duplicate();
        short type = b.getShort();
        return switch (type) {
            case OFFSET_KEY -> Optional.of(new OffsetKey(string(b), string(b), b.getInt()));
            case GROUP_KEY -> Optional.of(new GroupKey(string(b)));
            default -> Optional.empty();
        };
    }

    static OffsetValue readOffsetValue(ByteBuffer buffer) {
        ByteBuffer b = buffer.duplicate();
        checkVersion(b.getShort());
        return new OffsetValue(b.getLong(), b.getInt(), Optional.ofNullable(string(b)), b.getLong());
    }

    static GroupValue readGroupValue(ByteBuffer buffer) {
        ByteBuffer b = buffer.duplicate();
        checkVersion(b.getShort());
        Optional<String> protocolType = Optional.ofNullable(string(b));
        int generation = b.getInt();
        Optional<String> protocol = Optional.ofNullable(string(b));
        Optional<String> leader = Optional.ofNullable(string(b));
        long stateTimestamp = b.getLong();
        int count = b.getInt();
        List<StoredMember> members = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            members.add(new StoredMember(string(b), Optional.ofNullable(string(b)), string(b), string(b), b.getInt(),
                    b.getInt(), byteArray(b), byteArray(b)));
        }
        return new GroupValue(protocolType, generation, protocol, leader, stateTimestamp, members);
    }

    private static void checkVersion(short version) {
        if (version != VALUE_VERSION) {
            throw new IllegalStateException("Unknown __consumer_offsets value version " + version);
        }
    }

    private static String string(ByteBuffer b) {
        short length = b.getShort();
        if (length < 0) {
            return null;
        }
        byte[] bytes = new byte[length];
        b.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static byte[] byteArray(ByteBuffer b) {
        byte[] bytes = new byte[b.getInt()];
        b.get(bytes);
        return bytes;
    }

    /** A growable big-endian buffer. */
    private static final class Writer {
        private ByteBuffer buffer = ByteBuffer.allocate(64);

        private void ensure(int n) {
            if (buffer.remaining() < n) {
                ByteBuffer bigger = ByteBuffer.allocate(Math.max(buffer.capacity() * 2, buffer.position() + n));
                buffer.flip();
                bigger.put(buffer);
                buffer = bigger;
            }
        }

        Writer int16(short v) {
            ensure(2);
            buffer.putShort(v);
            return this;
        }

        Writer int32(int v) {
            ensure(4);
            buffer.putInt(v);
            return this;
        }

        Writer int64(long v) {
            ensure(8);
            buffer.putLong(v);
            return this;
        }

        Writer string(String v) {
            if (v == null) {
                return int16((short) -1);
            }
            byte[] bytes = v.getBytes(StandardCharsets.UTF_8);
            if (bytes.length > Short.MAX_VALUE) {
                throw new IllegalArgumentException("String too long for __consumer_offsets: " + bytes.length);
            }
            int16((short) bytes.length);
            ensure(bytes.length);
            buffer.put(bytes);
            return this;
        }

        Writer bytes(byte[] v) {
            int32(v.length);
            ensure(v.length);
            buffer.put(v);
            return this;
        }

        byte[] bytes() {
            byte[] out = new byte[buffer.position()];
            buffer.flip();
            buffer.get(out);
            return out;
        }
    }
}
