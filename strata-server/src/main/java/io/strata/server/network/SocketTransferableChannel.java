package io.strata.server.network;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SocketChannel;

/**
 * A plaintext connection's transport: reads requests from and writes responses to a blocking socket channel,
 * sending file regions with {@code sendfile}.
 *
 * <p>On a virtual thread the JDK runs a blocking socket in non-blocking mode underneath; {@code transferTo} into a
 * full socket buffer then returns 0 instead of waiting. When that happens one chunk is copied through the heap with
 * a blocking write (which parks until the socket drains) and the next call goes back to {@code sendfile}.
 *
 * <p>Not thread-safe: owned by its connection's thread.
 */
final class SocketTransferableChannel implements Transport {

    private static final int FALLBACK_CHUNK = 64 * 1024;

    private final SocketChannel socket;
    private ByteBuffer fallback;

    SocketTransferableChannel(SocketChannel socket) {
        this.socket = socket;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        return socket.read(dst);
    }

    @Override
    public boolean hasPendingWrites() {
        return false;
    }

    @Override
    public long transferFrom(FileChannel file, long position, long count) throws IOException {
        long sent = file.transferTo(position, count, socket);
        if (sent > 0 || count == 0) {
            return sent;
        }
        if (fallback == null) {
            fallback = ByteBuffer.allocate(FALLBACK_CHUNK);
        }
        fallback.clear().limit((int) Math.min(FALLBACK_CHUNK, count));
        int read = file.read(fallback, position);
        if (read <= 0) {
            throw new IOException("File ended before the region to send (position " + position + ")");
        }
        fallback.flip();
        while (fallback.hasRemaining()) {
            socket.write(fallback);
        }
        return read;
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        return socket.write(srcs, offset, length);
    }

    @Override
    public long write(ByteBuffer[] srcs) throws IOException {
        return socket.write(srcs);
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        return socket.write(src);
    }

    @Override
    public boolean isOpen() {
        return socket.isOpen();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
