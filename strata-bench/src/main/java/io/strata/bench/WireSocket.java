package io.strata.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.RequestHeader;

/**
 * The raw-socket side of the bench's own load generators: blocking connections and requests framed once, in
 * Kafka's wire format, so that the client does as little per request as possible. Stateless.
 */
final class WireSocket {

    /** Byte offset of the correlation id in a framed request: after the size, api key and api version. */
    static final int CORRELATION_ID_OFFSET = 8;

    private WireSocket() {
    }

    /** A blocking connection with Nagle off; {@code bufferBytes} > 0 sets both socket buffers. */
    static SocketChannel connect(String host, int port, int bufferBytes) throws IOException {
        SocketChannel socket = SocketChannel.open();
        try {
            socket.setOption(StandardSocketOptions.TCP_NODELAY, true);
            if (bufferBytes > 0) {
                socket.setOption(StandardSocketOptions.SO_RCVBUF, bufferBytes);
                socket.setOption(StandardSocketOptions.SO_SNDBUF, bufferBytes);
            }
            socket.connect(new InetSocketAddress(host, port));
            return socket;
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /** {@code request} with its size prefix and correlation id 0 (see {@link #withCorrelationId}). */
    static byte[] frame(AbstractRequest request, String clientId) {
        ByteBuffer body = request.serializeWithHeader(new RequestHeader(request.apiKey(), request.version(),
                clientId, 0));
        byte[] framed = new byte[4 + body.remaining()];
        ByteBuffer.wrap(framed).putInt(body.remaining()).put(body);
        return framed;
    }

    /** Sets the correlation id of a framed request in place. */
    static void withCorrelationId(byte[] framed, int correlationId) {
        ByteBuffer.wrap(framed).putInt(CORRELATION_ID_OFFSET, correlationId);
    }

    static void writeFully(SocketChannel socket, byte[] bytes) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
            socket.write(buffer);
        }
    }
}
