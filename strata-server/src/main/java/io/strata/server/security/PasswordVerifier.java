package io.strata.server.security;

import io.strata.metadata.ScramCredential;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.function.BiFunction;

/**
 * Checks a user name and password against the node's SASL users, for protocols that carry the password itself
 * (HTTP Basic): the PLAIN users of the listeners' JAAS configs, and the SCRAM credentials in the metadata log, where
 * the password is salted with the stored salt and iteration count and the derived stored key compared with the
 * stored one (the password itself is never stored). A user with both is accepted by either.
 *
 * <p>Salting costs thousands of HMAC rounds (about a millisecond at 4096 iterations), and a browser sends the same
 * credentials with every request: a successful check is remembered by the credential it matched and a hash of the
 * password, so that a changed or deleted credential, or another password, is checked afresh. Salting runs one at a
 * time: a client guessing passwords can take one core at most, never the broker's others.
 *
 * <p>Thread-safe.
 */
public final class PasswordVerifier {

    /** Remembered successes at most; beyond that the memory is cleared (a credential flood gains nothing). */
    static final int MAX_REMEMBERED = 1024;

    /** A success: the credential it matched (compared by identity) and SHA-256 of the password. */
    private record Remembered(ScramCredential credential, byte[] passwordHash) {
    }

    private final Map<String, String> plainUsers;
    private final BiFunction<String, String, Optional<ScramCredential>> scramCredentials;
    private final Map<String, Remembered> remembered = new ConcurrentHashMap<>();
    private final Semaphore salting = new Semaphore(1);

    /**
     * @param plainUsers       password per PLAIN user
     * @param scramCredentials the current credential of a user (first argument) for a mechanism, e.g. from the
     *                         latest metadata image
     */
    public PasswordVerifier(Map<String, String> plainUsers,
                            BiFunction<String, String, Optional<ScramCredential>> scramCredentials) {
        this.plainUsers = Map.copyOf(plainUsers);
        this.scramCredentials = scramCredentials;
    }

    /** Whether {@code password} is {@code user}'s PLAIN password or matches one of its SCRAM credentials. */
    public boolean verify(String user, String password) {
        if (user.isEmpty() || password.isEmpty()) {
            return false;
        }
        String plain = plainUsers.get(user);
        if (plain != null && MessageDigest.isEqual(plain.getBytes(StandardCharsets.UTF_8),
                password.getBytes(StandardCharsets.UTF_8))) {
            return true;
        }
        byte[] passwordHash = sha256(password);
        for (ScramMechanism mechanism : ScramMechanism.values()) {
            Optional<ScramCredential> credential = scramCredentials.apply(user, mechanism.mechanismName());
            if (credential.isEmpty()) {
                continue;
            }
            ScramCredential stored = credential.get();
            Remembered known = remembered.get(user);
            if (known != null && known.credential() == stored
                    && MessageDigest.isEqual(known.passwordHash(), passwordHash)) {
                return true;
            }
            if (MessageDigest.isEqual(derive(mechanism, password, stored).storedKey(), stored.storedKey())) {
                if (remembered.size() >= MAX_REMEMBERED) {
                    remembered.clear();
                }
                remembered.put(user, new Remembered(stored, passwordHash));
                return true;
            }
        }
        return false;
    }

    private ScramCredential derive(ScramMechanism mechanism, String password, ScramCredential stored) {
        salting.acquireUninterruptibly();
        try {
            return mechanism.credential(password, stored.salt(), stored.iterations());
        } finally {
            salting.release();
        }
    }

    private static byte[] sha256(String password) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(password.getBytes(StandardCharsets.UTF_8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }
}
