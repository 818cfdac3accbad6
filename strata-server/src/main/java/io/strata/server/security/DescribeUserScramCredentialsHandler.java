package io.strata.server.security;

import io.strata.metadata.MetadataImage;
import io.strata.metadata.MetadataQuorum;
import io.strata.metadata.ScramCredential;
import io.strata.server.api.ApiHandler;
import io.strata.server.api.RequestContext;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.common.message.DescribeUserScramCredentialsRequestData.UserName;
import org.apache.kafka.common.message.DescribeUserScramCredentialsResponseData;
import org.apache.kafka.common.message.DescribeUserScramCredentialsResponseData.CredentialInfo;
import org.apache.kafka.common.message.DescribeUserScramCredentialsResponseData.DescribeUserScramCredentialsResult;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.DescribeUserScramCredentialsRequest;

/**
 * DescribeUserScramCredentials: each user's mechanisms and iteration counts (never salts or keys), from the
 * metadata image; every user when the request names none. A named user without credentials gets
 * RESOURCE_NOT_FOUND, a user named twice DUPLICATE_RESOURCE, as in Kafka.
 *
 * <p>Thread-safe.
 */
final class DescribeUserScramCredentialsHandler implements ApiHandler<DescribeUserScramCredentialsRequest> {

    private final MetadataQuorum quorum;

    DescribeUserScramCredentialsHandler(MetadataQuorum quorum) {
        this.quorum = quorum;
    }

    @Override
    public ApiMessage handle(RequestContext context, DescribeUserScramCredentialsRequest request) {
        MetadataImage image = quorum.image();
        Map<String, List<CredentialInfo>> byUser = new TreeMap<>();
        image.scramCredentials().entrySet().stream()
                .sorted(Map.Entry.comparingByKey(java.util.Comparator.comparing(ScramCredential.Key::user)
                        .thenComparing(ScramCredential.Key::mechanism)))
                .forEach(e -> byUser.computeIfAbsent(e.getKey().user(), u -> new ArrayList<>()).add(
                        new CredentialInfo().setMechanism(ScramMechanism.forName(e.getKey().mechanism())
                                .orElseThrow().type()).setIterations(e.getValue().iterations())));
        List<DescribeUserScramCredentialsResult> results = new ArrayList<>();
        List<UserName> users = request.data().users();
        if (users == null || users.isEmpty()) {
            byUser.forEach((user, infos) -> results.add(new DescribeUserScramCredentialsResult().setUser(user)
                    .setErrorCode(Errors.NONE.code()).setCredentialInfos(infos)));
        } else {
            Set<String> seen = new HashSet<>();
            Set<String> duplicates = new TreeSet<>();
            users.forEach(u -> {
                if (!seen.add(u.name())) {
                    duplicates.add(u.name());
                }
            });
            for (String user : new TreeSet<>(seen)) {
                DescribeUserScramCredentialsResult result = new DescribeUserScramCredentialsResult().setUser(user);
                if (duplicates.contains(user)) {
                    result.setErrorCode(Errors.DUPLICATE_RESOURCE.code())
                            .setErrorMessage("Cannot describe SCRAM credentials for the same user twice in a single "
                                    + "request: " + user);
                } else if (!byUser.containsKey(user)) {
                    result.setErrorCode(Errors.RESOURCE_NOT_FOUND.code())
                            .setErrorMessage("Attempt to describe a user credential that does not exist: " + user);
                } else {
                    result.setErrorCode(Errors.NONE.code()).setCredentialInfos(byUser.get(user));
                }
                results.add(result);
            }
        }
        return new DescribeUserScramCredentialsResponseData().setErrorCode(Errors.NONE.code()).setResults(results);
    }
}
