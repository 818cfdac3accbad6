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

/** A bare socket speaking the Kafka framing, for sending requests no well-behaved client would send. */
final class RawClient implements AutoCloseable {

    private final Socket socket = new Socket();
    private int correlationId;

    RawClient(int port) throws IOException {
        this(port, Duration.ofSeconds(10));
    }

    /** A client whose reads give up with a {@link SocketTimeoutException} after {@code readTimeout}. */
    RawClient(int port, Duration readTimeout) throws IOException {
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        socket.setSoTimeout((int) readTimeout.toMillis());
    }

    /** Sends a frame made of {@code size} as the length prefix followed by {@code body}. */
    void sendFrame(int size, byte[] body) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(ByteBuffer.allocate(4).putInt(size).array());
        out.write(body);
        out.flush();
    }

    <R extends AbstractResponse> R request(AbstractRequest request) throws IOException {
        RequestHeader header = new RequestHeader(request.apiKey(), request.version(), "raw-client", ++correlationId);
        ByteBuffer bytes = request.serializeWithHeader(header);
        byte[] body = new byte[bytes.remaining()];
        bytes.get(body);
        sendFrame(body.length, body);
        @SuppressWarnings("unchecked")
        R response = (R) AbstractResponse.parseResponse(ByteBuffer.wrap(receive()), header);
        return response;
    }

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
