package io.strata.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.strata.server.security.ScramClient;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.List;
import javax.net.ssl.SSLSocket;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.SaslAuthenticateRequestData;
import org.apache.kafka.common.message.SaslAuthenticateResponseData;
import org.apache.kafka.common.message.SaslHandshakeRequestData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.MetadataRequest;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.requests.SaslAuthenticateRequest;
import org.apache.kafka.common.requests.SaslAuthenticateResponse;
import org.apache.kafka.common.requests.SaslHandshakeRequest;
import org.apache.kafka.common.requests.SaslHandshakeResponse;

/** SASL by hand over a TLS socket: SaslHandshake v1, SaslAuthenticate v2 with SCRAM-SHA-512. */
final class RawSasl {

    private final SSLSocket socket;
    private int correlationId;

    RawSasl(SSLSocket socket) {
        this.socket = socket;
    }

    SaslAuthenticateResponseData scramLogin(String user, String password) throws IOException {
        SaslHandshakeResponse handshake = send(new SaslHandshakeRequest.Builder(new SaslHandshakeRequestData()
                .setMechanism("SCRAM-SHA-512")).build((short) 1));
        assertThat(handshake.error()).isEqualTo(Errors.NONE);
        ScramClient scram = new ScramClient(io.strata.server.security.ScramMechanism.SCRAM_SHA_512, user,
                password);
        SaslAuthenticateResponse first = authenticate(scram.clientFirst());
        return authenticate(scram.clientFinal(first.saslAuthBytes())).data();
    }

    /** Sends a bare token (after SaslHandshake v0) and reads the bare reply. */
    byte[] bare(byte[] token) throws IOException {
        return bare(token, true);
    }

    byte[] bare(byte[] token, boolean readReply) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(ByteBuffer.allocate(4).putInt(token.length).array());
        out.write(token);
        out.flush();
        if (!readReply) {
            return null;
        }
        DataInputStream in = new DataInputStream(socket.getInputStream());
        byte[] reply = new byte[in.readInt()];
        in.readFully(reply);
        return reply;
    }

    /** Whether a Metadata request gets its response (false: the server closed the connection). */
    boolean metadataAnswered() {
        try {
            send(new MetadataRequest.Builder(new MetadataRequestData().setTopics(List.of())).build((short) 12));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private SaslAuthenticateResponse authenticate(byte[] token) throws IOException {
        return send(new SaslAuthenticateRequest.Builder(new SaslAuthenticateRequestData().setAuthBytes(token))
                .build((short) 2));
    }

    <R extends AbstractResponse> R send(AbstractRequest request) throws IOException {
        RequestHeader header = new RequestHeader(request.apiKey(), request.version(), "raw-sasl",
                ++correlationId);
        ByteBuffer frame = request.serializeWithHeader(header);
        byte[] body = new byte[frame.remaining()];
        frame.get(body);
        OutputStream out = socket.getOutputStream();
        out.write(ByteBuffer.allocate(4).putInt(body.length).array());
        out.write(body);
        out.flush();
        DataInputStream in = new DataInputStream(socket.getInputStream());
        byte[] response = new byte[in.readInt()];
        in.readFully(response);
        @SuppressWarnings("unchecked")
        R parsed = (R) AbstractResponse.parseResponse(ByteBuffer.wrap(response), header);
        return parsed;
    }
}
