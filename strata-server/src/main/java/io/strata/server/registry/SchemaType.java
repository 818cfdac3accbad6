package io.strata.server.registry;

import java.util.Locale;

/** The schema formats the registry stores, with Confluent's names. */
enum SchemaType {
    AVRO, JSON, PROTOBUF;

    /**
     * The type named in a request; absent means AVRO, as in Confluent's API.
     *
     * @throws RegistryException 42201 for an unknown type
     */
    static SchemaType of(String name) {
        if (name == null || name.isEmpty()) {
            return AVRO;
        }
        try {
            return valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw RegistryException.invalidSchema("of unknown type " + name);
        }
    }
}
