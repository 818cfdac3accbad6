package io.strata.server.security;

import io.strata.metadata.MetadataQuorum;
import io.strata.metadata.ScramCredentialChange;
import io.strata.server.api.ApiHandler;
import io.strata.server.api.RequestContext;
import io.strata.server.cluster.QuorumWaiter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.message.AlterUserScramCredentialsRequestData;
import org.apache.kafka.common.message.AlterUserScramCredentialsResponseData;
import org.apache.kafka.common.message.AlterUserScramCredentialsResponseData.AlterUserScramCredentialsResult;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AlterUserScramCredentialsRequest;

/**
 * AlterUserScramCredentials: upserts (the client sends the salt and the salted password; the stored and server
 * keys are derived here) and deletions, committed to the metadata log in one entry. Per user, as Kafka answers:
 * DUPLICATE_RESOURCE for a user altered twice in one request, UNSUPPORTED_SASL_MECHANISM, UNACCEPTABLE_CREDENTIAL
 * for an empty name, salt or password or an iteration count outside 4096..16384, RESOURCE_NOT_FOUND for deleting a
 * credential that does not exist. Users fail independently.
 *
 * <p>Thread-safe.
 */
final class AlterUserScramCredentialsHandler implements ApiHandler<AlterUserScramCredentialsRequest> {

    private final MetadataQuorum quorum;
    private final QuorumWaiter waiter;

    AlterUserScramCredentialsHandler(MetadataQuorum quorum, QuorumWaiter waiter) {
        this.quorum = quorum;
        this.waiter = waiter;
    }

    @Override
    public ApiMessage handle(RequestContext context, AlterUserScramCredentialsRequest request) {
        AlterUserScramCredentialsRequestData data = request.data();
        Map<String, Integer> counts = new HashMap<>();
        data.deletions().forEach(d -> counts.merge(d.name(), 1, Integer::sum));
        data.upsertions().forEach(u -> counts.merge(u.name(), 1, Integer::sum));
        Map<String, Optional<Error>> outcomes = new LinkedHashMap<>();
        List<ScramCredentialChange> changes = new ArrayList<>();
        List<String> changedUsers = new ArrayList<>();
        for (var deletion : data.deletions()) {
            validate(deletion.name(), deletion.mechanism(), counts, outcomes).ifPresent(mechanism -> {
                changes.add(ScramCredentialChange.delete(deletion.name(), mechanism.mechanismName()));
                changedUsers.add(deletion.name());
            });
        }
        for (var upsertion : data.upsertions()) {
            validate(upsertion.name(), upsertion.mechanism(), counts, outcomes).ifPresent(mechanism -> {
                if (upsertion.iterations() < ScramMechanism.MIN_ITERATIONS) {
                    outcomes.put(upsertion.name(), Optional.of(new Error(Errors.UNACCEPTABLE_CREDENTIAL,
                            "Too few iterations")));
                } else if (upsertion.iterations() > ScramMechanism.MAX_ITERATIONS) {
                    outcomes.put(upsertion.name(), Optional.of(new Error(Errors.UNACCEPTABLE_CREDENTIAL,
                            "Too many iterations")));
                } else if (upsertion.salt().length == 0 || upsertion.saltedPassword().length == 0) {
                    outcomes.put(upsertion.name(), Optional.of(new Error(Errors.UNACCEPTABLE_CREDENTIAL,
                            "Salt and salted password must not be empty")));
                } else {
                    changes.add(ScramCredentialChange.upsert(upsertion.name(), mechanism.credentialFromSaltedPassword(
                            upsertion.saltedPassword(), upsertion.salt(), upsertion.iterations())));
                    changedUsers.add(upsertion.name());
                }
            });
        }
        if (!changes.isEmpty()) {
            try {
                List<Optional<ApiException>> results = waiter.await(quorum.alterScramCredentials(changes));
                for (int i = 0; i < results.size(); i++) {
                    String user = changedUsers.get(i);
                    results.get(i).ifPresent(e -> outcomes.put(user, Optional.of(new Error(Errors.forException(e),
                            e.getMessage()))));
                    outcomes.putIfAbsent(user, Optional.empty());
                }
            } catch (ApiException e) {
                changedUsers.forEach(u -> outcomes.putIfAbsent(u, Optional.of(new Error(Errors.forException(e),
                        e.getMessage()))));
            }
        }
        List<AlterUserScramCredentialsResult> results = new ArrayList<>();
        outcomes.forEach((user, error) -> results.add(new AlterUserScramCredentialsResult().setUser(user)
                .setErrorCode(error.map(e -> e.error().code()).orElse(Errors.NONE.code()))
                .setErrorMessage(error.map(Error::message).orElse(null))));
        return new AlterUserScramCredentialsResponseData().setResults(results);
    }

    private record Error(Errors error, String message) {
    }

    /** The mechanism, or empty with the user's error recorded. */
    private static Optional<ScramMechanism> validate(String user, byte type, Map<String, Integer> counts,
                                                     Map<String, Optional<Error>> outcomes) {
        if (outcomes.containsKey(user) && outcomes.get(user).isPresent()) {
            return Optional.empty();
        }
        if (counts.get(user) > 1) {
            outcomes.put(user, Optional.of(new Error(Errors.DUPLICATE_RESOURCE,
                    "A user credential cannot be altered twice in the same request")));
            return Optional.empty();
        }
        if (user.isEmpty()) {
            outcomes.put(user, Optional.of(new Error(Errors.UNACCEPTABLE_CREDENTIAL, "Username must not be empty")));
            return Optional.empty();
        }
        Optional<ScramMechanism> mechanism = ScramMechanism.forType(type);
        if (mechanism.isEmpty()) {
            outcomes.put(user, Optional.of(new Error(Errors.UNSUPPORTED_SASL_MECHANISM, "Unknown SCRAM mechanism")));
        }
        return mechanism;
    }
}
