package io.strata.server.replication;

import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.RequestHeader;

/**
 * A blocking connection to another broker that sends one request at a time and reads its response, with Kafka's
 * framing and {@code replica.socket.timeout.ms} on connect and on every read (a leader that stops answering, say
 * under SIGSTOP, must not hold its followers forever). Used by a follower's fetcher, on its own thread, and by the transaction coordinator to send markers.
 *
 * <p>Not thread-safe: one owner. After any I/O error the channel is unusable; the owner closes it and connects
 * again.
 */
public final class BrokerChannel implements AutoCloseable {

    private final Socket socket;
    private final DataInputStream in;
    private final DataOutputStream out;
    private final String clientId;
    private int correlationId;

    private BrokerChannel(Socket socket, String clientId) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
        this.out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream()));
        this.clientId = clientId;
    }

    /** Connects to {@code address}, waiting at most {@code timeoutMs} for the connection and for each response. */
    public static BrokerChannel connect(InetSocketAddress address, String clientId, int timeoutMs) throws IOException {
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.connect(address, timeoutMs);
            socket.setSoTimeout(timeoutMs);
            return new BrokerChannel(socket, clientId);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /** Sends {@code request} and waits for its response. */
    public <R extends AbstractResponse> R send(AbstractRequest request) throws IOException {
        RequestHeader header = new RequestHeader(request.apiKey(), request.version(), clientId, ++correlationId);
        ByteBuffer body = request.serializeWithHeader(header);
        out.writeInt(body.remaining());
        if (body.hasArray()) {
            out.write(body.array(), body.arrayOffset() + body.position(), body.remaining());
        } else {
            byte[] copy = new byte[body.remaining()];
            body.get(copy);
            out.write(copy);
        }
        out.flush();
        int size = in.readInt();
        if (size < 0) {
            throw new IOException("Invalid response size " + size);
        }
        byte[] response = new byte[size];
        in.readFully(response);
        @SuppressWarnings("unchecked")
        R parsed = (R) AbstractResponse.parseResponse(ByteBuffer.wrap(response), header);
        return parsed;
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // Closing a broken connection: nothing more to do.
        }
    }
}
