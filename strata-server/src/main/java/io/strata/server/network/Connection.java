package io.strata.server.network;

import io.strata.server.security.ListenerSecurity;
import io.strata.server.security.Session;
import io.strata.server.security.TlsContext;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.common.network.Send;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection, run on its own virtual thread: reads a size-prefixed frame, hands it to the
 * {@link RequestChannel}, writes the response, and only then handles the next frame, so responses go out in
 * request order as Kafka clients require.
 *
 * <p>Frames are read straight from the channel into a direct buffer that the connection keeps and reuses: no
 * array is allocated and zeroed per request, and the bytes of a produce request reach the log file without being
 * copied through the heap. One read may bring several pipelined frames; they are handled one after the other. The
 * buffer grows to the largest frame seen up to {@value #RETAINED_BUFFER_BYTES} bytes; a larger frame gets a heap
 * buffer of its own that is dropped after its request. Buffers grow (doubling) as a frame's bytes arrive, not to
 * the size its prefix announces: a client that announces {@code socket.request.max.bytes} and sends little costs
 * the node little memory.
 *
 * <p>A response with a throttle time mutes the connection for that long after it is written (KIP-219): a client
 * over its quota is held back even if it ignores the throttle time, while other connections are not slowed.
 *
 * <p>On a TLS listener the handshake comes first ({@link TlsTransport}); a failed one closes the connection. A
 * frame whose size is negative or above {@code socket.request.max.bytes} (before authentication:
 * {@code sasl.server.max.receive.size}) closes the connection before its body is read. Idleness
 * ({@code connections.max.idle.ms}) and unfinished authentication ({@code strata.connection.authentication.timeout.ms})
 * are judged by the {@link SocketServer} through {@link #closeIfIdle}, since channel reads have no timeout.
 *
 * <p>Thread-safety: {@link #run} is the connection's own thread; {@link #closeIfIdle} and {@link #close} may be
 * called from any thread.
 */
final class Connection implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(Connection.class);

    /** The largest buffer a connection keeps between requests (a producer's requests are usually far smaller). */
    static final int RETAINED_BUFFER_BYTES = 1024 * 1024;
    private static final int INITIAL_BUFFER_BYTES = 16 * 1024;

    private final SocketChannel socket;
    private final ConnectionInfo info;
    private final ListenerSecurity security;
    private final RequestChannel requests;
    private final SocketServer.Limits limits;
    private final java.util.function.Consumer<Connection> onClose;
    private final long createdNanos = System.nanoTime();
    private volatile long lastActiveNanos = createdNanos;
    private volatile boolean busy;
    private volatile boolean handshakeDone;
    private Transport transport;

    Connection(SocketChannel socket, ListenerSecurity security, RequestChannel requests, SocketServer.Limits limits,
               java.util.function.Consumer<Connection> onClose) throws IOException {
        this.socket = socket;
        InetSocketAddress remote = (InetSocketAddress) socket.getRemoteAddress();
        InetSocketAddress local = (InetSocketAddress) socket.getLocalAddress();
        this.info = new ConnectionInfo(local.getPort() + "-" + remote.getAddress().getHostAddress() + ":"
                + remote.getPort(), security.listenerName(), remote, Session.forProtocol(security.protocol()));
        this.security = security;
        this.requests = requests;
        this.limits = limits;
        this.onClose = onClose;
        socket.socket().setTcpNoDelay(true);
    }

    @Override
    public void run() {
        // Bytes read and not yet handled are between 0 and position(); a handled frame is compacted away.
        ByteBuffer buffer = ByteBuffer.allocateDirect(INITIAL_BUFFER_BYTES);
        try (socket) {
            transport = open();
            if (transport == null) {
                return;
            }
            Transport out = transport;
            while (true) {
                if (!fill(buffer, 4, true)) {
                    return;
                }
                int size = buffer.getInt(0);
                // Kafka's sasl.server.max.receive.size: an unauthenticated client cannot make the node read much.
                int limit = info.session().authenticated() ? limits.socketRequestMaxBytes()
                        : Math.min(limits.socketRequestMaxBytes(), limits.saslServerMaxReceiveBytes());
                if (size < 0 || size > limit) {
                    log.warn("Closing connection {}: request of {} bytes exceeds {} ({})", info.connectionId(),
                            size, info.session().authenticated() ? "socket.request.max.bytes"
                                    : "sasl.server.max.receive.size", limit);
                    return;
                }
                int frameEnd = 4 + size;
                ByteBuffer frameBuffer = buffer;
                if (frameEnd > buffer.capacity()) {
                    boolean retained = frameEnd <= RETAINED_BUFFER_BYTES;
                    frameBuffer = fillGrowing(buffer, frameEnd, retained);
                    if (retained) {
                        buffer = frameBuffer;
                    } else {
                        buffer.clear();
                    }
                } else {
                    fill(buffer, frameEnd, false);
                }
                busy = true;
                RequestChannel.Outcome outcome = requests.handle(info, frameBuffer.duplicate().limit(frameEnd)
                        .position(4).slice());
                long muteMs = 0;
                switch (outcome) {
                    case RequestChannel.Respond(Send send, long mute) -> {
                        while (!send.completed()) {
                            send.writeTo(out);
                        }
                        muteMs = mute;
                    }
                    case RequestChannel.NoResponse(long mute) -> muteMs = mute;
                    case RequestChannel.Disconnect(String reason) -> {
                        log.info("Closing connection {}: {}", info.connectionId(), reason);
                        return;
                    }
                    case RequestChannel.RespondThenDisconnect(Send send, String reason) -> {
                        while (!send.completed()) {
                            send.writeTo(out);
                        }
                        log.info("Closing connection {} from {}: {}", info.connectionId(), info.clientAddress(),
                                reason);
                        return;
                    }
                }
                // Muted: nothing is read from this client (still busy, not idle) until its throttle time is over.
                long unmuteNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(muteMs);
                for (long left = unmuteNanos - System.nanoTime(); muteMs > 0 && left > 0 && socket.isOpen();
                     left = unmuteNanos - System.nanoTime()) {
                    LockSupport.parkNanos(left);
                }
                busy = false;
                lastActiveNanos = System.nanoTime();
                // Keep the bytes of frames that arrived behind this one (pipelined requests). A frame in a buffer
                // of its own filled it exactly: nothing is behind it.
                if (frameBuffer == buffer) {
                    buffer.flip().position(frameEnd);
                    buffer.compact();
                }
            }
        } catch (IOException e) {
            log.debug("Connection {} closed: {}", info.connectionId(), e.toString());
        } catch (RuntimeException e) {
            log.error("Unexpected error on connection {}; closing it", info.connectionId(), e);
        } finally {
            onClose.accept(this);
        }
    }

    /**
     * The connection's transport once the TLS handshake (if any) is done, with an SSL listener's principal taken
     * from the client certificate; null when the handshake failed (the connection is then closed).
     */
    private Transport open() throws IOException {
        if (security.tls().isEmpty()) {
            handshakeDone = true;
            return new SocketTransferableChannel(socket);
        }
        TlsContext tls = security.tls().get();
        TlsTransport transport = new TlsTransport(socket, tls.serverEngine(
                info.clientAddress().getAddress().getHostAddress(), info.clientAddress().getPort()));
        try {
            transport.handshake();
        } catch (IOException e) {
            // An untrusted certificate, garbage, or a client gone: its problem, not the node's.
            log.info("TLS handshake with {} on {} failed: {}", info.clientAddress(), info.listenerName(),
                    e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName());
            return null;
        }
        if (!security.protocol().sasl()) {
            try {
                info.session().tlsAuthenticated(tls.principal(transport.engine().getSession()));
            } catch (IllegalArgumentException e) {
                log.info("Closing connection {}: {}", info.connectionId(), e.getMessage());
                return null;
            }
        }
        handshakeDone = true;
        return transport;
    }

    /**
     * Closes the connection when it has waited for a request for longer than {@code idleNanos} (a request being
     * handled, a long-polling fetch say, is not idleness), or when it has not finished its TLS handshake and SASL
     * authentication within {@code authenticationNanos} of being accepted.
     */
    void closeIfIdle(long nowNanos, long idleNanos, long authenticationNanos) {
        if (!socket.isOpen()) {
            return;
        }
        if (!busy && nowNanos - lastActiveNanos > idleNanos) {
            log.debug("Closing idle connection {}", info.connectionId());
            close();
        } else if ((!handshakeDone || !info.session().authenticated())
                && nowNanos - createdNanos > authenticationNanos) {
            log.info("Closing connection {} from {}: not authenticated within {} ms", info.connectionId(),
                    info.clientAddress(), java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(authenticationNanos));
            close();
        }
    }

    String listenerName() {
        return info.listenerName();
    }

    void close() {
        try {
            socket.close();
        } catch (IOException e) {
            log.debug("Error closing {}", info.connectionId(), e);
        }
    }

    /**
     * A direct buffer, or a heap one when direct memory ({@code -XX:MaxDirectMemorySize}) is exhausted: many
     * connections that each once sent a large request must not stop the node from reading requests.
     */
    private static ByteBuffer allocateDirectOrHeap(int capacity) {
        try {
            return ByteBuffer.allocateDirect(capacity);
        } catch (OutOfMemoryError e) {
            return ByteBuffer.allocate(capacity);
        }
    }

    /**
     * Reads until a buffer holds {@code bytes} bytes, growing it only when it is full: to twice its size in a
     * direct buffer ({@code retained}: the frame fits in {@value #RETAINED_BUFFER_BYTES} bytes, and the sizes stay
     * powers of two), else in a heap buffer of at most {@code bytes}, so that nothing is read beyond the frame.
     *
     * @return the buffer that holds the frame: {@code buffer} or a larger copy of it
     */
    private ByteBuffer fillGrowing(ByteBuffer buffer, int bytes, boolean retained) throws IOException {
        while (true) {
            fill(buffer, Math.min(bytes, buffer.capacity()), false);
            if (buffer.position() >= bytes) {
                return buffer;
            }
            ByteBuffer larger = retained ? allocateDirectOrHeap(2 * buffer.capacity())
                    : ByteBuffer.allocate((int) Math.min(bytes, 2L * buffer.capacity()));
            buffer = larger.put(buffer.flip());
        }
    }

    /**
     * Reads until the buffer holds at least {@code bytes} bytes (reading more if they are there); returns false on
     * a clean end of stream before a new frame's first byte.
     */
    private boolean fill(ByteBuffer buffer, int bytes, boolean eofAllowed) throws IOException {
        while (buffer.position() < bytes) {
            int r = transport.read(buffer);
            if (r < 0) {
                if (buffer.position() == 0 && eofAllowed) {
                    return false;
                }
                throw new EOFException("Connection closed in the middle of a request");
            }
            lastActiveNanos = System.nanoTime();
        }
        return true;
    }
}
