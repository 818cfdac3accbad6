package io.strata.metadata;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Whom a client quota applies to, as Kafka's {@code ClientQuotaEntity}: one name per entity type ({@value #USER},
 * {@value #CLIENT_ID}), where an empty name is the type's default ({@code <default>}), which applies to every user or
 * client id that has no quota of its own. Immutable.
 *
 * @param components entity type to name (empty for the default); never empty itself
 */
public record ClientQuotaEntity(Map<String, Optional<String>> components) implements Comparable<ClientQuotaEntity> {

    /** Kafka's entity type of a user principal's name. */
    public static final String USER = "user";
    /** Kafka's entity type of the client id in request headers. */
    public static final String CLIENT_ID = "client-id";

    public ClientQuotaEntity {
        if (components.isEmpty()) {
            throw new IllegalArgumentException("A client quota entity has at least one component");
        }
        components.forEach((type, name) -> {
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(name, "name");
        });
        components = Map.copyOf(components);
    }

    /** The entity of one user ({@code name}) or of the default user (empty). */
    public static ClientQuotaEntity user(Optional<String> name) {
        return new ClientQuotaEntity(Map.of(USER, name));
    }

    /** The entity of one client id ({@code name}) or of the default client id (empty). */
    public static ClientQuotaEntity clientId(Optional<String> name) {
        return new ClientQuotaEntity(Map.of(CLIENT_ID, name));
    }

    /** The entity of a user (or the default user) together with a client id (or the default client id). */
    public static ClientQuotaEntity userAndClientId(Optional<String> user, Optional<String> clientId) {
        return new ClientQuotaEntity(Map.of(USER, user, CLIENT_ID, clientId));
    }

    /** Kafka's textual form, types in name order: {@code client-id=<default>,user=alice}. */
    @Override
    public String toString() {
        return new TreeMap<>(components).entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue().orElse("<default>"))
                .collect(Collectors.joining(","));
    }

    /** A deterministic order (snapshots, listings): by the textual form. */
    @Override
    public int compareTo(ClientQuotaEntity other) {
        return toString().compareTo(other.toString());
    }
}
