package io.strata.server.registry;

import java.util.Locale;

/**
 * Confluent's registry modes: READWRITE (the default), READONLY (registrations and deletes refused with 42205) and
 * IMPORT (registrations may carry their id and version, to copy another registry).
 */
enum RegistryMode {
    READWRITE, READONLY, IMPORT;

    /**
     * The mode named in a request.
     *
     * @throws RegistryException 42204 for an unknown mode
     */
    static RegistryMode of(String name) {
        try {
            return valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw RegistryException.invalidMode(name);
        }
    }
}
