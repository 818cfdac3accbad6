package io.strata.server.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;
import org.apache.kafka.common.errors.SaslAuthenticationException;

/**
 * SASL/PLAIN (RFC 4616) against the users of the listener's JAAS config ({@code user_<name>="<password>"}): one
 * token {@code [authzid] NUL authcid NUL passwd}, no reply. An authorization id other than the user is refused, as
 * Kafka refuses it.
 *
 * <p>Not thread-safe: one exchange on one connection.
 */
public final class PlainServer implements SaslServerMechanism {

    public static final String MECHANISM = "PLAIN";

    private final Map<String, String> users;
    private String user;

    /** @param users password per user name */
    public PlainServer(Map<String, String> users) {
        this.users = users;
    }

    @Override
    public String mechanismName() {
        return MECHANISM;
    }

    @Override
    public byte[] evaluate(byte[] token) {
        if (user != null) {
            throw new SaslAuthenticationException("Authentication failed: PLAIN takes a single token");
        }
        String message = new String(token, StandardCharsets.UTF_8);
        int first = message.indexOf('\0');
        int second = first < 0 ? -1 : message.indexOf('\0', first + 1);
        if (first < 0 || second < 0 || message.indexOf('\0', second + 1) >= 0) {
            throw new SaslAuthenticationException("Invalid SASL/PLAIN response: expected 3 tokens");
        }
        String authzid = message.substring(0, first);
        String username = message.substring(first + 1, second);
        String password = message.substring(second + 1);
        if (username.isEmpty() || password.isEmpty()) {
            throw new SaslAuthenticationException("Authentication failed: username or password not specified");
        }
        if (!authzid.isEmpty() && !authzid.equals(username)) {
            throw new SaslAuthenticationException("Authentication failed: Client requested an authorization id "
                    + "that is different from username");
        }
        String expected = users.get(username);
        // Compared in constant time, and against a dummy for unknown users, so timing does not tell which failed.
        boolean match = MessageDigest.isEqual((expected == null ? "\0" : expected).getBytes(StandardCharsets.UTF_8),
                password.getBytes(StandardCharsets.UTF_8));
        if (expected == null || !match) {
            throw new SaslAuthenticationException("Authentication failed: Invalid username or password");
        }
        user = username;
        return new byte[0];
    }

    @Override
    public boolean complete() {
        return user != null;
    }

    @Override
    public String authenticatedUser() {
        return user;
    }
}
