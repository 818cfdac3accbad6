package io.strata.server.registry;

import java.util.Objects;

/**
 * A reference from one schema to another registered one, as Confluent's API carries it: the name the referring
 * schema uses (an Avro full name, a JSON Schema {@code $ref} URL, a Protobuf import path) and the subject and version
 * that define it.
 */
record SchemaReference(String name, String subject, int version) {

    public SchemaReference {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(subject, "subject");
    }
}
