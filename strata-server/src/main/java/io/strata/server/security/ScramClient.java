package io.strata.server.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.common.errors.SaslAuthenticationException;

/**
 * The client side of SCRAM (RFC 5802), for this node's own connections to other brokers: client-first, then
 * client-final from the server-first message, then a check of the server's signature.
 *
 * <p>Not thread-safe: one exchange.
 */
public final class ScramClient {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Pattern SERVER_FIRST = Pattern.compile(
            "(m=[^,]*,)?r=(?<nonce>[^,]+),s=(?<salt>[A-Za-z0-9+/=]+),i=(?<iterations>[0-9]+)(,.*)?");

    private final ScramMechanism mechanism;
    private final String user;
    private final String password;
    private final String clientNonce;
    private String clientFirstBare;
    private byte[] expectedServerSignature;

    public ScramClient(ScramMechanism mechanism, String user, String password) {
        this.mechanism = mechanism;
        this.user = user;
        this.password = password;
        byte[] nonce = new byte[24];
        RANDOM.nextBytes(nonce);
        this.clientNonce = Base64.getUrlEncoder().withoutPadding().encodeToString(nonce);
    }

    public byte[] clientFirst() {
        clientFirstBare = "n=" + user.replace("=", "=3D").replace(",", "=2C") + ",r=" + clientNonce;
        return ("n,," + clientFirstBare).getBytes(StandardCharsets.UTF_8);
    }

    public byte[] clientFinal(byte[] serverFirstBytes) {
        String serverFirst = new String(serverFirstBytes, StandardCharsets.UTF_8);
        Matcher m = SERVER_FIRST.matcher(serverFirst);
        if (!m.matches() || !m.group("nonce").startsWith(clientNonce)) {
            throw new SaslAuthenticationException("Invalid SCRAM server first message");
        }
        int iterations = Integer.parseInt(m.group("iterations"));
        if (iterations < ScramMechanism.MIN_ITERATIONS) {
            throw new SaslAuthenticationException("Too few SCRAM iterations: " + iterations);
        }
        byte[] salted = mechanism.saltedPassword(password, Base64.getDecoder().decode(m.group("salt")), iterations);
        byte[] clientKey = mechanism.hmac(salted, "Client Key".getBytes(StandardCharsets.US_ASCII));
        byte[] serverKey = mechanism.hmac(salted, "Server Key".getBytes(StandardCharsets.US_ASCII));
        String withoutProof = "c=biws,r=" + m.group("nonce");
        byte[] authMessage = (clientFirstBare + "," + serverFirst + "," + withoutProof)
                .getBytes(StandardCharsets.UTF_8);
        byte[] signature = mechanism.hmac(mechanism.hash(clientKey), authMessage);
        byte[] proof = new byte[clientKey.length];
        for (int i = 0; i < proof.length; i++) {
            proof[i] = (byte) (clientKey[i] ^ signature[i]);
        }
        expectedServerSignature = mechanism.hmac(serverKey, authMessage);
        return (withoutProof + ",p=" + Base64.getEncoder().encodeToString(proof)).getBytes(StandardCharsets.UTF_8);
    }

    /** Checks the server-final message: the server proves it knows the server key. */
    public void verifyServerFinal(byte[] serverFinal) {
        String message = new String(serverFinal, StandardCharsets.UTF_8);
        if (!message.startsWith("v=") || !MessageDigest.isEqual(expectedServerSignature,
                Base64.getDecoder().decode(message.substring(2).split(",")[0]))) {
            throw new SaslAuthenticationException("Invalid SCRAM server signature");
        }
    }
}
