package io.strata.it;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.RequestHeader;

/**
 * A bare socket speaking the Kafka framing (a 4-byte size, then the request or response), for sending requests no
 * well-behaved client would send. Not thread-safe.
 */
final class RawClient implements AutoCloseable {

    private final Socket socket;
    private int correlationId;

    RawClient(int port) throws IOException {
        this(port, Duration.ofSeconds(10));
    }

    /** A client of 127.0.0.1:{@code port}; reads give up with a {@link SocketTimeoutException} after {@code readTimeout}. */
    RawClient(int port, Duration readTimeout) throws IOException {
        this(new Socket());
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        socket.setSoTimeout((int) readTimeout.toMillis());
    }

    /** A client over {@code socket}, already connected (a TLS socket, say); closing the client closes it. */
    RawClient(Socket socket) {
        this.socket = socket;
    }

    /** Sends a frame made of {@code size} as the length prefix followed by {@code body}. */
    void sendFrame(int size, byte[] body) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(ByteBuffer.allocate(4).putInt(size).array());
        out.write(body);
        out.flush();
    }

    /** Sends {@code request} under the next correlation id without reading the response; returns its header. */
    RequestHeader send(AbstractRequest request) throws IOException {
        RequestHeader header = new RequestHeader(request.apiKey(), request.version(), "raw-client", ++correlationId);
        ByteBuffer bytes = request.serializeWithHeader(header);
        byte[] body = new byte[bytes.remaining()];
        bytes.get(body);
        sendFrame(body.length, body);
        return header;
    }

    /** Sends {@code request} and reads its response. */
    <R extends AbstractResponse> R request(AbstractRequest request) throws IOException {
        RequestHeader header = send(request);
        @SuppressWarnings("unchecked")
        R response = (R) AbstractResponse.parseResponse(ByteBuffer.wrap(receive()), header);
        return response;
    }

    /** The next frame's content. */
    byte[] receive() throws IOException {
        DataInputStream in = new DataInputStream(socket.getInputStream());
        byte[] body = new byte[in.readInt()];
        in.readFully(body);
        return body;
    }

    /** True when the server closed the connection (end of stream) within the socket timeout. */
    boolean closedByServer() throws IOException {
        try {
            return socket.getInputStream().read() == -1;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // connection reset
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
