package io.strata.metadata;

import java.util.Objects;
import java.util.Optional;

/**
 * One change of AlterUserScramCredentials: sets ({@code credential} present) or deletes a user's credential for a
 * mechanism. Immutable.
 */
public record ScramCredentialChange(String user, String mechanism, Optional<ScramCredential> credential) {

    public ScramCredentialChange {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(mechanism, "mechanism");
        Objects.requireNonNull(credential, "credential");
        if (credential.isPresent() && !credential.get().mechanism().equals(mechanism)) {
            throw new IllegalArgumentException("Credential for " + credential.get().mechanism() + " given as "
                    + mechanism);
        }
    }

    public static ScramCredentialChange upsert(String user, ScramCredential credential) {
        return new ScramCredentialChange(user, credential.mechanism(), Optional.of(credential));
    }

    public static ScramCredentialChange delete(String user, String mechanism) {
        return new ScramCredentialChange(user, mechanism, Optional.empty());
    }
}
