package io.strata.metadata;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A user's salted SCRAM credential for one mechanism (RFC 5802): what the server keeps instead of the password.
 * The salted password itself is never stored, only the keys derived from it.
 *
 * <p>Immutable (the arrays are copied in and out); equality compares the bytes.
 *
 * @param mechanism  {@code SCRAM-SHA-256} or {@code SCRAM-SHA-512}
 * @param salt       the salt the client hashes the password with
 * @param storedKey  H(HMAC(SaltedPassword, "Client Key"))
 * @param serverKey  HMAC(SaltedPassword, "Server Key")
 * @param iterations the PBKDF2 iteration count
 */
public record ScramCredential(String mechanism, byte[] salt, byte[] storedKey, byte[] serverKey, int iterations) {

    public ScramCredential {
        Objects.requireNonNull(mechanism, "mechanism");
        salt = salt.clone();
        storedKey = storedKey.clone();
        serverKey = serverKey.clone();
    }

    @Override
    public byte[] salt() {
        return salt.clone();
    }

    @Override
    public byte[] storedKey() {
        return storedKey.clone();
    }

    @Override
    public byte[] serverKey() {
        return serverKey.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ScramCredential c && mechanism.equals(c.mechanism) && iterations == c.iterations
                && MessageDigest.isEqual(salt, c.salt) && MessageDigest.isEqual(storedKey, c.storedKey)
                && MessageDigest.isEqual(serverKey, c.serverKey);
    }

    @Override
    public int hashCode() {
        return Objects.hash(mechanism, iterations, Arrays.hashCode(salt), Arrays.hashCode(storedKey));
    }

    /** Never prints the keys. */
    @Override
    public String toString() {
        return "ScramCredential[" + mechanism + ", iterations=" + iterations + ", salt=" + HexFormat.of()
                .formatHex(salt) + "]";
    }

    /** Which credential: a user and a mechanism. */
    public record Key(String user, String mechanism) {
        public Key {
            Objects.requireNonNull(user, "user");
            Objects.requireNonNull(mechanism, "mechanism");
        }
    }
}
