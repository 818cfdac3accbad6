package io.strata.server.replication;

import io.strata.server.security.BrokerClientSecurity;
import io.strata.server.security.PlainServer;
import io.strata.server.security.ScramClient;
import io.strata.server.security.ScramMechanism;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.message.SaslAuthenticateRequestData;
import org.apache.kafka.common.message.SaslHandshakeRequestData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.requests.SaslAuthenticateRequest;
import org.apache.kafka.common.requests.SaslAuthenticateResponse;
import org.apache.kafka.common.requests.SaslHandshakeRequest;
import org.apache.kafka.common.requests.SaslHandshakeResponse;

/**
 * A blocking connection to another broker's inter-broker listener, in that listener's security protocol, that sends
 * one request at a time and reads its response, with Kafka's framing and {@code replica.socket.timeout.ms} on
 * connect and on every read (a leader that stops answering, say under SIGSTOP, must not hold its followers forever).
 * Used by a follower's fetcher, on its own thread, and by the transaction coordinator to send markers.
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

    /**
     * Connects to {@code address} with the inter-broker listener's protocol (TLS handshake, then SASL
     * authentication), waiting at most {@code timeoutMs} for the connection and for each response.
     */
    public static BrokerChannel connect(InetSocketAddress address, String clientId, int timeoutMs,
                                        BrokerClientSecurity security) throws IOException {
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.connect(address, timeoutMs);
            socket.setSoTimeout(timeoutMs);
            Socket secured = security.secure(socket, address.getHostString(), address.getPort());
            BrokerChannel channel = new BrokerChannel(secured, clientId);
            if (security.saslMechanism().isPresent()) {
                channel.authenticate(security);
            }
            return channel;
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /** SaslHandshake, then the mechanism's SaslAuthenticate exchange; a refusal is an exception. */
    private void authenticate(BrokerClientSecurity security) throws IOException {
        String mechanism = security.saslMechanism().orElseThrow();
        SaslHandshakeResponse handshake = send(new SaslHandshakeRequest.Builder(new SaslHandshakeRequestData()
                .setMechanism(mechanism)).build((short) 1));
        if (handshake.error() != Errors.NONE) {
            throw new IOException("SASL handshake with " + mechanism + " refused: " + handshake.error());
        }
        if (mechanism.equals(PlainServer.MECHANISM)) {
            saslToken(("\0" + security.username() + "\0" + security.password()).getBytes(StandardCharsets.UTF_8));
            return;
        }
        ScramClient scram = new ScramClient(ScramMechanism.forName(mechanism).orElseThrow(), security.username(),
                security.password());
        byte[] serverFirst = saslToken(scram.clientFirst());
        scram.verifyServerFinal(saslToken(scram.clientFinal(serverFirst)));
    }

    private byte[] saslToken(byte[] token) throws IOException {
        SaslAuthenticateResponse response = send(new SaslAuthenticateRequest.Builder(new SaslAuthenticateRequestData()
                .setAuthBytes(token)).build((short) 2));
        if (response.error() != Errors.NONE) {
            throw new IOException("SASL authentication failed: " + response.errorMessage());
        }
        return response.saslAuthBytes();
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
