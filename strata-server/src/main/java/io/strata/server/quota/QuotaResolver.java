package io.strata.server.quota;

import io.strata.metadata.ClientQuotaEntity;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Finds the quota that applies to a request's user and client id, in Kafka's order of precedence (KIP-55), for each
 * quota type separately: the first of these entities that sets the type's key wins.
 * <ol>
 *   <li>{@code user=U, client-id=C}</li>
 *   <li>{@code user=U, client-id=<default>}</li>
 *   <li>{@code user=U}</li>
 *   <li>{@code user=<default>, client-id=C}</li>
 *   <li>{@code user=<default>, client-id=<default>}</li>
 *   <li>{@code user=<default>}</li>
 *   <li>{@code client-id=C}</li>
 *   <li>{@code client-id=<default>}</li>
 * </ol>
 * The match names whose rate is measured: a default applies to each user or client id on its own, so the tags carry
 * the request's own names; a quota of a user alone is shared by all its client ids (client tag empty), and one of a
 * client id alone by all users (user tag empty).
 *
 * <p>Stateless and thread-safe.
 */
public final class QuotaResolver {

    private QuotaResolver() {
    }

    /**
     * A quota that applies: the rate of ({@code userTag}, {@code clientTag}) is held to {@code bound}.
     *
     * @param entity    the entity whose value applies
     * @param userTag   the user whose rate is measured, empty when the quota is per client id only
     * @param clientTag the client id whose rate is measured, empty when the quota is per user only
     */
    public record Match(ClientQuotaEntity entity, String userTag, String clientTag, double bound) {
    }

    /** The quota of {@code type} for {@code user} and {@code clientId}, if any level sets one. */
    public static Optional<Match> resolve(Map<ClientQuotaEntity, Map<String, Double>> quotas, QuotaType type,
                                          String user, String clientId) {
        if (quotas.isEmpty()) {
            return Optional.empty();
        }
        Optional<String> u = Optional.of(user);
        Optional<String> c = Optional.of(clientId);
        Optional<String> any = Optional.empty();
        List<Candidate> order = List.of(
                new Candidate(ClientQuotaEntity.userAndClientId(u, c), user, clientId),
                new Candidate(ClientQuotaEntity.userAndClientId(u, any), user, clientId),
                new Candidate(ClientQuotaEntity.user(u), user, ""),
                new Candidate(ClientQuotaEntity.userAndClientId(any, c), user, clientId),
                new Candidate(ClientQuotaEntity.userAndClientId(any, any), user, clientId),
                new Candidate(ClientQuotaEntity.user(any), user, ""),
                new Candidate(ClientQuotaEntity.clientId(c), "", clientId),
                new Candidate(ClientQuotaEntity.clientId(any), "", clientId));
        for (Candidate candidate : order) {
            Double bound = quotas.getOrDefault(candidate.entity, Map.of()).get(type.key());
            if (bound != null) {
                return Optional.of(new Match(candidate.entity, candidate.userTag, candidate.clientTag, bound));
            }
        }
        return Optional.empty();
    }

    private record Candidate(ClientQuotaEntity entity, String userTag, String clientTag) {
    }
}
