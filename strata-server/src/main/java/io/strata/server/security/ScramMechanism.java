package io.strata.server.security;

import io.strata.metadata.ScramCredential;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The SCRAM mechanisms Kafka supports (RFC 5802, RFC 7677) and their key derivations, with the JDK's
 * {@link MessageDigest} and {@link Mac}. Stateless and thread-safe.
 */
public enum ScramMechanism {
    SCRAM_SHA_256("SCRAM-SHA-256", "SHA-256", "HmacSHA256", (byte) 1),
    SCRAM_SHA_512("SCRAM-SHA-512", "SHA-512", "HmacSHA512", (byte) 2);

    /** Kafka's bounds on the iteration count of a stored credential. */
    public static final int MIN_ITERATIONS = 4096;
    public static final int MAX_ITERATIONS = 16384;

    private final String mechanismName;
    private final String digest;
    private final String hmac;
    private final byte type;

    ScramMechanism(String mechanismName, String digest, String hmac, byte type) {
        this.mechanismName = mechanismName;
        this.digest = digest;
        this.hmac = hmac;
        this.type = type;
    }

    /** The SASL name, e.g. {@code SCRAM-SHA-512}. */
    public String mechanismName() {
        return mechanismName;
    }

    /** Kafka's wire code of the mechanism in (Describe|Alter)UserScramCredentials. */
    public byte type() {
        return type;
    }

    public static Optional<ScramMechanism> forName(String name) {
        return Arrays.stream(values()).filter(m -> m.mechanismName.equals(name)).findFirst();
    }

    public static Optional<ScramMechanism> forType(byte type) {
        return Arrays.stream(values()).filter(m -> m.type == type).findFirst();
    }

    /** The credential to store for {@code password}. */
    public ScramCredential credential(String password, byte[] salt, int iterations) {
        return credentialFromSaltedPassword(saltedPassword(password, salt, iterations), salt, iterations);
    }

    /** The credential for a salted password, as AlterUserScramCredentials sends it. */
    public ScramCredential credentialFromSaltedPassword(byte[] saltedPassword, byte[] salt, int iterations) {
        byte[] clientKey = hmac(saltedPassword, "Client Key".getBytes(StandardCharsets.US_ASCII));
        byte[] serverKey = hmac(saltedPassword, "Server Key".getBytes(StandardCharsets.US_ASCII));
        return new ScramCredential(mechanismName, salt, hash(clientKey), serverKey, iterations);
    }

    /** RFC 5802's Hi(password, salt, i): PBKDF2 with this mechanism's HMAC, one block. */
    public byte[] saltedPassword(String password, byte[] salt, int iterations) {
        byte[] key = password.getBytes(StandardCharsets.UTF_8);
        byte[] u = hmac(key, concat(salt, new byte[] {0, 0, 0, 1}));
        byte[] result = u.clone();
        for (int i = 1; i < iterations; i++) {
            u = hmac(key, u);
            for (int j = 0; j < result.length; j++) {
                result[j] ^= u[j];
            }
        }
        return result;
    }

    byte[] hmac(byte[] key, byte[] message) {
        try {
            Mac mac = Mac.getInstance(hmac);
            mac.init(new SecretKeySpec(key, hmac));
            return mac.doFinal(message);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(hmac + " is not available", e);
        }
    }

    byte[] hash(byte[] message) {
        try {
            return MessageDigest.getInstance(digest).digest(message);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(digest + " is not available", e);
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] result = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, result, a.length, b.length);
        return result;
    }
}
