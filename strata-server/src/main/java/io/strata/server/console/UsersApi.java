package io.strata.server.console;

import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialDeletion;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.clients.admin.UserScramCredentialsDescription;

/**
 * The console's SCRAM users, through the Admin API (DescribeUserScramCredentials, AlterUserScramCredentials): the
 * users whose name contains the searched text with their mechanisms and iteration counts (never salts or keys),
 * paged; a credential set (added, or its password changed) from a password typed in the console, which the Admin
 * client salts and hashes before it leaves the node, and which the console never logs, stores or sends back; a user
 * deleted with all its credentials.
 *
 * <p>Thread-safe.
 */
final class UsersApi {

    /** Kafka's iteration count when none is given ({@code kafka-configs}, {@code strata user add}). */
    static final int DEFAULT_ITERATIONS = 4_096;
    /**
     * Kafka's largest iteration count. The cluster refuses more (UNACCEPTABLE_CREDENTIAL), but the Admin client
     * would first spend that many rounds salting the password, so the console refuses it before.
     */
    static final int MAX_ITERATIONS = 16_384;

    private final SecurityCalls cluster;

    UsersApi(SecurityCalls cluster) {
        this.cluster = cluster;
    }

    /** One page of the users whose name contains {@code query} (case-insensitive), sorted by name. */
    Map<String, Object> list(Optional<String> query, Paging paging) {
        String q = query.map(s -> s.toLowerCase(Locale.ROOT)).orElse("");
        List<UserScramCredentialsDescription> users = cluster.describeUsers().values().stream()
                .filter(u -> u.name().toLowerCase(Locale.ROOT).contains(q))
                .sorted(Comparator.comparing(UserScramCredentialsDescription::name)).toList();
        Map<String, Object> out = paging.header(users.size());
        out.put("users", paging.slice(users).stream().map(u -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", u.name());
            m.put("credentials", u.credentialInfos().stream()
                    .sorted(Comparator.comparing(c -> c.mechanism().mechanismName()))
                    .map(c -> Map.of("mechanism", c.mechanism().mechanismName(), "iterations", c.iterations()))
                    .toList());
            return m;
        }).toList());
        return out;
    }

    /**
     * Sets {@code user}'s credential for {@code mechanism} from {@code password}; the answer names the user,
     * mechanism and iterations only.
     */
    Map<String, Object> upsert(String user, ScramMechanism mechanism, int iterations, String password) {
        if (iterations > MAX_ITERATIONS) {
            throw new ConsoleExchange.Refusal(400, "iterations must be at most " + MAX_ITERATIONS);
        }
        cluster.alterUsers(List.of(new UserScramCredentialUpsertion(user, new ScramCredentialInfo(mechanism,
                iterations), password)));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("user", user);
        out.put("mechanism", mechanism.mechanismName());
        out.put("iterations", iterations);
        out.put("updated", true);
        return out;
    }

    /**
     * Deletes every credential of {@code user}: one request per mechanism, since Kafka refuses a user named twice
     * in one request (DUPLICATE_RESOURCE). 404 when the user has none.
     */
    Map<String, Object> delete(String user) {
        UserScramCredentialsDescription described = Optional.ofNullable(cluster.describeUsers().get(user))
                .filter(u -> !u.credentialInfos().isEmpty())
                .orElseThrow(() -> new ConsoleExchange.Refusal(404, "no SCRAM user " + user));
        List<String> deleted = described.credentialInfos().stream().map(ScramCredentialInfo::mechanism)
                .map(m -> {
                    cluster.alterUsers(List.of(new UserScramCredentialDeletion(user, m)));
                    return m.mechanismName();
                }).sorted().toList();
        return Map.of("user", user, "deleted", deleted);
    }

    /** {@code SCRAM-SHA-256} or {@code SCRAM-SHA-512} (any case); 400 otherwise. */
    static ScramMechanism mechanism(String name) {
        ScramMechanism m = ScramMechanism.fromMechanismName(name.trim().toUpperCase(Locale.ROOT));
        if (m == ScramMechanism.UNKNOWN) {
            throw new ConsoleExchange.Refusal(400, "mechanism is one of SCRAM-SHA-256, SCRAM-SHA-512");
        }
        return m;
    }
}
