package io.strata.server.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.strata.metadata.ScramCredential;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Passwords checked against PLAIN JAAS users and against salted SCRAM credentials as the metadata log stores them. */
class PasswordVerifierTest {

    private final Map<String, ScramCredential> scram = new ConcurrentHashMap<>();
    private final AtomicInteger lookups = new AtomicInteger();
    private final PasswordVerifier verifier = new PasswordVerifier(Map.of("alice", "alice-secret"), (user, mech) -> {
        lookups.incrementAndGet();
        return Optional.ofNullable(scram.get(user + "/" + mech));
    });

    private void store(String user, ScramMechanism mechanism, String password) {
        scram.put(user + "/" + mechanism.mechanismName(), mechanism.credential(password,
                (user + "-salt").getBytes(StandardCharsets.UTF_8), ScramMechanism.MIN_ITERATIONS));
    }

    @Test
    void plainUsersNeedTheirExactPassword() {
        assertThat(verifier.verify("alice", "alice-secret")).isTrue();
        assertThat(verifier.verify("alice", "alice-secreT")).isFalse();
        assertThat(verifier.verify("alice", "")).isFalse();
        assertThat(verifier.verify("mallory", "alice-secret")).isFalse();
    }

    @Test
    void scramUsersAreCheckedAgainstTheStoredKeyOfEitherMechanism() {
        store("bob", ScramMechanism.SCRAM_SHA_512, "bob-secret");
        store("carol", ScramMechanism.SCRAM_SHA_256, "carol-secret");
        assertThat(verifier.verify("bob", "bob-secret")).isTrue();
        assertThat(verifier.verify("bob", "carol-secret")).isFalse();
        assertThat(verifier.verify("carol", "carol-secret")).isTrue();
        assertThat(verifier.verify("carol", "bob-secret")).isFalse();
        assertThat(verifier.verify("dave", "bob-secret")).isFalse();
    }

    @Test
    void aChangedOrDeletedCredentialIsCheckedAfreshDespiteEarlierSuccesses() {
        store("bob", ScramMechanism.SCRAM_SHA_512, "old-secret");
        assertThat(verifier.verify("bob", "old-secret")).isTrue();
        assertThat(verifier.verify("bob", "old-secret")).isTrue(); // remembered
        store("bob", ScramMechanism.SCRAM_SHA_512, "new-secret");
        assertThat(verifier.verify("bob", "old-secret")).isFalse();
        assertThat(verifier.verify("bob", "new-secret")).isTrue();
        scram.clear();
        assertThat(verifier.verify("bob", "new-secret")).isFalse();
    }

    @Test
    void aPlainPasswordDoesNotNeedTheMetadataLog() {
        assertThat(verifier.verify("alice", "alice-secret")).isTrue();
        assertThat(lookups).hasValue(0);
    }
}
