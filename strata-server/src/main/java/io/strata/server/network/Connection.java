package io.strata.server.network;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import org.apache.kafka.common.network.Send;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection, run on its own virtual thread: reads a size-prefixed frame, hands it to the
 * {@link RequestChannel}, writes the response, and only then reads the next frame, so responses go out in
 * request order as Kafka clients require.
 *
 * <p>A frame whose size is negative or above {@code socket.request.max.bytes} closes the connection before its body
 * is read; so does a connection idle for {@code connections.max.idle.ms}.
 */
final class Connection implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(Connection.class);

    private final SocketChannel socket;
    private final ConnectionInfo info;
    private final RequestChannel requests;
    private final int maxRequestBytes;
    private final java.util.function.Consumer<Connection> onClose;

    Connection(SocketChannel socket, String listenerName, RequestChannel requests, int maxRequestBytes,
               long idleTimeoutMs, java.util.function.Consumer<Connection> onClose) throws IOException {
        this.socket = socket;
        InetSocketAddress remote = (InetSocketAddress) socket.getRemoteAddress();
        InetSocketAddress local = (InetSocketAddress) socket.getLocalAddress();
        this.info = new ConnectionInfo(local.getPort() + "-" + remote.getAddress().getHostAddress() + ":"
                + remote.getPort(), listenerName, remote);
        this.requests = requests;
        this.maxRequestBytes = maxRequestBytes;
        this.onClose = onClose;
        socket.socket().setTcpNoDelay(true);
        socket.socket().setSoTimeout((int) Math.min(Integer.MAX_VALUE, idleTimeoutMs));
    }

    @Override
    public void run() {
        SocketTransferableChannel out = new SocketTransferableChannel(socket);
        try (socket) {
            InputStream in = socket.socket().getInputStream();
            byte[] sizeBytes = new byte[4];
            while (true) {
                if (!readFully(in, sizeBytes, true)) {
                    return;
                }
                int size = ByteBuffer.wrap(sizeBytes).getInt();
                if (size < 0 || size > maxRequestBytes) {
                    log.warn("Closing connection {}: request of {} bytes exceeds socket.request.max.bytes ({})",
                            info.connectionId(), size, maxRequestBytes);
                    return;
                }
                byte[] body = new byte[size];
                readFully(in, body, false);
                switch (requests.handle(info, ByteBuffer.wrap(body))) {
                    case RequestChannel.Respond(Send send) -> {
                        while (!send.completed()) {
                            send.writeTo(out);
                        }
                    }
                    case RequestChannel.NoResponse ignored -> { }
                    case RequestChannel.Disconnect(String reason) -> {
                        log.info("Closing connection {}: {}", info.connectionId(), reason);
                        return;
                    }
                }
            }
        } catch (SocketTimeoutException e) {
            log.debug("Closing idle connection {}", info.connectionId());
        } catch (IOException e) {
            log.debug("Connection {} closed: {}", info.connectionId(), e.toString());
        } catch (RuntimeException e) {
            log.error("Unexpected error on connection {}; closing it", info.connectionId(), e);
        } finally {
            onClose.accept(this);
        }
    }

    void close() {
        try {
            socket.close();
        } catch (IOException e) {
            log.debug("Error closing {}", info.connectionId(), e);
        }
    }

    /** Reads exactly {@code buf.length} bytes; returns false on a clean end of stream before the first byte. */
    private static boolean readFully(InputStream in, byte[] buf, boolean eofAllowed) throws IOException {
        int n = 0;
        while (n < buf.length) {
            int r = in.read(buf, n, buf.length - n);
            if (r < 0) {
                if (n == 0 && eofAllowed) {
                    return false;
                }
                throw new EOFException("Connection closed in the middle of a request");
            }
            n += r;
        }
        return true;
    }
}
