package io.strata.server.network;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SocketChannel;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;

/**
 * TLS over a blocking socket channel with the JDK's {@link SSLEngine}, on the connection's virtual thread: the
 * handshake, then records unwrapped into requests and responses wrapped into records. File regions (fetch
 * responses) cannot use {@code sendfile} here: they are read in chunks into a direct buffer and wrapped.
 *
 * <p>Renegotiation (TLS 1.2) is refused, as Kafka refuses it: a handshake after the first one closes the connection.
 * TLS 1.3's post-handshake messages (key updates, session tickets) are handled.
 *
 * <p>Not thread-safe: owned by its connection's thread; {@link #close} may be called from any thread.
 */
final class TlsTransport implements Transport {

    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);
    private static final int FILE_CHUNK = 64 * 1024;

    private final SocketChannel socket;
    private final SSLEngine engine;
    // netIn and appIn are in write mode: bytes from 0 to position() are waiting to be consumed.
    private ByteBuffer netIn;
    private ByteBuffer appIn;
    private ByteBuffer netOut;
    private ByteBuffer fileChunk;

    TlsTransport(SocketChannel socket, SSLEngine engine) {
        this.socket = socket;
        this.engine = engine;
        this.netIn = ByteBuffer.allocateDirect(engine.getSession().getPacketBufferSize());
        this.netOut = ByteBuffer.allocateDirect(engine.getSession().getPacketBufferSize());
        this.appIn = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize());
    }

    SSLEngine engine() {
        return engine;
    }

    /** Runs the handshake to its end; throws on a failed one (garbage, an untrusted certificate, a closed peer). */
    void handshake() throws IOException {
        engine.beginHandshake();
        HandshakeStatus status = engine.getHandshakeStatus();
        try {
            while (status != HandshakeStatus.FINISHED && status != HandshakeStatus.NOT_HANDSHAKING) {
                status = switch (status) {
                    case NEED_WRAP -> wrap(EMPTY);
                    case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> unwrap(true);
                    case NEED_TASK -> runTasks();
                    default -> throw new SSLException("Unexpected handshake status " + status);
                };
            }
        } catch (SSLException e) {
            sendAlert();
            throw e;
        }
    }

    /**
     * Sends the alert the engine has for a failed handshake (an untrusted or missing certificate...), so that the
     * client reports an authentication failure instead of a dropped connection. Best effort: the peer may be gone.
     */
    private void sendAlert() {
        try {
            engine.closeOutbound();
            for (int i = 0; i < 4 && !engine.isOutboundDone(); i++) {
                netOut.clear();
                engine.wrap(EMPTY, netOut);
                netOut.flip();
                while (netOut.hasRemaining()) {
                    socket.write(netOut);
                }
            }
        } catch (IOException | RuntimeException ignored) {
            // The handshake failed already; what matters is closing the connection.
        }
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        while (appIn.position() == 0) {
            HandshakeStatus status = unwrap(false);
            if (status == null) {
                return -1;
            }
            postHandshake(status);
        }
        appIn.flip();
        int n = Math.min(dst.remaining(), appIn.remaining());
        ByteBuffer slice = appIn.slice(appIn.position(), n);
        dst.put(slice);
        appIn.position(appIn.position() + n);
        appIn.compact();
        return n;
    }

    /** TLS 1.3 may ask for a reply after the handshake (a key update); a TLS 1.2 handshake is renegotiation. */
    private void postHandshake(HandshakeStatus status) throws IOException {
        while (status != HandshakeStatus.NOT_HANDSHAKING && status != HandshakeStatus.FINISHED) {
            if (!"TLSv1.3".equals(engine.getSession().getProtocol())) {
                throw new SSLException("TLS renegotiation is not supported");
            }
            status = switch (status) {
                case NEED_WRAP -> wrap(EMPTY);
                case NEED_TASK -> runTasks();
                default -> HandshakeStatus.NOT_HANDSHAKING; // more bytes to unwrap: the read loop does that
            };
        }
    }

    /**
     * Unwraps one record into {@code appIn}, reading from the socket as needed.
     *
     * @return the handshake status afterwards, or null at the end of the stream (only when not handshaking)
     */
    private HandshakeStatus unwrap(boolean handshaking) throws IOException {
        while (true) {
            netIn.flip();
            SSLEngineResult result;
            try {
                result = engine.unwrap(netIn, appIn);
            } finally {
                netIn.compact();
            }
            switch (result.getStatus()) {
                case OK -> {
                    return result.getHandshakeStatus();
                }
                case BUFFER_OVERFLOW -> appIn = grow(appIn, engine.getSession().getApplicationBufferSize());
                case BUFFER_UNDERFLOW -> {
                    if (!netIn.hasRemaining()) {
                        netIn = grow(netIn, engine.getSession().getPacketBufferSize());
                    }
                    if (socket.read(netIn) < 0) {
                        if (handshaking) {
                            throw new EOFException("Connection closed during the TLS handshake");
                        }
                        return null;
                    }
                }
                case CLOSED -> {
                    if (handshaking) {
                        throw new EOFException("TLS closed by the peer during the handshake");
                    }
                    return null;
                }
            }
        }
    }

    /** Wraps (part of) {@code src} into one record and writes it out; returns the handshake status afterwards. */
    private HandshakeStatus wrap(ByteBuffer src) throws IOException {
        return wrap(new ByteBuffer[] {src}, 0, 1).getHandshakeStatus();
    }

    private SSLEngineResult wrap(ByteBuffer[] srcs, int offset, int length) throws IOException {
        while (true) {
            netOut.clear();
            SSLEngineResult result = engine.wrap(srcs, offset, length, netOut);
            switch (result.getStatus()) {
                case OK -> {
                    netOut.flip();
                    while (netOut.hasRemaining()) {
                        socket.write(netOut);
                    }
                    return result;
                }
                case BUFFER_OVERFLOW -> netOut = ByteBuffer.allocateDirect(netOut.capacity() * 2);
                case CLOSED -> throw new EOFException("TLS connection closed");
                case BUFFER_UNDERFLOW -> throw new SSLException("Unexpected buffer underflow on wrap");
            }
        }
    }

    private HandshakeStatus runTasks() {
        Runnable task;
        while ((task = engine.getDelegatedTask()) != null) {
            task.run();
        }
        return engine.getHandshakeStatus();
    }

    private static ByteBuffer grow(ByteBuffer buffer, int atLeast) {
        ByteBuffer larger = buffer.isDirect() ? ByteBuffer.allocateDirect(Math.max(atLeast, buffer.capacity() * 2))
                : ByteBuffer.allocate(Math.max(atLeast, buffer.capacity() * 2));
        return larger.put(buffer.flip());
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        long written = 0;
        while (true) {
            boolean remaining = false;
            for (int i = offset; i < offset + length; i++) {
                remaining |= srcs[i].hasRemaining();
            }
            if (!remaining) {
                return written;
            }
            SSLEngineResult result = wrap(srcs, offset, length);
            written += result.bytesConsumed();
            postHandshake(result.getHandshakeStatus());
        }
    }

    @Override
    public long write(ByteBuffer[] srcs) throws IOException {
        return write(srcs, 0, srcs.length);
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        return (int) write(new ByteBuffer[] {src}, 0, 1);
    }

    @Override
    public long transferFrom(FileChannel file, long position, long count) throws IOException {
        if (fileChunk == null) {
            fileChunk = ByteBuffer.allocateDirect(FILE_CHUNK);
        }
        fileChunk.clear().limit((int) Math.min(FILE_CHUNK, count));
        int read = file.read(fileChunk, position);
        if (read <= 0) {
            throw new IOException("File ended before the region to send (position " + position + ")");
        }
        fileChunk.flip();
        write(fileChunk);
        return read;
    }

    @Override
    public boolean hasPendingWrites() {
        return false;
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
