package io.strata.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.strata.server.security.ScramClient;
import java.io.IOException;
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
import org.apache.kafka.common.requests.SaslAuthenticateRequest;
import org.apache.kafka.common.requests.SaslAuthenticateResponse;
import org.apache.kafka.common.requests.SaslHandshakeRequest;
import org.apache.kafka.common.requests.SaslHandshakeResponse;

/** SASL by hand over a TLS socket: SaslHandshake v1, SaslAuthenticate v2 with SCRAM-SHA-512. Not thread-safe. */
final class RawSasl {

    private final RawClient client;

    /** SASL over {@code socket}, which the caller closes. */
    RawSasl(SSLSocket socket) {
        this.client = new RawClient(socket);
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
        sendBare(token);
        return client.receive();
    }

    /** Sends a bare token (after SaslHandshake v0) without reading a reply. */
    void sendBare(byte[] token) throws IOException {
        client.sendFrame(token.length, token);
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
        return client.request(request);
    }
}
