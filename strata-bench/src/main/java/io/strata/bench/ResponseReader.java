package io.strata.bench;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * Reads size-prefixed Kafka responses from a blocking socket into one direct buffer it reuses (and grows when a
 * response is larger), so that a load generator neither zeroes nor copies a fetched megabyte more than the kernel
 * does. Not thread-safe: one reading thread per socket.
 */
final class ResponseReader {

    private final SocketChannel socket;
    private final ByteBuffer size = ByteBuffer.allocateDirect(4);
    private ByteBuffer body;

    /** {@code initialCapacity}: the expected response size, to keep many idle connections small. */
    ResponseReader(SocketChannel socket, int initialCapacity) {
        this.socket = socket;
        this.body = ByteBuffer.allocateDirect(initialCapacity);
    }

    /**
     * The next response (header and body, without the size prefix); valid until the next call.
     *
     * @throws EOFException when the broker closed the connection
     */
    ByteBuffer next() throws IOException {
        readFully(size.clear());
        int n = size.getInt(0);
        if (n < 0) {
            throw new IOException("negative response size " + n);
        }
        if (n > body.capacity()) {
            body = ByteBuffer.allocateDirect(Integer.highestOneBit(n) << 1);
        }
        readFully(body.clear().limit(n));
        return body.flip();
    }

    private void readFully(ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            if (socket.read(buffer) < 0) {
                throw new EOFException("broker closed the connection");
            }
        }
    }
}
