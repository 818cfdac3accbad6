package io.strata.it;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Deterministic mutations of a request frame, the kinds that find parser and handler bugs: bit flips, byte
 * changes, 16- and 32-bit values set to extreme values (anywhere, or where a 32-bit value is small and so likely a
 * count, a partition count, an index or a timeout), unsigned varints (the lengths of flexible versions) set huge,
 * truncation and inserted bytes. The same seed gives the same mutation. Mutations mostly spare the request header,
 * which would only get the connection closed.
 */
final class FrameMutator {

    private static final int[] INTS = {-1, 0, 1, Integer.MIN_VALUE, Integer.MAX_VALUE, 0x7fff_fff0, 32_000, 10_001,
        65_536, 1 << 24};
    private static final short[] SHORTS = {-1, 0, Short.MAX_VALUE, Short.MIN_VALUE, 0xff, 1_000};
    private static final byte[] BYTES = {0, -1, 0x7f, (byte) 0x80, 1};

    /** A mutated frame body and what was done to it, for the report of a failure. */
    record Mutant(byte[] frame, String description) {
    }

    private FrameMutator() {
    }

    /** One to three mutations of {@code frame} (not changed), chosen by {@code seed}. */
    static Mutant mutate(byte[] frame, int headerSize, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        byte[] out = frame.clone();
        List<String> done = new ArrayList<>();
        int count = 1 + random.nextInt(3);
        for (int i = 0; i < count && out.length > 0; i++) {
            // One mutation in ten may hit the header (api key, version, correlation id, client id).
            int from = random.nextInt(10) == 0 || out.length <= headerSize ? 0 : headerSize;
            int at = from + random.nextInt(out.length - from);
            switch (random.nextInt(8)) {
                case 0 -> {
                    int bit = random.nextInt(8);
                    out[at] ^= (byte) (1 << bit);
                    done.add("flip bit " + bit + " at " + at);
                }
                case 1 -> {
                    byte value = random.nextBoolean() ? BYTES[random.nextInt(BYTES.length)]
                            : (byte) random.nextInt(256);
                    out[at] = value;
                    done.add("byte " + value + " at " + at);
                }
                case 2 -> {
                    int value = INTS[random.nextInt(INTS.length)];
                    put(out, at, ByteBuffer.allocate(4).putInt(value).array());
                    done.add("int32 " + value + " at " + at);
                }
                case 3 -> {
                    short value = SHORTS[random.nextInt(SHORTS.length)];
                    put(out, at, ByteBuffer.allocate(2).putShort(value).array());
                    done.add("int16 " + value + " at " + at);
                }
                case 4 -> {
                    // An unsigned varint of 2^32-1, or of 2^28 (a length far beyond the frame).
                    byte[] varint = random.nextBoolean() ? new byte[] {-1, -1, -1, -1, 0x0f}
                            : new byte[] {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x01};
                    put(out, at, varint);
                    done.add("varint " + (varint[4] == 0x0f ? "2^32-1" : "2^28") + " at " + at);
                }
                case 5 -> {
                    int value = INTS[random.nextInt(INTS.length)];
                    int field = smallInt32(out, from, random);
                    put(out, field, ByteBuffer.allocate(4).putInt(value).array());
                    done.add("int32 field " + value + " at " + field);
                }
                case 6 -> {
                    out = Arrays.copyOf(out, at);
                    done.add("truncate to " + at);
                }
                default -> {
                    byte[] inserted = new byte[1 + random.nextInt(8)];
                    random.nextBytes(inserted);
                    byte[] longer = new byte[out.length + inserted.length];
                    System.arraycopy(out, 0, longer, 0, at);
                    System.arraycopy(inserted, 0, longer, at, inserted.length);
                    System.arraycopy(out, at, longer, at + inserted.length, out.length - at);
                    out = longer;
                    done.add("insert " + inserted.length + " bytes at " + at);
                }
            }
        }
        return new Mutant(out, String.join(", ", done));
    }

    /** A random position from {@code from} where a big-endian int32 is between 1 and 65,535, else {@code from}. */
    private static int smallInt32(byte[] frame, int from, SplittableRandom random) {
        List<Integer> positions = new ArrayList<>();
        for (int i = from; i + 4 <= frame.length; i++) {
            int value = ByteBuffer.wrap(frame, i, 4).getInt();
            if (value >= 1 && value <= 65_535) {
                positions.add(i);
            }
        }
        return positions.isEmpty() ? from : positions.get(random.nextInt(positions.size()));
    }

    /** Overwrites from {@code at}, as much of {@code value} as fits. */
    private static void put(byte[] frame, int at, byte[] value) {
        System.arraycopy(value, 0, frame, at, Math.min(value.length, frame.length - at));
    }
}
