package io.strata.server.security;

import io.strata.metadata.ScramCredential;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.common.errors.SaslAuthenticationException;

/**
 * The server side of SCRAM (RFC 5802) for one exchange: client-first, server-first, client-final, server-final.
 * The client's proof is checked against the stored key of the user's credential (the password is never known
 * here), and the server proves itself with the server key. Channel binding is not supported (as in Kafka); the
 * delegation-token extension ({@code tokenauth=true}) is refused.
 *
 * <p>Every failure, malformed messages included, is a {@link SaslAuthenticationException}: the connection is then
 * answered and closed.
 *
 * <p>Not thread-safe: one exchange on one connection.
 */
public final class ScramServer implements SaslServerMechanism {

    private static final SecureRandom RANDOM = new SecureRandom();
    // Kafka's grammar of the first and final client messages (RFC 5802 section 7, without channel binding data).
    private static final Pattern CLIENT_FIRST = Pattern.compile(
            "(?<gs2>[ny],(a=(?<authzid>[^,]*))?,)(?<bare>(m=[^,]*,)?n=(?<saslname>[^,]+),r=(?<nonce>[\\x21-\\x2b"
                    + "\\x2d-\\x7e]+)(?<extensions>(,[A-Za-z]+=[^,]*)*))");
    private static final Pattern CLIENT_FINAL = Pattern.compile(
            "(?<withoutProof>c=(?<channel>[A-Za-z0-9+/=]+),r=(?<nonce>[\\x21-\\x2b\\x2d-\\x7e]+)(,[A-Za-z]+=[^,]*)*)"
                    + ",p=(?<proof>[A-Za-z0-9+/=]+)");

    private enum State { CLIENT_FIRST, CLIENT_FINAL, COMPLETE, FAILED }

    private final ScramMechanism mechanism;
    private final BiFunction<String, String, Optional<ScramCredential>> credentials;
    private State state = State.CLIENT_FIRST;
    private String user;
    private String gs2Header;
    private String clientFirstBare;
    private String serverFirst;
    private String nonce;
    private ScramCredential credential;

    /** @param credentials the credential of (user, mechanism name), read from the current metadata image */
    public ScramServer(ScramMechanism mechanism, BiFunction<String, String, Optional<ScramCredential>> credentials) {
        this.mechanism = mechanism;
        this.credentials = credentials;
    }

    @Override
    public String mechanismName() {
        return mechanism.mechanismName();
    }

    @Override
    public byte[] evaluate(byte[] token) {
        try {
            return switch (state) {
                case CLIENT_FIRST -> clientFirst(new String(token, StandardCharsets.UTF_8));
                case CLIENT_FINAL -> clientFinal(new String(token, StandardCharsets.UTF_8));
                case COMPLETE, FAILED -> throw new SaslAuthenticationException("Authentication failed: the "
                        + mechanismName() + " exchange is over");
            };
        } catch (SaslAuthenticationException e) {
            state = State.FAILED;
            throw e;
        }
    }

    private byte[] clientFirst(String message) {
        Matcher m = CLIENT_FIRST.matcher(message);
        if (!m.matches()) {
            throw new SaslAuthenticationException("Authentication failed: invalid SCRAM client first message");
        }
        String username = decodeSaslName(m.group("saslname"));
        String authzid = m.group("authzid");
        if (authzid != null && !authzid.isEmpty() && !decodeSaslName(authzid).equals(username)) {
            throw new SaslAuthenticationException("Authentication failed: Client requested an authorization id "
                    + "that is different from username");
        }
        if (m.group("extensions").contains("tokenauth=true")) {
            throw new SaslAuthenticationException("Authentication failed: delegation tokens are not supported");
        }
        credential = credentials.apply(username, mechanismName()).orElseThrow(() ->
                new SaslAuthenticationException("Authentication failed: Invalid user credentials"));
        byte[] serverNonce = new byte[24];
        RANDOM.nextBytes(serverNonce);
        user = username;
        gs2Header = m.group("gs2");
        clientFirstBare = m.group("bare");
        nonce = m.group("nonce") + Base64.getUrlEncoder().withoutPadding().encodeToString(serverNonce);
        serverFirst = "r=" + nonce + ",s=" + Base64.getEncoder().encodeToString(credential.salt()) + ",i="
                + credential.iterations();
        state = State.CLIENT_FINAL;
        return serverFirst.getBytes(StandardCharsets.UTF_8);
    }

    private byte[] clientFinal(String message) {
        Matcher m = CLIENT_FINAL.matcher(message);
        if (!m.matches()) {
            throw new SaslAuthenticationException("Authentication failed: invalid SCRAM client final message");
        }
        byte[] channel = decodeBase64(m.group("channel"));
        if (!MessageDigest.isEqual(channel, gs2Header.getBytes(StandardCharsets.UTF_8))) {
            throw new SaslAuthenticationException("Authentication failed: invalid channel binding");
        }
        // As Kafka checks it: the final nonce ends with the server's combined nonce. librdkafka sends its own nonce
        // in front of the combined one (which already starts with it), and Kafka accepts that.
        if (!m.group("nonce").endsWith(nonce)) {
            throw new SaslAuthenticationException("Authentication failed: invalid nonce");
        }
        byte[] authMessage = (clientFirstBare + "," + serverFirst + "," + m.group("withoutProof"))
                .getBytes(StandardCharsets.UTF_8);
        byte[] proof = decodeBase64(m.group("proof"));
        byte[] storedKey = credential.storedKey();
        byte[] clientSignature = mechanism.hmac(storedKey, authMessage);
        if (proof.length != clientSignature.length) {
            throw new SaslAuthenticationException("Authentication failed: Invalid client credentials");
        }
        byte[] clientKey = new byte[proof.length];
        for (int i = 0; i < proof.length; i++) {
            clientKey[i] = (byte) (proof[i] ^ clientSignature[i]);
        }
        if (!MessageDigest.isEqual(mechanism.hash(clientKey), storedKey)) {
            throw new SaslAuthenticationException("Authentication failed: Invalid client credentials");
        }
        byte[] serverSignature = mechanism.hmac(credential.serverKey(), authMessage);
        state = State.COMPLETE;
        return ("v=" + Base64.getEncoder().encodeToString(serverSignature)).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public boolean complete() {
        return state == State.COMPLETE;
    }

    @Override
    public String authenticatedUser() {
        return user;
    }

    /** RFC 5802's saslname: {@code =2C} is a comma and {@code =3D} an equals sign; any other {@code =} is invalid. */
    static String decodeSaslName(String name) {
        String decoded = name.replace("=2C", ",").replace("=3D", "=");
        if (name.replace("=2C", "").replace("=3D", "").contains("=")) {
            throw new SaslAuthenticationException("Authentication failed: invalid user name encoding");
        }
        return decoded;
    }

    private static byte[] decodeBase64(String value) {
        try {
            return Base64.getDecoder().decode(value);
        } catch (IllegalArgumentException e) {
            throw new SaslAuthenticationException("Authentication failed: invalid base64 in SCRAM message");
        }
    }
}
