package io.strata.server.registry;

import java.util.Locale;

/**
 * Confluent's compatibility levels. BACKWARD: the new schema reads data written with the previous ones; FORWARD: the
 * previous ones read data written with the new one; FULL: both; the {@code _TRANSITIVE} forms check every live
 * version of the subject instead of the latest only.
 */
enum CompatibilityLevel {
    NONE(false, false, false),
    BACKWARD(true, false, false),
    BACKWARD_TRANSITIVE(true, false, true),
    FORWARD(false, true, false),
    FORWARD_TRANSITIVE(false, true, true),
    FULL(true, true, false),
    FULL_TRANSITIVE(true, true, true);

    /** The level of a registry with no configuration, as Confluent's. */
    public static final CompatibilityLevel DEFAULT = BACKWARD;

    private final boolean backward;
    private final boolean forward;
    private final boolean transitive;

    CompatibilityLevel(boolean backward, boolean forward, boolean transitive) {
        this.backward = backward;
        this.forward = forward;
        this.transitive = transitive;
    }

    /** Whether the new schema must read data written with the previous ones. */
    public boolean backward() {
        return backward;
    }

    /** Whether the previous schemas must read data written with the new one. */
    public boolean forward() {
        return forward;
    }

    /** Whether every live version is checked rather than the latest only. */
    public boolean transitive() {
        return transitive;
    }

    /**
     * The level named in a request, in any case.
     *
     * @throws RegistryException 42203 for an unknown level
     */
    static CompatibilityLevel of(String name) {
        try {
            return valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw RegistryException.invalidCompatibilityLevel(name);
        }
    }
}
