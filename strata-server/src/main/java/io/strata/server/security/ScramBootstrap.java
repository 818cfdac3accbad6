package io.strata.server.security;

import io.strata.metadata.ScramCredentialChange;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses a first-start SCRAM credential in the form of Kafka's {@code kafka-storage format --add-scram}:
 * {@code SCRAM-SHA-512=[name=admin,password=admin-secret]}, optionally with {@code iterations=}, {@code salt=} and
 * {@code saltedpassword=} (base64) instead of a password. The node
 * stores it when it starts and the user has no credential for that mechanism yet, so that the first administrator
 * exists before any client can connect, and a later restart with the same option never undoes a password change.
 *
 * <p>Stateless and thread-safe.
 */
public final class ScramBootstrap {

    private static final Pattern FORM = Pattern.compile("\\s*(SCRAM-SHA-(?:256|512))\\s*=\\s*\\[(.*)]\\s*");
    private static final SecureRandom RANDOM = new SecureRandom();

    private ScramBootstrap() {
    }

    /**
     * @throws IllegalArgumentException on a malformed value, an unknown mechanism or bad iterations
     */
    public static ScramCredentialChange parse(String value) {
        Matcher m = FORM.matcher(value);
        if (!m.matches()) {
            throw new IllegalArgumentException("expected SCRAM-SHA-256=[name=<user>,password=<password>] or "
                    + "SCRAM-SHA-512=[...], got '" + value + "'");
        }
        ScramMechanism mechanism = ScramMechanism.forName(m.group(1)).orElseThrow();
        Map<String, String> fields = new LinkedHashMap<>();
        for (String part : m.group(2).split(",")) {
            int eq = part.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("expected key=value in '" + part + "'");
            }
            String v = part.substring(eq + 1).trim();
            if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
                v = v.substring(1, v.length() - 1);
            }
            fields.put(part.substring(0, eq).trim().toLowerCase(java.util.Locale.ROOT), v);
        }
        String name = fields.get("name");
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("a SCRAM credential needs name=<user>");
        }
        int iterations = Integer.parseInt(fields.getOrDefault("iterations",
                Integer.toString(ScramMechanism.MIN_ITERATIONS)));
        if (iterations < ScramMechanism.MIN_ITERATIONS || iterations > ScramMechanism.MAX_ITERATIONS) {
            throw new IllegalArgumentException("iterations must be between " + ScramMechanism.MIN_ITERATIONS
                    + " and " + ScramMechanism.MAX_ITERATIONS);
        }
        byte[] salt;
        if (fields.containsKey("salt")) {
            salt = Base64.getDecoder().decode(fields.get("salt"));
        } else {
            salt = new byte[32];
            RANDOM.nextBytes(salt);
        }
        if (fields.containsKey("saltedpassword")) {
            return ScramCredentialChange.upsert(name, mechanism.credentialFromSaltedPassword(
                    Base64.getDecoder().decode(fields.get("saltedpassword")), salt, iterations));
        }
        String password = fields.get("password");
        if (password == null || password.isEmpty()) {
            throw new IllegalArgumentException("a SCRAM credential needs password=<password> or saltedpassword=");
        }
        return ScramCredentialChange.upsert(name, mechanism.credential(password, salt, iterations));
    }
}
